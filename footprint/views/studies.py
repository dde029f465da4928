"""A study: create, edit its scope, add products with their output, narrative, export."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..access import (
    can_create_study,
    can_edit_study_data,
    get_study_for_edit,
    get_study_for_user,
    require,
    sees_licensed_factors,
)
from ..choices import NARRATIVE_SECTIONS, stages_in_boundary
from ..forms.studies import NarrativeForm, StudyForm, StudyProductAddForm, StudyProductOutputForm
from ..selectors import (
    companies_visible_to,
    gwp_version_of,
    study_product_of,
)
from ..services.entry import studies as study_services
from ..services.facts.reading import study_facts
from ..services.freeze import StudyFrozenError, ensure_study_editable, study_is_editable
from ..services.interchange import openlca
from ..services.interchange.exporting import study_to_json, study_to_workbook
from ..services.reference.gwp_corrections import study_gwp_correction
from ..services.report_prose.narrative import NARRATIVE_DEFAULT_KEYS, default_narratives
from ..services.results import cached_study_result
from .panels import study_panels


def _refuse_if_frozen(request, study) -> bool:
    """Frozen (issued) studies are shown, never changed: say why and refuse."""
    try:
        ensure_study_editable(study)
    except StudyFrozenError as exc:
        messages.error(request, str(exc))
        return True
    return False


@login_required
def study_create(request):
    require(can_create_study(request.user))
    companies = companies_visible_to(request.user)
    initial = {}
    if request.GET.get("company", "").isdigit():
        initial["company"] = companies.filter(pk=request.GET["company"]).first()
    form = StudyForm(request.POST or None, companies=companies, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        company = data.pop("company")
        study = study_services.study_create(user=request.user, company=company, fields=data)
        messages.success(request, _("报告 %(number)s 已创建。下一步：添加产品及其报告期产量。")
                         % {"number": study.report_number})
        return redirect("study_detail", report_number=study.report_number)
    return render(request, "footprint/studies/form.html", {"form": form})


@login_required
def study_detail(request, report_number):
    study = get_study_for_user(request.user, report_number)
    editable = study_is_editable(study)
    may_edit = can_edit_study_data(request.user, study)
    can_edit = may_edit and editable
    # The calculation runs once here; the panels, the completeness check and the workflow
    # blockers all read this result (views/panels.py).
    # One read of the study (its facts, as entered) for the rows, the completeness check and,
    # when the results cache misses, the calculation.
    facts = study_facts(study)
    result = cached_study_result(study, facts=facts)
    rows = [
        {"product": product, "result": result.product(product.code),
         "output_form": StudyProductOutputForm(prefix=f"out-{product.study_product_id}")}
        for product in facts.products
    ]
    add_form = StudyProductAddForm(study=study) if can_edit else None
    errors = sum(1 for c in result.all_checks if c.is_error)
    correction = study_gwp_correction(study, result=result)
    return render(request, "footprint/studies/detail.html", {
        **study_panels(study, request.user, result=result, facts=facts),
        "gwp_correction": correction,
        "correction_reason": correction and correction.to_version.reason_in(get_language()),
        "gwp_version": gwp_version_of(study),
        "study": study,
        "rows": rows,
        "result": result,
        "can_edit": can_edit,
        "may_edit": may_edit,
        "editable": editable,
        "add_form": add_form,
        "error_count": errors,
        "warning_count": len(result.all_checks) - errors,
        "boundary_stages": stages_in_boundary(study.boundary),
        "auditors": list(study.auditors.all()),
    })


@login_required
def study_edit(request, report_number):
    study = get_study_for_edit(request.user, report_number)
    form = StudyForm(request.POST or None, instance=study,
                     companies=companies_visible_to(request.user))
    if request.method == "POST" and not _refuse_if_frozen(request, study) and form.is_valid():
        data = dict(form.cleaned_data)
        company = data.pop("company", None)
        try:
            study_services.study_update(study=study, fields=data, company=company)
        except StudyFrozenError as exc:
            messages.error(request, str(exc))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("报告信息已保存。"))
            return redirect("study_detail", report_number=study.report_number)
    return render(request, "footprint/studies/form.html", {"form": form, "study": study})


@login_required
@require_POST
def study_product_add(request, report_number):
    study = get_study_for_edit(request.user, report_number)
    form = StudyProductAddForm(request.POST, study=study)
    if _refuse_if_frozen(request, study):
        return redirect("study_detail", report_number=report_number)
    if form.is_valid():
        try:
            sp = study_services.study_product_add(
                study=study, product=form.cleaned_data["product"],
                annual_output=form.cleaned_data["annual_output"],
            )
        except (ValidationError, StudyFrozenError) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, _("产品 %(code)s 已加入报告。") % {"code": sp.product.code})
            return redirect("study_product_stages", report_number=report_number,
                            product_code=sp.product.code)
    else:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, pgettext("field error", "%(field)s：%(errors)s") % {
                "field": label, "errors": " ".join(errors)} if label else " ".join(errors))
    return redirect("study_detail", report_number=report_number)


@login_required
@require_POST
def study_product_output(request, report_number, product_code):
    study = get_study_for_edit(request.user, report_number)
    sp = study_product_of(study, product_code)
    if sp is None:
        raise Http404
    form = StudyProductOutputForm(request.POST, prefix=f"out-{sp.pk}")
    if not _refuse_if_frozen(request, study):
        if form.is_valid():
            try:
                study_services.study_product_update(
                    study_product=sp, annual_output=form.cleaned_data["annual_output"])
            except (ValidationError, StudyFrozenError) as exc:
                messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
            else:
                messages.success(request, _("产品 %(code)s 的报告期产量已保存。") % {"code": product_code})
        else:
            messages.error(request, _("报告期产量：%(errors)s") % {
                "errors": " ".join(form.errors.get("annual_output", []))})
    return redirect("study_detail", report_number=report_number)


@login_required
@require_POST
def study_product_remove(request, report_number, product_code):
    study = get_study_for_edit(request.user, report_number)
    sp = study_product_of(study, product_code)
    if sp is None:
        raise Http404
    if not _refuse_if_frozen(request, study):
        try:
            study_services.study_product_remove(study_product=sp)
        except StudyFrozenError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("产品 %(code)s 及其活动数据已从报告中移除。") % {"code": product_code})
    return redirect("study_detail", report_number=report_number)


@login_required
def study_narrative(request, report_number):
    study = get_study_for_edit(request.user, report_number)
    initial = {key: getattr(study, key) for key in NARRATIVE_SECTIONS}
    initial["company_overview"] = study.company.overview
    form = NarrativeForm(request.POST or None, initial=initial)
    if request.method == "POST" and not _refuse_if_frozen(request, study) and form.is_valid():
        data = dict(form.cleaned_data)
        overview = data.pop("company_overview")
        try:
            study_services.study_narrative_update(study=study, fields=data, company_overview=overview)
        except StudyFrozenError as exc:
            messages.error(request, str(exc))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("叙述章节已保存。留空的章节在报告中使用默认文本。"))
            return redirect("study_narrative", report_number=report_number)
    # Defaults in the report's language: that is the language they will be printed in.
    defaults = default_narratives(study=study, language=study.language)
    sections = [
        {"field": form[key], "default": defaults.get(key, ""), "key": key}
        for key in ("company_overview", *NARRATIVE_SECTIONS)
    ]
    return render(request, "footprint/studies/narrative.html", {
        "study": study, "form": form, "sections": sections, "may_edit": True,
        "editable": study_is_editable(study),
        "default_keys": NARRATIVE_DEFAULT_KEYS, "ui_language": get_language(),
    })


@login_required
def study_export(request, report_number, fmt):
    study = get_study_for_user(request.user, report_number)
    for_licensee = sees_licensed_factors(request.user)
    if fmt == "json":
        response = HttpResponse(study_to_json(study, for_licensee=for_licensee),
                                content_type="application/json; charset=utf-8")
    else:
        response = HttpResponse(
            study_to_workbook(study, for_licensee=for_licensee),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{study.report_number}.{fmt}"'
    return response


@login_required
def study_export_openlca(request, report_number):
    """The study as an openLCA JSON-LD package (docs/openlca.md), for everyone who may see it."""
    study = get_study_for_user(request.user, report_number)
    package = openlca.study_to_openlca(study, for_licensee=sees_licensed_factors(request.user))
    response = HttpResponse(package, content_type=openlca.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{openlca.package_filename(study)}"'
    return response


