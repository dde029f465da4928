"""Pages of the PACT data exchange: an issued study's footprints as JSON, a product's PACT
particulars, and a company's grants to PACT clients (docs/pact.md)."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ..access import (
    can_edit_study_data,
    can_manage_pact_grants,
    get_study_for_edit,
    get_study_for_user,
    require,
)
from ..forms.pact import PactParticularsForm
from ..models import PactClient
from ..selectors import companies_visible_to, study_product_of
from ..services.freeze import StudyFrozenError
from ..services.pact import publishing as pact_publishing


@login_required
@require_GET
def study_pact_json(request, report_number):
    """The issued study's ProductFootprints, for everyone who may see the study."""
    study = get_study_for_user(request.user, report_number)
    if study.status not in pact_publishing.PUBLISHED_STATUSES:
        raise Http404(_("这份报告尚未签发。"))
    items = pact_publishing.study_footprints(study)
    data = [item.data for item in items if item.data is not None]
    if not data:  # issued, but no product has what PACT requires: say what
        return HttpResponse("\n".join(pact_publishing.missing_message(i) for i in items),
                            status=409, content_type="text/plain; charset=utf-8")
    response = HttpResponse(json.dumps({"data": data}, ensure_ascii=False, indent=2),
                            content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{study.report_number}-pact.json"'
    return response


@login_required
def study_product_pact(request, report_number, product_code):
    study = get_study_for_user(request.user, report_number)
    sp = study_product_of(study, product_code)
    if sp is None:
        raise Http404
    may_edit = can_edit_study_data(request.user, study) and not study.is_frozen
    form = PactParticularsForm(request.POST or None, instance=sp)
    if request.method == "POST":
        study = get_study_for_edit(request.user, report_number)
        if form.is_valid():
            try:
                pact_publishing.particulars_update(study_product=sp, values=form.cleaned_data)
            except StudyFrozenError as exc:
                messages.error(request, str(exc))
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("产品 %(code)s 的 PACT 信息已保存。") % {"code": product_code})
                return redirect("study_detail", report_number=report_number)
    if not may_edit:
        for field in form.fields.values():
            field.disabled = True
    return render(request, "footprint/pact/particulars.html",
                  {"study": study, "sp": sp, "form": form, "may_edit": may_edit})


def _company_for_grants(user, pk):
    company = get_object_or_404(companies_visible_to(user), pk=pk)
    require(can_manage_pact_grants(user, company))
    return company


@login_required
def company_pact_grants(request, pk):
    company = _company_for_grants(request.user, pk)
    return render(request, "footprint/pact/grants.html",
                  {"company": company, "rows": pact_publishing.grant_overview(company)})


@login_required
@require_POST
def company_pact_grant(request, pk, client_pk):
    company = _company_for_grants(request.user, pk)
    client = get_object_or_404(PactClient, pk=client_pk, is_active=True)
    if request.POST.get("grant") == "1":
        pact_publishing.grant(client=client, company=company, user=request.user)
        messages.success(request, _("已授权 %(client)s 读取本企业已签发的产品碳足迹。") % {"client": client.name})
    else:
        pact_publishing.revoke(client=client, company=company)
        messages.success(request, _("已撤销 %(client)s 的授权。") % {"client": client.name})
    return redirect("company_pact_grants", pk=company.pk)
