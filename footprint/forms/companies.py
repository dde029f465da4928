"""Forms for a company and its products."""

from __future__ import annotations

from crispy_forms.layout import Column, Row
from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import (
    Company,
    Product,
)
from .common import form_helper


class CompanyForm(forms.ModelForm):
    class Meta:
        model = Company
        fields = ("name", "credit_code", "address", "legal_representative", "contact_name",
                  "contact_phone", "overview")
        widgets = {"overview": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            "name",
            Row(Column("credit_code", css_class="col-md-6"), Column("legal_representative", css_class="col-md-6")),
            "address",
            Row(Column("contact_name", css_class="col-md-6"), Column("contact_phone", css_class="col-md-6")),
            "overview",
        )


class ProductForm(forms.ModelForm):
    class Meta:
        model = Product
        fields = ("code", "name", "model", "functional_unit", "description", "energy_using")
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"functional_unit": _("例如 1 台、1 kg、1 m²。结果按每功能单位计算。")}

    def __init__(self, *args, company: Company | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.company = company or getattr(self.instance, "company", None)
        self.helper = form_helper(
            Row(Column("code", css_class="col-md-4"), Column("name", css_class="col-md-8")),
            Row(Column("model", css_class="col-md-8"), Column("functional_unit", css_class="col-md-4")),
            "description",
            "energy_using",
        )

    def clean_code(self):
        code = self.cleaned_data["code"]
        if self.company is not None:
            clash = Product.objects.filter(company=self.company, code=code).exclude(pk=self.instance.pk)
            if clash.exists():
                raise forms.ValidationError(_("该企业已有代码为 %(code)s 的产品。") % {"code": code})
        return code
