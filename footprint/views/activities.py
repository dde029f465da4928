"""The stage editor: one product's lifecycle stages, one stage's activity table at a time.

A page renders one stage and at most PAGE_SIZE rows of it, so a study of thousands of records
opens as fast as a small one; the numbers come from one calculation of the whole study.
Saving through htmx swaps the stage table and updates the product total and stage totals
(out-of-band) without reloading the page; without JavaScript the form posts normally.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from ..access import get_study_for_edit, require_staff
from ..choices import (
    STAGE_ORDER,
    Basis,
    DataType,
    DistributionKind,
    FactorCategory,
    VerificationStatus,
    stages_in_boundary,
)
from ..forms.activities import ActivityFormSet, StageBoundaryForm
from ..forms.common import plain_decimal
from ..models import ActivityRecord, EmissionFactor
from ..selectors import (
    activity_suppliers,
    current_factors_by_code,
    factor_search,
    stage_activities,
    stages_of,
    study_comments,
    study_evidence,
    study_product_of,
)
from ..services.calculation.units import UnitError, activity_unit_of
from ..services.entry.activities import activity_unit_problem, stage_activities_save
from ..services.freeze import StudyFrozenError, ensure_study_editable, study_is_editable
from ..services.interchange.distribution_fields import DISTRIBUTION_COLUMNS, RATING_COLUMNS
from ..services.results import cached_study_result
from ..templatetags.pcf import factor_text

PAGE_SIZE = 50
FORMSET_PREFIX = "act"
ROW_FIELDS = ("name", "quantity", "unit", "basis", "factor", "allocation", "data_type", "source",
              "claimed_kgco2e_per_unit", "uncertainty_pct", "notes", *DISTRIBUTION_COLUMNS,
              *RATING_COLUMNS, "verification", "verified_evidence")
# Fields of the row's second line ("more fields"): shown open when one of them has a value.
EXTRA_FIELDS = ("claimed_kgco2e_per_unit", "uncertainty_pct", "notes", *DISTRIBUTION_COLUMNS,
                *RATING_COLUMNS, "verified_evidence")
MAX_EXTRA_ROWS = 20
PICKER_LIMIT = 40


def _int(value, default: int, *, low: int = 0, high: int | None = None) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    number = max(low, number)
    return min(number, high) if high is not None else number


@login_required
def study_product_stages(request, report_number, product_code):
    study = get_study_for_edit(request.user, report_number)
    study_product = study_product_of(study, product_code)
    if study_product is None:
        raise Http404
    stages = stages_of(study_product)
    boundary = stages_in_boundary(study.boundary)
    stage_key = request.GET.get("stage") or boundary[0]
    if stage_key not in stages:
        raise Http404
    stage = stages[stage_key]
    rows = stage_activities(stage)
    paginator = Paginator(rows, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    extra = _int(request.GET.get("extra"), 0, high=MAX_EXTRA_ROWS)

    evidence_files = study_evidence(study)
    saved = False
    if request.method == "POST":
        boundary_form = StageBoundaryForm(request.POST, instance=stage, prefix="stage")
        formset = ActivityFormSet(request.POST, queryset=page.object_list, prefix=FORMSET_PREFIX,
                                  evidence={e.pk: e for e in evidence_files})
        saved = _save(request, study, stage, boundary_form, formset)
        if saved:
            last = bool(formset.new_objects)  # new rows go to the end of the stage
            if not request.htmx:
                url = reverse("study_product_stages", args=[report_number, product_code])
                target = "last" if last else page.number
                return redirect(f"{url}?stage={stage_key}&page={target}")
            # htmx: show the saved rows afresh, with their ids and computed values.
            page = Paginator(stage_activities(stage), PAGE_SIZE).get_page("last" if last else page.number)
            boundary_form = StageBoundaryForm(instance=stage, prefix="stage")
            formset = None
    else:
        boundary_form = StageBoundaryForm(instance=stage, prefix="stage")
        formset = None

    result = cached_study_result(study)
    product_result = result.product(product_code)
    context = _context(study, study_product, stages, stage, page, formset, boundary_form,
                       result, product_result, extra=extra, editable=study_is_editable(study))
    context["saved"] = saved
    context["evidence_files"] = evidence_files
    by_activity: dict[int, list] = defaultdict(list)
    for evidence in evidence_files:
        if evidence.activity_id:
            by_activity[evidence.activity_id].append(evidence)
    for row in context["rows"]:
        row.evidence = by_activity.get(row.pk, [])
    context["editor_url"] = request.get_full_path()
    from .comment_links import open_comments_by_activity

    comments = study_comments(study)
    open_comments = open_comments_by_activity(comments)
    suppliers = activity_suppliers(row.pk for row in context["rows"] if row.pk)
    for row in context["rows"]:
        row.open_comment = open_comments.get(row.pk)  # the row's marker links to it
        row.supplied = suppliers.get(row.pk)  # accepted from a data request: who supplied it
    context["unresolved_count"] = sum(1 for c in comments if not c.resolved)
    if request.htmx:
        return render(request, "footprint/stages/_htmx_response.html", context)
    return render(request, "footprint/stages/editor.html", context)


def _save(request, study, stage, boundary_form, formset) -> bool:
    """Validate and save the stage form and its rows; True when saved. Errors stay on the
    forms (and everything typed stays in them)."""
    try:
        ensure_study_editable(study)
    except StudyFrozenError as exc:
        messages.error(request, str(exc))
        return False
    if not (boundary_form.is_valid() and formset.is_valid()):
        messages.error(request, _("有数据未通过检查，请按提示修改后再保存；已填写的内容都保留在表中。"))
        return False
    # commit=False only sorts the rows into new / changed / deleted; the service validates
    # and writes them in one transaction.
    formset.save(commit=False)
    try:
        stage_activities_save(
            stage=stage,
            boundary=boundary_form.cleaned_data,
            new=formset.new_objects,
            changed=[obj for obj, _fields in formset.changed_objects],
            deleted=formset.deleted_objects,
        )
    except StudyFrozenError as exc:
        messages.error(request, str(exc))
        return False
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return False
    changes = len(formset.new_objects) + len(formset.changed_objects) + len(formset.deleted_objects)
    messages.success(request, _("“%(stage)s”阶段已保存（%(n)s 行有变化）。") % {
        "stage": stage.get_stage_display(), "n": changes})
    return True


def _context(study, study_product, stages, stage, page, formset, boundary_form, result,
             product_result, *, extra: int = 0, editable: bool) -> dict:
    boundary = stages_in_boundary(study.boundary)
    by_record = {}
    checks_by_record: dict[int, list] = {}
    stage_checks: dict[str, list] = {}
    product_checks = []
    if product_result is not None:
        by_record = {a.record_id: a for a in product_result.activities}
        for check in product_result.checks:
            if check.activity is not None:
                record_id = product_result.activities[check.activity].record_id
                checks_by_record.setdefault(record_id, []).append(check)
            elif check.stage:
                stage_checks.setdefault(check.stage, []).append(check)
            else:
                product_checks.append(check)
    stage_results = {s.stage: s for s in product_result.stages} if product_result else {}
    nav = []
    for key in STAGE_ORDER:
        if key not in stages:
            continue
        sr = stage_results.get(key)
        nav.append({
            "key": key,
            "label": stages[key].get_stage_display(),
            "in_boundary": key in boundary,
            "kgco2e": sr.kgco2e if sr else None,
            "share_pct": sr.share_pct if sr else None,
            "count": sr.activity_count if sr else None,
            "checks": stage_checks.get(key, []),
            "active": key == stage.stage,
        })
    if formset is None:
        records = list(page.object_list)
        rows = [
            _row_from_record(f"{FORMSET_PREFIX}-{i}", page.start_index() + i, record)
            for i, record in enumerate(records)
        ]
        rows += [_blank_row(f"{FORMSET_PREFIX}-{len(rows) + i}") for i in range(extra)]
        initial_count = len(records)
    else:
        rows = [_row_from_form(form, page.start_index() + i) for i, form in enumerate(formset.forms)]
        initial_count = formset.initial_form_count()
    options = RowOptions(disabled=not editable)
    for row in rows:
        row.options = options.of(row)
        if row.pk:
            row.activity = by_record.get(row.pk)
            row.checks = checks_by_record.get(row.pk, [])
    empty_row = _blank_row(f"{FORMSET_PREFIX}-__prefix__")
    empty_row.options = options.of(empty_row)
    stage_result = stage_results.get(stage.stage)
    return {
        "study": study,
        "study_product": study_product,
        "product": study_product.product,
        "product_result": product_result,
        "stage": stage,
        "stage_result": stage_result,
        "stage_in_boundary": stage.stage in boundary,
        "nav": nav,
        "page": page,
        "rows": rows,
        "non_form_errors": formset.non_form_errors() if formset is not None else [],
        "management": {"prefix": FORMSET_PREFIX, "total": len(rows), "initial": initial_count},
        "empty_row": empty_row,
        "labels": _row_labels(),
        # Attributes printed on every input of a frozen study's rows.
        "readonly": "" if editable else mark_safe(" readonly"),  # noqa: S308 - constant
        "disabled": "" if editable else mark_safe(" disabled"),  # noqa: S308 - constant
        "boundary_form": boundary_form,
        "product_checks": product_checks,
        "editable": editable,
        "page_size": PAGE_SIZE,
        "factor_categories": FactorCategory.choices,
        "other_products": [
            sp for sp in study.study_products.select_related("product").order_by("position", "id")
        ],
    }


# ------------------------------------------------------------------------- table rows
# The activity table is rendered from these plain rows with plain <input>s, not through the
# formset's widgets: Django renders every widget through its template engine, which for a
# page of 100 rows × 11 fields cost more than half a second. The names follow the formset's
# convention (act-N-field), so the same ActivityFormSet validates what is posted.
@dataclass
class ActivityRow:
    prefix: str
    number: int | str
    pk: int | None = None
    values: dict[str, str] = field(default_factory=dict)
    # A defaultdict: the template asks for every field's errors, and a missing key costs
    # the template engine an exception and a dir() call.
    errors: defaultdict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    factor: EmissionFactor | None = None
    deleted: bool = False
    activity: object | None = None  # the calculation's ActivityResult
    checks: list = field(default_factory=list)
    open_comment: int | None = None  # the first unresolved comment on the row
    options: dict = field(default_factory=dict)  # the selects' options as HTML (RowOptions)
    evidence: list = field(default_factory=list)  # the evidence files attached to the row

    @property
    def show_extra(self) -> bool:
        return any(self.values.get(f) or self.errors.get(f) for f in EXTRA_FIELDS)

    @property
    def parameter_fields(self) -> list[tuple[str, str, str, list[str]]]:
        """The distribution's parameters: (field, label, value, errors)."""
        return [(n, _field_label(n), self.values.get(n, ""), self.errors.get(n, []))
                for n in DISTRIBUTION_COLUMNS[1:]]


