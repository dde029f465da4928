"""Demo data for `make demo`: the seed report as a study, a second company, one user per role."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from ..choices import Role
from ..models import Company, Study, User
from .importing import import_file
from .reference import load_reference_data

DEMO_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "demo"
SEED_REPORT = "202508175GHG"
SECOND_REPORT = "DEMO-2"


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


@transaction.atomic
def load_demo() -> list[DemoUser]:
    """Idempotent: studies and users that exist are left as they are."""
    load_reference_data()
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
            if demo.username == "auditor":
                user.first_name, user.organisation = "审核员", "示例国际检测认证有限公司"
            if demo.username == "lead":
                user.first_name, user.organisation = "技术负责人", "示例国际检测认证有限公司"
            user.save()
        if demo.role == Role.AUDITOR:
            auditor = user
        if demo.role == Role.LEAD_VERIFIER:
            lead = user
    for study in Study.objects.filter(report_number__in=(SEED_REPORT, SECOND_REPORT)):
        if auditor and not study.auditors.exists():
            study.auditors.add(auditor)
        if lead and study.lead_verifier_id is None:
            Study.objects.filter(pk=study.pk).update(lead_verifier=lead)
    return list(DEMO_USERS)
