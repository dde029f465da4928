"""Shared fixtures: the reference library, the demo studies and one persona per role."""

from pathlib import Path

import pytest

from footprint.choices import Role

SEED_JSON = Path(__file__).resolve().parent.parent / "footprint" / "fixtures" / "demo" / "202508175GHG.json"


@pytest.fixture
def reference_data(db):
    from footprint.services.reference import load_reference_data

    load_reference_data()


@pytest.fixture
def demo(db):
    """The full demo: seed study 202508175GHG, DEMO-2 and the demo users."""
    from footprint.services.demo import load_demo

    load_demo()


@pytest.fixture
def seed_study(demo):
    from footprint.models import Study

    return Study.objects.get(report_number="202508175GHG")


def _user(username, role, company=None, **extra):
    from footprint.models import User

    user = User.objects.create_user(username=username, password="pw-" + username, role=role,
                                    company=company, **extra)
    return user


@pytest.fixture
def auditor(db):
    return _user("alice", Role.AUDITOR)


@pytest.fixture
def lead_verifier(db):
    return _user("victor", Role.LEAD_VERIFIER)


@pytest.fixture
def company_a(db):
    from footprint.models import Company

    return Company.objects.create(name="Company A")


@pytest.fixture
def company_b(db):
    from footprint.models import Company

    return Company.objects.create(name="Company B")


@pytest.fixture
def contact_a(company_a):
    return _user("bob", Role.COMPANY_CONTACT, company=company_a)


@pytest.fixture
def contact_b(company_b):
    return _user("charlie", Role.COMPANY_CONTACT, company=company_b)