class RowOptions:
    """The <option>s of a row's selects, built in Python once per page and selected value.

    In the template they were 9 loops per row (basis, data type, distribution, five ratings):
    about 70 % of the ~230 variables the template engine rendered per row, which made a page
    of 50 rows cost 250–450 ms of server time under load (bench/pages.py)."""

    def __init__(self, *, disabled: bool):
        self.disabled = mark_safe(" disabled") if disabled else ""  # noqa: S308 - constant
        self._memo: dict[tuple[str, str], str] = {}
        self._choices = {
            "basis": (None, Basis.choices),
            "data_type": (None, DataType.choices),
            "distribution": (_("未填（按 ±% 或数据质量）"), DistributionKind.choices),
            "rating": ("—", [(str(n), str(n)) for n in range(1, 6)]),
            "verification": (None, VerificationStatus.choices),
        }
        self._rating_labels = [(n, _field_label(n)) for n in RATING_COLUMNS]

    def _options(self, kind: str, selected: str) -> str:
        key = (kind, selected or "")
        if key not in self._memo:
            blank, choices = self._choices[kind]
            parts = [format_html('<option value="">{}</option>', blank)] if blank is not None else []
            parts += [format_html('<option value="{}"{}>{}</option>', value,
                                  mark_safe(" selected") if str(value) == key[1] else "", label)  # noqa: S308
                      for value, label in choices]
            self._memo[key] = mark_safe("".join(parts))  # noqa: S308 - built with format_html
        return self._memo[key]

    def of(self, row: ActivityRow) -> dict[str, str]:
        values = row.values
        ratings = format_html_join(
            "", '<div class="col"><label class="form-label small mb-0" for="{0}-{1}">{2}</label>'
                '<select name="{0}-{1}" id="{0}-{1}" class="form-select form-select-sm"{3}>{4}</select></div>',
            ((row.prefix, name, label, self.disabled, self._options("rating", values.get(name, "")))
             for name, label in self._rating_labels))
        return {
            "basis": self._options("basis", values.get("basis", "")),
            "data_type": self._options("data_type", values.get("data_type", "")),
            "distribution": self._options("distribution", values.get("distribution", "")),
            "verification": self._options("verification", values.get("verification", "")),
            "ratings": ratings,
        }


