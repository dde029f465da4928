"""Forms of the PACT data exchange pages (a module of its own while forms.py is split)."""

from django import forms

from ..models import StudyProduct

PARTICULAR_FIELDS = ("mass_per_unit_kg", "fossil_carbon_kg", "biogenic_carbon_kg",
                     "exempted_emissions_pct")


class PactParticularsForm(forms.ModelForm):
    """What PACT requires of a product and a calculation does not yield (docs/pact.md)."""

    class Meta:
        model = StudyProduct
        fields = PARTICULAR_FIELDS
