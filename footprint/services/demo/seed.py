"""Demo data for `make demo`: the seed report as a study, a second company, one user per role."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from ...choices import FROZEN_STATUSES, Role, StudyStatus
from ...models import Company, EmissionFactor, GwpSetVersion, PactClient, Study, StudyProduct, User
from .. import data_version
from ..interchange.importing import import_file
from ..reference.library_import import import_library
from ..reference.loading import load_reference_data

DEMO_DIR = Path(__file__).resolve().parents[2] / "fixtures" / "demo"
# An example library (materials, transport, waste, water), marked as example data in every
# row's source, imported the way users import theirs so that the factor picker is realistic.
EXAMPLE_FACTORS = Path(__file__).resolve().parents[2] / "data" / "examples" / "example_factors.csv"
SEED_REPORT = "202508175GHG"
SECOND_REPORT = "DEMO-2"
# The PACT data recipient of the demo, granted DEMO-2's company (docs/pact.md).
PACT_DEMO_CLIENT = ("pact-demo", "pact-demo-secret")
# What PACT needs of DEMO-2's product and the study does not record (fictional, like the
# company): mass of one ring main unit without packaging, fossil carbon in its plastics and
# epoxy insulation, the share of the excluded packaging and capital goods.
_DEMO2_PACT_PARTICULARS = {"RMU": {"mass_per_unit_kg": "850", "fossil_carbon_kg": "21.5",
                                   "exempted_emissions_pct": "0.8"}}


@dataclass(frozen=True)
class DemoUser:
    username: str
    password: str
    role: str
    description: str
    company_report: str | None = None  # company contacts belong to the company of this study


DEMO_USERS = (
    DemoUser("auditor", "auditor-demo", Role.AUDITOR, "核查员 / auditor"),
    DemoUser("lead", "lead-demo", Role.LEAD_VERIFIER, "技术负责人 / lead verifier"),
    DemoUser("client", "client-demo", Role.COMPANY_CONTACT, "中电华骋科技有限公司 联系人 / contact", SEED_REPORT),
    DemoUser("client2", "client2-demo", Role.COMPANY_CONTACT, "演示企业联系人 / contact of the second company", SECOND_REPORT),
    DemoUser("admin", "admin-demo", Role.ADMINISTRATOR, "管理员 / administrator"),
)

DEMO_PEOPLE = {"auditor": "张明远", "lead": "陈静", "client": "肖飞", "client2": "李联系"}


@transaction.atomic
def load_demo() -> list[DemoUser]:
    """Idempotent: studies and users that exist are left as they are."""
    load_reference_data()
    load_example_factors()
    for number in (SEED_REPORT, SECOND_REPORT):
        if not Study.objects.filter(report_number=number).exists():
            path = DEMO_DIR / f"{number}.json"
            import_file(path.name, path.read_bytes())
    auditor = None
    lead = None
    for demo in DEMO_USERS:
        user = User.objects.filter(username=demo.username).first()
        if user is None:
            company = None
            if demo.company_report:
                company = Company.objects.get(studies__report_number=demo.company_report)
            user = User(username=demo.username, role=demo.role, company=company)
            user.is_staff = demo.role == Role.ADMINISTRATOR
            user.is_superuser = demo.role == Role.ADMINISTRATOR
            user.set_password(demo.password)
            # example.com is reserved: `make demo` prints the notifications on the console
            user.email = f"{demo.username}@example.com"
            # People, not role words: the report's annex prints who prepared, confirmed,
            # approved and issued it (the contacts are the ones named in the companies' data).
            user.first_name = DEMO_PEOPLE.get(demo.username, "")
            if demo.role in (Role.AUDITOR, Role.LEAD_VERIFIER):
                user.organisation = "示例国际检测认证有限公司"
            user.save()
        if demo.role == Role.AUDITOR:
            auditor = user
        if demo.role == Role.LEAD_VERIFIER:
            lead = user
    for study in Study.objects.filter(report_number__in=(SEED_REPORT, SECOND_REPORT)).exclude(
        status__in=FROZEN_STATUSES  # issued studies are frozen, even for the demo loader
    ):
        if auditor and not study.auditors.exists():
            study.auditors.add(auditor)
        if lead and study.lead_verifier_id is None:
            Study.objects.filter(pk=study.pk).update(lead_verifier=lead)
            data_version.touch_studies([study.pk])  # update() sends no signal
    _register_pact_demo_client()
    return list(DEMO_USERS)


def load_example_factors() -> None:
    """The example library, once: a factor of it that was changed since keeps its versions."""
    if not EmissionFactor.objects.filter(code__startswith="EX-").exists():
        import_library(files=[(EXAMPLE_FACTORS.name, EXAMPLE_FACTORS.read_bytes())])


def _register_pact_demo_client() -> None:
    from ..pact.auth import set_secret

    client_id, secret = PACT_DEMO_CLIENT
    client = PactClient.objects.filter(client_id=client_id).first()
    if client is None:
        client = PactClient(client_id=client_id, name="PACT 演示数据接收方 / PACT demo recipient")
        set_secret(client, secret)
        client.save()
    company = Company.objects.filter(studies__report_number=SECOND_REPORT).first()
    if company is not None:
        client.grants.get_or_create(company=company)


# DEMO-2 is taken through the whole workflow by the demo users, so its timeline is real.
_DEMO_ROUND = {
    StudyStatus.DRAFT: ("send_for_review", "auditor", "请核对活动数据和产量。"),
    StudyStatus.CLIENT_REVIEW: ("confirm", "client2", "数据已核对，确认无误。"),
    StudyStatus.CLIENT_CONFIRMED: ("submit_for_technical_review", "auditor", ""),
    StudyStatus.TECHNICAL_REVIEW: ("approve", "lead", "技术评审通过。"),
    StudyStatus.APPROVED: ("issue", "lead", ""),
}


def issue_demo_study() -> Study | None:
    """Take DEMO-2 from wherever it is in the workflow to issued and signed; None if it is
    already issued (idempotent). Needs the signing key (`create_demo_pki`)."""
    from ..workflow.dispatch import perform

    study = Study.objects.filter(report_number=SECOND_REPORT).first()
    if study is None or study.status in FROZEN_STATUSES:
        return None
    users = {u.username: u for u in User.objects.filter(username__in=("auditor", "client2", "lead"))}
    if study.status == StudyStatus.DRAFT and not study.transitions.exists():
        # DEMO-2 stands for a report signed before the SF₆ correction of AR6 (edition 2): it is
        # issued with edition 1, so its page shows what the correction would change, and a
        # revision of it shows the move to the corrected values.
        first = GwpSetVersion.objects.filter(gwp_set=study.gwp_set, version=1).first()
        if first is not None:
            Study.objects.filter(pk=study.pk).update(gwp_version=first)
            data_version.touch_studies([study.pk])
            study.refresh_from_db()
    if study.status == StudyStatus.DRAFT:
        for code, particulars in _DEMO2_PACT_PARTICULARS.items():
            StudyProduct.objects.filter(study=study, product__code=code).update(**particulars)
        data_version.touch_studies([study.pk])  # update() sends no signal
    while study.status in _DEMO_ROUND:
        action, username, comment = _DEMO_ROUND[study.status]
        study = perform(action, study=study, user=users[username], comment=comment)
    return study