def _field_label(name: str) -> str:
    return str(ActivityRecord._meta.get_field(name).verbose_name)


def _text(value) -> str:
    if value is None:
        return ""
    return str(plain_decimal(value))


def _row_from_record(prefix: str, number: int, record) -> ActivityRow:
    values = {name: _text(getattr(record, name)) for name in ROW_FIELDS
              if name not in ("factor", "verified_evidence")}
    values["factor"] = str(record.factor_id)
    values["verified_evidence"] = _text(record.verified_evidence_id)
    return ActivityRow(prefix=prefix, number=number, pk=record.pk, values=values,
                       factor=record.factor)


def _blank_row(prefix: str) -> ActivityRow:
    values = dict.fromkeys(ROW_FIELDS, "")
    values.update(basis=Basis.ANNUAL_TOTAL, allocation="1", data_type=DataType.PRIMARY,
                  verification=VerificationStatus.NOT_VERIFIED)
    return ActivityRow(prefix=prefix, number="", values=values)


def _row_from_form(form, number: int) -> ActivityRow:
    """A row as typed (bound form), with its errors: nothing typed is lost."""
    values = {name: form.data.get(form.add_prefix(name), "") for name in ROW_FIELDS}
    errors: defaultdict[str, list[str]] = defaultdict(list)
    for name, messages_ in form.errors.items():
        errors["non_field" if name == "__all__" else name] = list(messages_)
    pk = form.instance.pk if form.instance.pk else None
    return ActivityRow(
        prefix=form.prefix, number=number if pk else "", pk=pk, values=values, errors=errors,
        factor=form.factor_object, deleted=bool(form.data.get(form.add_prefix("DELETE"))),
    )


