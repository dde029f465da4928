"""Integrity lives in the database too."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from footprint.models import ActivityRecord, EmissionFactor
from footprint.services.reference.factors import factor_update


def _first_activity():
    return ActivityRecord.objects.order_by("id").first()


@pytest.mark.parametrize(
    ("field", "value"),
    [("quantity", Decimal("-1")), ("allocation", Decimal("0")), ("allocation", Decimal("1.1"))],
)
def test_activity_constraints(seed_study, field, value):
    row = _first_activity()
    ActivityRecord.objects.filter(pk=row.pk)
    with pytest.raises(IntegrityError), transaction.atomic():
        ActivityRecord.objects.filter(pk=row.pk).update(**{field: value})


def test_factor_code_is_unique_per_version(reference_data):
    with pytest.raises(IntegrityError), transaction.atomic():
        EmissionFactor.objects.create(code="CN-GRID-2022", version=1, name_zh="x", value=1, unit="kg/kWh", source="x")


def test_factor_needs_value_or_derivation(reference_data):
    with pytest.raises(IntegrityError), transaction.atomic():
        EmissionFactor.objects.create(code="EMPTY", name_zh="x", unit="kg/kWh", source="x")


def test_editing_a_used_factor_makes_a_new_version(seed_study):
    factor = EmissionFactor.objects.get(code="CN-GRID-2022")
    new = factor_update(factor=factor, changes={"value": Decimal("0.6")})
    assert (new.code, new.version, new.is_current) == ("CN-GRID-2022", 2, True)
    factor.refresh_from_db()
    assert factor.value == Decimal("0.5366") and not factor.is_current
    assert set(ActivityRecord.objects.values_list("factor__version", flat=True).filter(factor__code="CN-GRID-2022")) == {1}


def test_editing_an_unused_factor_edits_it_in_place(reference_data):
    factor = EmissionFactor.objects.get(code="CN-GRID-SOUTH-2023")
    same = factor_update(factor=factor, changes={"notes": "checked"})
    assert same.pk == factor.pk and same.version == 1


def test_factor_family_strips_the_year(reference_data):
    assert EmissionFactor.objects.get(code="CN-GRID-2021").family == "CN-GRID"
    assert EmissionFactor.objects.get(code="CN-GRID-NORTH-2023").family == "CN-GRID-NORTH"


def test_diesel_factor_shows_its_derivation(reference_data):
    from footprint.services.reference.factors import factor_derivation_text

    diesel = EmissionFactor.objects.get(code="CN-DIESEL")
    assert factor_derivation_text(diesel) == "43.330 GJ/t × 20.20 t/TJ × 0.98 × 44/12 = 3.145 kg/kg"
    assert factor_derivation_text(EmissionFactor.objects.get(code="CN-GRID-2022")) == ""


@pytest.mark.parametrize("link", ["lead_verifier", "created_by", "transition", "comment_author",
                                  "comment_resolver"])
def test_a_user_named_in_a_study_record_cannot_be_deleted(seed_study, link):
    """Deleting such a user used to set the study's lead verifier (or the transition's user)
    to NULL, without a history line. PROTECT keeps the record: deactivate instead."""
    from django.db.models import ProtectedError

    from footprint.models import Comment, Study, StudyTransition, User

    user = User.objects.create_user(username="someone", password="x")
    if link in ("lead_verifier", "created_by"):
        Study.objects.filter(pk=seed_study.pk).update(**{link: user})
    elif link == "transition":
        StudyTransition.objects.create(study=seed_study, from_status="draft", to_status="client_review",
                                       user=user)
    elif link == "comment_author":
        Comment.objects.create(study=seed_study, author=user, text="x")
    else:
        Comment.objects.create(study=seed_study, text="x", resolved=True, resolved_by=user)
    with pytest.raises(ProtectedError), transaction.atomic():
        user.delete()
    assert User.objects.filter(pk=user.pk).exists()
