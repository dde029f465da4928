"""Draft PDF cache: a repeat download serves the stored file; every change that would alter a
page changes the key (and so renders anew); nothing else does."""

from urllib.parse import urlencode

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

from footprint.choices import JobStatus
from footprint.models import ActivityRecord, BackgroundJob, Company, User
from footprint.reports import draft_cache
from footprint.services import jobs
from footprint.services.entry.images import study_image_add

pytestmark = pytest.mark.django_db
NUMBER = "202508175GHG"


@pytest.fixture
def renders(monkeypatch, settings, tmp_path):
    calls = []

    def render(study, *, language=None, final=False):
        calls.append(language)
        return b"%PDF-1.7 " + f"{study.title} {language} #{len(calls)}".encode() + b"\n%%EOF\n"

    monkeypatch.setattr("footprint.reports.pdf.render_study_pdf", render)
    settings.MEDIA_ROOT = tmp_path / "media"
    return calls


def _download(client, user, **query):
    client.force_login(user)
    url = reverse("report_pdf", args=[NUMBER]) + ("?" + urlencode(query) if query else "")
    return client.get(url)


def test_a_repeat_download_serves_the_stored_file(client, seed_study, demo_users, renders):
    first = _download(client, demo_users["auditor"])
    second = _download(client, demo_users["lead"])  # another user, the same content
    assert first.status_code == second.status_code == 200
    assert second.content == first.content and renders == ["zh-hans"]
    english = _download(client, demo_users["auditor"], lang="en")
    assert english.content != first.content and renders == ["zh-hans", "en"]


def test_the_key_is_stable_while_nothing_changes(seed_study):
    assert draft_cache.draft_key(seed_study, "zh-hans") == draft_cache.draft_key(seed_study, "zh-hans")
    assert draft_cache.draft_key(seed_study, "zh-hans") != draft_cache.draft_key(seed_study, "en")


def _title(study):
    study.title = "新标题"
    study.save()


def _quantity(study):
    record = ActivityRecord.objects.filter(stage__study_product__study=study).first()
    record.quantity += 1
    record.save()  # the ORM directly: no service touched the study's updated_at


def _company_name(study):
    company = Company.objects.get(pk=study.company_id)
    company.name = "改名后的企业"
    company.save()


def _english_translation(study):
    study.translations = {**(study.translations or {}), "en": {"title": "A new English title"}}
    study.save()


def _auditor_name(study):
    for user in User.objects.filter(pk__in=study.auditors.values("pk")):
        user.first_name = "新名字"
        user.save()


def _image(study):
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "PNG")
    study_image_add(study=study, data=buffer.getvalue(), filename="产品照片.png")


# One data version per study: a change moves the key of every language (the drafts of both
# are rendered again). Every write path is tried in tests/services/test_data_version.py.
@pytest.mark.parametrize("change", [_title, _quantity, _company_name, _auditor_name, _image,
                                    _english_translation])
def test_a_change_that_alters_a_page_changes_the_key(seed_study, change, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    before = {lang: draft_cache.draft_key(seed_study, lang) for lang in ("zh-hans", "en")}
    change(seed_study)
    seed_study.refresh_from_db()
    changed = {lang for lang in ("zh-hans", "en") if draft_cache.draft_key(seed_study, lang) != before[lang]}
    assert changed == {"zh-hans", "en"}


def test_a_repeat_download_builds_no_report_inputs(client, seed_study, demo_users, renders, monkeypatch,
                                                   django_assert_max_num_queries):
    """The key is one row (the data version): the second download neither reads the study's
    facts, nor calculates, nor runs the Monte Carlo analysis."""
    first = _download(client, demo_users["auditor"])
    assert first.status_code == 200

    def refuse(*args, **kwargs):
        raise AssertionError("the report's inputs were built for a cached draft")

    monkeypatch.setattr("footprint.reports.inputs.load_report_inputs", refuse)
    monkeypatch.setattr("footprint.services.study_uncertainty.study_uncertainty", refuse)
    monkeypatch.setattr("footprint.services.results.study_calculation_input", refuse)
    client.force_login(demo_users["auditor"])
    # session + user, the study in the user's scope, its size check, the data version
    with django_assert_max_num_queries(8):
        second = client.get(reverse("report_pdf", args=[NUMBER]))
    assert second.status_code == 200 and second.content == first.content and renders == ["zh-hans"]


def test_code_templates_and_translations_are_part_of_the_key(seed_study, monkeypatch):
    before = draft_cache.draft_key(seed_study, "zh-hans")
    monkeypatch.setattr(draft_cache, "code_version", lambda: "another deployment")
    assert draft_cache.draft_key(seed_study, "zh-hans") != before
    sources = draft_cache._CODE_GLOBS
    assert "templates/reports/**/*" in sources and "locale/**/*.mo" in sources


def test_after_a_change_the_download_renders_again_and_the_old_file_goes(client, seed_study, demo_users,
                                                                        renders):
    _download(client, demo_users["auditor"])
    _quantity(seed_study)
    response = _download(client, demo_users["auditor"])
    assert response.status_code == 200 and renders == ["zh-hans", "zh-hans"]
    assert len(default_storage.listdir(f"drafts/{NUMBER}")[1]) == 1


def test_a_file_cut_short_is_not_a_hit(seed_study, renders):
    key = draft_cache.draft_key(seed_study, "zh-hans")
    default_storage.save(f"drafts/{NUMBER}/zh-hans-{key}.pdf", ContentFile(b"%PDF-1.7 half"))
    assert draft_cache.cached_draft(seed_study, "zh-hans", key) is None


def test_while_a_worker_renders_the_download_answers_202_then_the_file(client, seed_study, demo_users,
                                                                       renders, monkeypatch):
    queued = []
    monkeypatch.setattr(jobs, "job_enqueue", lambda job, task: queued.append(job.pk))
    waiting = _download(client, demo_users["auditor"])
    again = _download(client, demo_users["lead"])  # a second user asks meanwhile: same job
    assert waiting.status_code == again.status_code == 202
    assert waiting["Retry-After"] == "2" and 'id="pdf-rendering"' in waiting.content.decode()
    assert len(queued) == 1 and renders == []
    draft_cache.render_draft_job(queued[0])
    assert BackgroundJob.objects.get(pk=queued[0]).status == JobStatus.DONE
    done = _download(client, demo_users["auditor"])
    assert done.status_code == 200 and done.content.startswith(b"%PDF") and renders == ["zh-hans"]
