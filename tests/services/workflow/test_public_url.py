"""Issuing in production refuses a verification address its readers cannot reach; the demo
issues with its local address and the cover says so."""

import pytest

from footprint.services.workflow import public_url
from footprint.services.workflow.transitions import WorkflowError
from tests.workflow_steps import approve


@pytest.mark.parametrize("url", [
    "http://pcf.example.org", "http://127.0.0.1:8000", "https://127.0.0.1", "https://localhost:8443",
    "https://10.1.2.3", "https://192.168.0.10/", "https://[::1]/", "https://172.16.5.4",
    "https://169.254.1.1", "https://pcf.internal", "https://intranet", "ftp://pcf.example.org", "",
])
def test_addresses_a_reader_cannot_reach_are_refused(url):
    assert public_url.public_url_problem(url)


@pytest.mark.parametrize("url", ["https://pcf.example.org", "https://verify.example.com:8443/pcf",
                                 "https://93.184.216.34"])
def test_public_https_addresses_are_accepted(url):
    assert public_url.public_url_problem(url) == ""


def test_production_issuing_refuses_a_local_address(issued_seed_study, settings):
    """The blocker is on the issue action: the approved study cannot be issued."""
    from footprint.models import Study
    from footprint.services.workflow import transitions

    study = Study.objects.get(pk=issued_seed_study.pk)
    settings.SIGNING_IS_DEMO = False
    settings.PUBLIC_BASE_URL = "http://127.0.0.1:8000"
    blockers = transitions._issue_blockers(study)
    assert any("不是 https 地址" in b for b in blockers)
    settings.PUBLIC_BASE_URL = "https://pcf.example.org"
    assert not any("PUBLIC_BASE_URL" in b for b in transitions._issue_blockers(study))
    settings.SIGNING_IS_DEMO = True
    settings.PUBLIC_BASE_URL = "http://127.0.0.1:8000"
    assert not any("PUBLIC_BASE_URL" in b for b in transitions._issue_blockers(study))


def test_the_approve_to_issue_step_raises_in_production(seed_study, demo_users, signing, settings):
    from footprint.services.workflow import issuing

    u = demo_users
    approve(seed_study, u)
    settings.SIGNING_IS_DEMO = False
    settings.PUBLIC_BASE_URL = "https://192.168.1.20"
    with pytest.raises(WorkflowError, match="内网"):
        issuing.study_issue(study=seed_study, user=u["lead"])
    seed_study.refresh_from_db()
    assert seed_study.status == "approved" and not seed_study.issued_pdf


def test_the_demo_cover_says_its_address_is_local(issued_seed_study):
    from footprint.models import Study
    from tests.reports.pdfcheck import pdftotext

    text = pdftotext(Study.objects.get(pk=issued_seed_study.pk).issued_pdf.read(), first=1, last=1)
    assert "演示地址：只在签发本报告的计算机上可以访问" in "".join(text.split())
