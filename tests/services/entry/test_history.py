"""The readable audit trail of a study: who changed what, when, from which value to which."""

from footprint.models import ActivityRecord, Company
from footprint.services.entry.history import study_history


def test_an_import_is_one_entry_per_kind_of_row(seed_study):
    entries = study_history(seed_study, for_licensee=True)
    activities = [e for e in entries if e.object_type == "活动数据" and e.action == "created"]
    assert len(activities) == 1 and activities[0].count == 10
    assert activities[0].user == "系统"


def test_changes_show_old_and_new_values_and_the_user(seed_study, demo_users):
    record = ActivityRecord.objects.get(stage__study_product__study=seed_study,
                                        stage__study_product__product__code="LV", name="生产用电")
    record._history_user = demo_users["auditor"]
    record.quantity = 1500
    record.save()
    # "生产用电" is in LV and in HV: the entry says which product's (and which stage's)
    (entry,) = [e for e in study_history(seed_study, for_licensee=True) if e.action == "changed" and e.object_label == "LV / 生产 / 生产用电"]
    assert entry.user == "张明远"
    (change,) = entry.changes
    assert change.field == "活动数据" and change.new == "1,500" and change.old != "1,500"


def test_deleted_rows_and_company_changes_are_in_it(seed_study, demo_users):
    record = ActivityRecord.objects.filter(stage__study_product__study=seed_study).first()
    name = f"{record.stage.study_product.product.code} / {record.stage.get_stage_display()} / {record.name}"
    record._history_user = demo_users["auditor"]
    record.delete()
    company = Company.objects.get(pk=seed_study.company_id)
    company.address = "新地址"
    company.save()
    entries = study_history(seed_study, for_licensee=True)
    assert any(e.action == "deleted" and e.object_label == name for e in entries)
    assert any(e.object_type == "企业" and any(c.new == "新地址" for c in e.changes) for e in entries)
    assert entries == sorted(entries, key=lambda e: e.when, reverse=True)


def test_workflow_steps_name_their_user_even_outside_a_request(seed_study, demo_users):
    from footprint.services.workflow import transitions

    transitions.study_send_for_review(study=seed_study, user=demo_users["auditor"])
    (entry,) = [e for e in study_history(seed_study, for_licensee=True) if e.action == "changed" and e.object_type == "碳足迹报告"]
    assert entry.user == "张明远"
    assert any(c.field == "状态" and c.old == "草稿" and c.new == "企业审阅中" for c in entry.changes)


def test_a_change_of_the_english_wording_is_one_line_per_text(seed_study, demo_users):
    from footprint.services.entry.studies import study_translations_update

    seed_study._history_user = demo_users["auditor"]
    terms = dict(seed_study.translations["en"]["terms"])
    terms["生产用电"] = "Electricity used in production"
    terms["成品运输柴油"] = ""
    texts = dict(seed_study.translations["en"]["texts"], cut_off="")
    study_translations_update(study=seed_study, language="en", texts=texts, terms=terms)
    [entry] = [e for e in study_history(seed_study, for_licensee=True)
               if e.action == "changed" and e.object_label == seed_study.report_number]
    assert entry.user == "张明远"
    assert [(c.field, c.old[:20], c.new) for c in entry.changes if c.field.startswith("报告译文")] == [
        ("报告译文 · en · 取舍准则", "A single material or", "—"),
        ("报告译文 · en · 成品运输柴油", "Diesel for transport", "—"),
        ("报告译文 · en · 生产用电", "Production electrici", "Electricity used in production"),
    ]


def test_changes_to_a_claim_of_the_source_report_are_in_it(seed_study, demo_users):
    claim = seed_study.claims.get(place="摘要", level="stage", stage="distribution",
                                  study_product__product__code="HV")
    claim._history_user = demo_users["auditor"]
    claim.value = "16.138"
    claim.save()
    (entry,) = [e for e in study_history(seed_study, for_licensee=True) if e.action == "changed" and e.object_label == "摘要: HV distribution"]
    assert entry.user == "张明远"
    (change,) = entry.changes
    assert change.field == "声明值" and change.new.startswith("16.138")


def test_evidence_and_verification_are_in_it(seed_study, demo_users, settings, tmp_path):
    from footprint.services.evidence import storage
    from tests.services.evidence.test_sniffing import PDF

    settings.MEDIA_ROOT = str(tmp_path / "media")
    record = ActivityRecord.objects.get(stage__study_product__study=seed_study,
                                        stage__study_product__product__code="LV", name="生产用电")
    evidence = storage.evidence_add(study=seed_study, upload=PDF, filename="电费单.pdf",
                                    user=demo_users["client"], activity=record)
    record._history_user = demo_users["auditor"]
    record.verification, record.verified_evidence = "verified", evidence
    record.save()
    entries = study_history(seed_study, for_licensee=True)
    (added,) = [e for e in entries if e.object_label == "电费单.pdf"]
    assert added.action == "created" and added.object_type == "证据文件"
    (verified,) = [e for e in entries if e.action == "changed" and e.object_label == "LV / 生产 / 生产用电"]
    assert {(c.field, c.new) for c in verified.changes} == {("核实状态", "已对照证据核实"), ("核实依据", "电费单.pdf")}


def test_a_restricted_factor_is_named_by_code_and_its_records_are_the_licensees(seed_study, demo_users):
    """A factor whose licence forbids redistribution: a row's change of factor names it by
    code and version for everyone; its own records (name, year, region …) are left out of the
    trail a company's contact reads (services/reference/licences.py)."""
    from footprint.models import EmissionFactor

    grid = EmissionFactor.objects.get(code="CN-GRID-2022", version=1)
    grid._history_user = demo_users["auditor"]
    grid.region, grid.redistribution_allowed = "华东", False  # an edit history of its own
    grid.save()
    record = ActivityRecord.objects.get(stage__study_product__study=seed_study,
                                        stage__study_product__product__code="LV", name="生产用电")
    record._history_user = demo_users["auditor"]
    record.factor = EmissionFactor.objects.get(code="CN-DIESEL")
    record.save()
    record.factor = grid
    record.save()

    def texts(entries):
        return " ".join(f"{e.object_label} {c.old} {c.new}" for e in entries for c in e.changes)

    full, contact = (study_history(seed_study, for_licensee=who) for who in (True, False))
    assert "CN-GRID-2022 v1" in texts(contact) and grid.name_zh not in texts(contact)
    assert "华东" not in texts(contact) and "华东" in texts(full)
    assert not any(e.object_label == "CN-GRID-2022 v1" for e in contact)
    assert any(e.object_label == "CN-GRID-2022 v1" for e in full)
