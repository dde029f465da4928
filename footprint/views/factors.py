"""The emission factor library: browse, search, provenance, add a factor or a new version.

A factor that a study uses is never edited in place (services.reference.factors): a change is a new
version, and the studies that used the old one keep their numbers.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from ..access import can_import_factors, can_manage_factors, require
from ..forms.factors import FactorFilterForm, FactorForm
from ..models import EmissionFactor
from ..reports.uncertainty import factor_distribution_text
from ..selectors import (
    factor_filter_values,
    factor_search,
    factor_version_studies,
    factor_versions,
    studies_using_factor,
)
from ..services import formatting as F
from ..services.calculation.units import UnitError, activity_unit_of
from ..services.interchange.distribution_fields import DISTRIBUTION_COLUMNS
from ..services.reference import factors as factor_services
from ..services.reference.factors import factor_derivation_text, factor_revise, factor_value

PAGE_SIZE = 50
_FIELDS = ("name_zh", "name_en", "category", "value", "ncv", "carbon_content", "oxidation_rate",
           "unit", "gas", "year", "region", "source", "published", "notes", "licence_note",
           "redistribution_allowed", *DISTRIBUTION_COLUMNS)


@login_required
def factor_list(request):
    require(can_manage_factors(request.user))
    values = factor_filter_values()
    form = FactorFilterForm(request.GET or None, regions=values["regions"], years=values["years"])
    f = form.cleaned_data if form.is_valid() else {}
    factors = factor_search(
        q=(f.get("q") or "").strip(), category=f.get("category") or "", region=f.get("region") or "",
        year=f.get("year"), gas=f.get("gas") or "", source=(f.get("source") or "").strip(),
        current_only=not f.get("all_versions"),
    )
    page = Paginator(factors, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "footprint/factors/list.html", {
        "form": form, "page": page, "query": query.urlencode(),
        # a thousand pages for a large library: the first, the last and those near this one
        "page_numbers": list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)),
        "can_import": can_import_factors(request.user),
    })


@login_required
def factor_detail(request, pk):
    require(can_manage_factors(request.user))
    factor = get_object_or_404(EmissionFactor, pk=pk)
    try:
        value = factor_value(factor)
        activity_unit = activity_unit_of(factor.unit)
    except (UnitError, TypeError, ValueError):
        value, activity_unit = None, ""
    used_by = factor_version_studies(request.user, factor.code)
    return render(request, "footprint/factors/detail.html", {
        "factor": factor,
        "value": value,
        # Published decimals for a stated value, four significant digits for a derived one.
        "value_text": F.factor_value(value, factor.value_decimals if factor.value is not None else None),
        "activity_unit": activity_unit,
        "derivation": factor_derivation_text(factor),
        "distribution": factor_distribution_text(factor),
        # each version of the code with the studies (that the user may see) that use it
        "versions": [(v, used_by.get(v.pk, [])) for v in factor_versions(factor)],
        "studies": studies_using_factor(request.user, factor),
        "history": factor.history.select_related("history_user").order_by("-history_date")[:20],
    })


@login_required
def factor_create(request):
    require(can_manage_factors(request.user))
    form = FactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        factor = factor_services.factor_create(fields=form.cleaned_data)
        messages.success(request, _("排放因子 %(code)s 已加入因子库。") % {"code": factor.code})
        return redirect("factor_detail", pk=factor.pk)
    return render(request, "footprint/factors/form.html", {"form": form})


@login_required
def factor_new_version(request, pk):
    require(can_manage_factors(request.user))
    factor = get_object_or_404(EmissionFactor, pk=pk)
    initial = {name: getattr(factor, name) for name in _FIELDS}
    initial["code"] = factor.code
    form = FactorForm(request.POST or None, initial=initial, new_version_of=factor)
    if request.method == "POST" and form.is_valid():
        try:
            new = factor_revise(factor=factor, changes={k: form.cleaned_data[k] for k in _FIELDS})
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("已创建 %(code)s 的新版本 v%(version)s；使用旧版本的报告数值不变。")
                             % {"code": new.code, "version": new.version})
            return redirect("factor_detail", pk=new.pk)
    return render(request, "footprint/factors/form.html", {"form": form, "base": factor})
