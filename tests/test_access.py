"""footprint/access.py: every role and scope rule, asked by views, API, admin, template tags
and services. Personas: the assigned auditor, an unassigned auditor (alice), the study's lead
verifier, an unassigned lead verifier (victor), each company's contact, the administrator."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from footprint import access
from footprint.models import Company, Product, Study

SEED = "202508175GHG"
PACKAGE = Path(access.__file__).resolve().parent


@pytest.fixture
def people(demo_users, auditor, lead_verifier):
    return {**demo_users, "alice": auditor, "victor": lead_verifier}


@pytest.fixture
def seed(demo):
    return Study.objects.get(report_number=SEED)


def _who(people, rule) -> set[str]:
    return {name for name, user in people.items() if rule(user)}


def test_only_the_studys_auditors_and_administrators_edit_its_data(people, seed):
    """Never a lead verifier, assigned or not: the reviewer does not edit what is reviewed."""
    assert _who(people, lambda u: access.can_edit_study_data(u, seed)) == {"auditor", "admin"}


def test_only_the_studys_auditors_and_administrators_assign_its_people(people, seed):
    assert _who(people, lambda u: access.can_assign_team(u, seed)) == {"auditor", "admin"}


def test_the_lead_verifier_reviews_and_the_auditors_never_do(people, seed):
    assert _who(people, lambda u: access.is_study_lead_verifier(u, seed)) == {"lead"}
    seed.lead_verifier = None
    # while none is assigned, any lead verifier may take the review, never an auditor
    assert _who(people, lambda u: access.is_study_lead_verifier(u, seed)) == {"lead", "victor"}


def test_company_changes_belong_to_the_auditors_of_its_studies(people, seed):
    company = seed.company
    product = Product.objects.get(company=company, code="LV")
    assert _who(people, lambda u: access.can_change_company(u, company)) == {"auditor", "admin"}
    assert _who(people, lambda u: access.can_change_product(u, product)) == {"auditor", "admin"}
    seed.auditors.add(people["alice"])
    assert "alice" in _who(people, lambda u: access.can_change_company(u, company))


def test_a_company_without_studies_may_be_completed_by_any_auditor(people):
    fresh = Company.objects.create(name="新企业")
    assert _who(people, lambda u: access.can_change_company(u, fresh)) == {"auditor", "alice", "admin"}


def test_studies_are_created_and_imported_by_auditors_and_administrators(people):
    assert _who(people, access.can_create_study) == {"auditor", "alice", "admin"}
    assert _who(people, access.can_import) == {"auditor", "alice", "admin"}
    assert _who(people, access.can_create_company) == {"auditor", "alice", "admin"}


def test_who_may_comment_is_who_may_see(people, seed):
    assert _who(people, lambda u: access.can_comment(u, seed)) == {
        "auditor", "alice", "lead", "victor", "admin"}
    seed.sent_to_client_at = seed.updated_at
    seed.save(update_fields=["sent_to_client_at"])
    assert "client" in _who(people, lambda u: access.can_comment(u, seed))
    assert "client2" not in _who(people, lambda u: access.can_comment(u, seed))


def _imports(module: Path) -> set[str]:
    tree = ast.parse(module.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            found.add("." * node.level + (node.module or ""))
    return found


@pytest.mark.parametrize("folder", ["templatetags", "api", "services"])
def test_template_tags_api_and_services_never_import_from_views(folder):
    modules = list((PACKAGE / folder).glob("*.py"))
    assert len(modules) > 1, folder  # a moved package must not pass on an empty glob
    for module in modules:
        imports = _imports(module)
        assert not any(i.lstrip(".").split(".")[0] == "views" for i in imports), module


def test_there_is_one_access_module():
    assert not (PACKAGE / "views" / "access.py").exists()
    for module in PACKAGE.rglob("*.py"):
        source = module.read_text(encoding="utf-8")
        # role rules are asked, never re-stated: no one else compares a role to a study's people
        if module.name != "access.py":
            assert "def is_study_auditor" not in source and "def can_edit_study" not in source, module
