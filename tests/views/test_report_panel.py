"""The report panel of the study page: downloads, preview link and what is missing."""

from django.template import Context, Template
from django.test import RequestFactory
from django.utils import translation

from footprint.models import VerificationTeamMember

PANEL = Template("{% load report_tags %}{% report_panel study %}")


def render(study, user):
    request = RequestFactory().get("/")
    request.user = user
    return PANEL.render(Context({"study": study, "user": user, "request": request}))


def test_it_offers_both_languages_and_the_preview(seed_study, auditor):
    html = render(seed_study, auditor)
    assert "/studies/202508175GHG/report.pdf?lang=zh-hans" in html
    assert "/studies/202508175GHG/report.pdf?lang=en" in html
    assert "/studies/202508175GHG/report/" in html


def test_it_lists_what_is_missing(seed_study, auditor):
    VerificationTeamMember.objects.filter(study=seed_study).delete()
    html = render(seed_study, auditor)
    assert 'data-code="company_credit_code"' in html and 'data-code="team"' in html
    assert "没有填写核查组成员。" in html


def test_it_is_translated(seed_study, auditor):
    with translation.override("en"):
        html = render(seed_study, auditor)
    assert "Download PDF (draft, English)" in html and "1 missing" in html
