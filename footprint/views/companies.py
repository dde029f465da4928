"""Companies and products: company contacts read their own company; staff create and edit."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from ..access import (
    can_change_company,
    can_change_product,
    can_create_company,
    can_create_study,
    can_manage_pact_grants,
    require,
)
from ..forms.companies import CompanyForm, ProductForm
from ..selectors import companies_visible_to, company_studies, products_visible_to
from ..services.entry import companies as company_services
from ..services.freeze import StudyFrozenError


def _next_url(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


@login_required
def company_list(request):
    q = (request.GET.get("q") or "").strip()
    companies = companies_visible_to(request.user).annotate(
        product_count=Count("products", distinct=True), study_count=Count("studies", distinct=True)
    )
    if q:
        companies = companies.filter(name__icontains=q)
    return render(request, "footprint/companies/list.html", {
        "companies": companies, "q": q, "may_create": can_create_company(request.user)})


@login_required
def company_create(request):
    require(can_create_company(request.user))
    form = CompanyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        company = company_services.company_create(fields=form.cleaned_data)
        messages.success(request, _("企业“%(name)s”已创建。") % {"name": company.name})
        return redirect("company_detail", pk=company.pk)
    return render(request, "footprint/companies/form.html", {"form": form})


@login_required
def company_detail(request, pk):
    company = get_object_or_404(companies_visible_to(request.user), pk=pk)
    return render(request, "footprint/companies/detail.html", {
        "company": company,
        "products": company.products.order_by("code"),
        "studies": company_studies(request.user, company),
        "may_change": can_change_company(request.user, company),
        "may_create_study": can_create_study(request.user),
        "may_grant_pact": can_manage_pact_grants(request.user, company),
    })


@login_required
def company_edit(request, pk):
    company = get_object_or_404(companies_visible_to(request.user), pk=pk)
    require(can_change_company(request.user, company))
    form = CompanyForm(request.POST or None, instance=company)
    if request.method == "POST" and form.is_valid():
        try:
            company_services.company_update(company=company, fields=form.cleaned_data)
        except StudyFrozenError as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("企业信息已保存。"))
            # The study page's list of missing elements links here with ?next=<study page>.
            return redirect(_next_url(request, company_detail_url(company)))
    return render(request, "footprint/companies/form.html", {"form": form, "company": company})


@login_required
def product_create(request, company_pk):
    company = get_object_or_404(companies_visible_to(request.user), pk=company_pk)
    require(can_change_company(request.user, company))
    form = ProductForm(request.POST or None, company=company)
    if request.method == "POST" and form.is_valid():
        product = company_services.product_create(company=company, fields=form.cleaned_data)
        messages.success(request, _("产品 %(code)s 已创建。") % {"code": product.code})
        return redirect(_next_url(request, company_detail_url(company)))
    return render(request, "footprint/companies/product_form.html", {
        "form": form, "company": company, "next": _next_url(request, ""),
    })


@login_required
def product_edit(request, pk):
    product = get_object_or_404(products_visible_to(request.user), pk=pk)
    require(can_change_product(request.user, product))
    form = ProductForm(request.POST or None, instance=product, company=product.company)
    if request.method == "POST" and form.is_valid():
        try:
            company_services.product_update(product=product, fields=form.cleaned_data)
        except StudyFrozenError as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("产品信息已保存。"))
            return redirect(_next_url(request, company_detail_url(product.company)))
    return render(request, "footprint/companies/product_form.html", {
        "form": form, "company": product.company, "product": product,
        "next": _next_url(request, ""),
    })


def company_detail_url(company) -> str:
    from django.urls import reverse

    return reverse("company_detail", kwargs={"pk": company.pk})
