"""What a study lacks before its report can be issued."""

from footprint.models import LifecycleStage, VerificationTeamMember
from footprint.services.workflow.completeness import study_completeness


def codes(study):
    return [m.code for m in study_completeness(study)]


def test_the_seed_study_lacks_only_the_credit_code(seed_study):
    missing = study_completeness(seed_study)
    assert [m.code for m in missing] == ["company_credit_code"]
    assert missing[0].field == "company.credit_code" and missing[0].where == "企业信息"


def test_a_stage_without_data_needs_an_exclusion_reason(seed_study):
    LifecycleStage.objects.filter(study_product__study=seed_study, stage="use",
                                  study_product__product__code="HV").update(exclusion_reason="")
    missing = [m for m in study_completeness(seed_study) if m.code == "stage_exclusion_reason"]
    assert [(m.product, m.stage, m.field) for m in missing] == [("HV", "use", "stage:HV:use")]
    assert "使用" in missing[0].message


def test_team_allocation_and_people_are_required(seed_study):
    seed_study.allocation = ""
    seed_study.lead_verifier = None
    seed_study.save()
    seed_study.auditors.clear()
    VerificationTeamMember.objects.filter(study=seed_study).delete()
    found = codes(seed_study)
    for code in ("narrative_allocation", "team", "auditors", "lead_verifier"):
        assert code in found


def test_a_team_member_needs_a_certificate_number(seed_study):
    VerificationTeamMember.objects.filter(study=seed_study).update(certificate_number="")
    assert "team_certificate" in codes(seed_study)


def test_messages_are_translated(seed_study):
    from django.utils import translation

    with translation.override("en"):
        missing = study_completeness(seed_study)
    assert missing[0].message == "Missing from the company details: Unified social credit code."
    assert missing[0].where == "Company details"


def test_cradle_to_gate_needs_no_later_stages(demo):
    from footprint.models import Study

    study = Study.objects.get(report_number="DEMO-2")
    assert codes(study) == []  # three stages, each with data: nothing about later stages
    Study.objects.filter(pk=study.pk).update(process_flow="")
    study.refresh_from_db()
    assert codes(study) == ["narrative_process_flow"]