def _row_labels() -> dict[str, str]:
    """Translated labels used on every row, looked up once per page."""
    return {
        "pick": _("选择因子…"), "derived": _("推导值"), "more": _("更多字段"),
        "more_title": _("更多字段：声明值、不确定性、备注"), "copy": _("复制此行"),
        "delete": _("删除此行"), "delete_title": _("删除此行（保存后生效）"),
        "row_error": _("该行有错误，不计入结果"), "factor": _("排放因子"),
        "name": _("活动名称"), "quantity": _("活动数据"), "unit": _("单位"), "basis": _("数据基准"),
        "allocation": _("分配比例"), "data_type": _("数据类型"), "source": _("数据来源"),
        "claimed": _("原报告声明值 (kgCO₂e/功能单位)"), "uncertainty": _("不确定性 (%)"),
        "notes": _("备注"), "open_comment": _("此行有未解决的审阅意见"),
        "supplied_by": _("企业提供："), "data_request": _("数据请求"), "accepted_by": _("核查员接受："),
        # The quantity's distribution and data-quality ratings (docs/uncertainty.md).
        "distribution": _("不确定性分布"),
        "ratings_title": _("数据质量评分（1 最好 … 5 最差）"),
        # How the figure was checked, and against which file (docs/evidence.md).
        "verification": _("核实状态"),
        "verified_evidence": _("核实依据"), "evidence": _("证据文件"),
        "evidence_none": _("—（未选择）"), "upload_evidence": _("上传证据"),
        "evidence_download": _("下载"),
    }


@login_required
def unit_check(request):
    """As-you-type check of an activity unit against the chosen factor (JSON)."""
    require_staff(request.user)
    unit = request.GET.get("unit", "")
    factor = None
    factor_id = request.GET.get("factor", "")
    if factor_id.isdigit():
        factor = EmissionFactor.objects.filter(pk=factor_id).first()
    problem = activity_unit_problem(unit, factor)
    expected = ""
    if factor is not None:
        try:
            expected = activity_unit_of(factor.unit)
        except UnitError:
            expected = ""
    return JsonResponse({"ok": problem is None, "message": problem or "", "expected": expected})


@login_required
def factor_picker(request):
    """Search results for the factor picker of the stage editor (an htmx fragment)."""
    require_staff(request.user)
    q = (request.GET.get("q") or "").strip()
    category = request.GET.get("category") or ""
    all_versions = request.GET.get("all_versions") == "on"
    factors = list(factor_search(q=q, category=category, current_only=not all_versions)[:PICKER_LIMIT])
    entries = [{"factor": f, "activity_unit": _activity_unit_for(f)} for f in factors]
    return render(request, "footprint/stages/_picker_results.html", {
        "entries": entries, "limit": PICKER_LIMIT, "q": q,
    })


# Factor codes one paste may look up: a spreadsheet block of a few hundred rows.
LOOKUP_LIMIT = 500


@login_required
def factor_lookup(request):
    """The current factors for codes pasted into the stage editor (JSON, the same fields as
    the picker's buttons), and the codes the library does not know."""
    require_staff(request.user)
    codes = list(dict.fromkeys(c.strip() for c in request.GET.getlist("code") if c.strip()))[:LOOKUP_LIMIT]
    found = current_factors_by_code(codes)
    factors = {}
    for code, f in found.items():
        factors[code] = {
            "id": f.pk, "code": f.code, "version": f.version,
            "value": factor_text(f) if f.value is not None else _("推导值"), "unit": f.unit,
            "gas": f.gas, "year": f.year or "—", "region": f.region or "—",
            "activityUnit": _activity_unit_for(f),
        }
    return JsonResponse({"factors": factors, "unknown": [c for c in codes if c not in found]})


def _activity_unit_for(factor: EmissionFactor) -> str:
    """The activity unit the factor expects (kWh for kg/kWh), offered when a row has none."""
    try:
        return activity_unit_of(factor.unit)
    except UnitError:
        return ""
