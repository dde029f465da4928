"""The preview of a large upload is a background job (issue 14): the upload is kept, the page
follows the job (queued, reading) and then shows the preview exactly as an in-request preview
shows it; a failed job says why; another user never sees it; the queue down says so and keeps
the upload to try again. Small uploads are previewed in the request as before."""

import re

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse

from footprint.choices import JobKind, JobStatus
from footprint.models import BackgroundJob, EmissionFactor, Study
from footprint.services.interchange import preview_jobs
from footprint.services.reference import library_jobs
from footprint.views import factor_library

from .test_factor_library import GRID_2022, HEADER
from .test_factor_library import _upload as _upload_library
from .test_importing import _document, _token, _upload

pytestmark = pytest.mark.django_db
SEED = "202508175GHG"


def _main(html: str) -> str:
    """The page's content without what differs between two uploads of one file (the token, the
    form's CSRF token)."""
    main = html.split("<main")[1].split("</main>")[0]
    return re.sub(r'name="(token|csrfmiddlewaretoken)" value="[0-9A-Za-z]+"', "", main)


def _library(rows: int) -> str:
    lines = [f"MAT-{i:04d},材料{i},material {i},material,{i}.5,kg CO2e,kg,CO2e,CN,2022,某数据库,,\n"
             for i in range(rows)]
    return HEADER + GRID_2022.format(value="0.5400") + "".join(lines)


def test_a_large_study_preview_is_queued_then_shown_as_in_the_request(auditor_client, demo_auditor, seed,
                                                                      settings, queue_only):
    document = _document(seed, report_number="PRE-1")
    in_request = _upload(auditor_client, document).content.decode()  # 10 rows: below the default
    assert not BackgroundJob.objects.exists()

    settings.IMPORT_JOB_MIN_ACTIVITIES = 5
    response = _upload(auditor_client, document)
    job = BackgroundJob.objects.get(kind=JobKind.PREVIEW)
    assert response.status_code == 302 and response["Location"] == reverse("study_import_preview", args=[job.pk])
    assert queue_only == [job.pk] and default_storage.exists(job.payload["path"])
    page = auditor_client.get(response["Location"]).content.decode()
    assert 'data-job-status="queued"' in page and 'hx-trigger="every 2s"' in page
    assert 'id="confirm-import"' not in page
    listing = auditor_client.get(reverse("study_import")).content.decode()
    assert reverse("study_import_preview", args=[job.pk]) in listing  # to come back to

    preview_jobs.preview_job(job.pk)  # the worker
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and default_storage.exists(job.result)
    polled = auditor_client.get(response["Location"], HTTP_HX_REQUEST="true")
    assert polled["HX-Refresh"] == "true" and 'data-job-status="done"' in polled.content.decode()
    page = auditor_client.get(response["Location"]).content.decode()
    assert _main(page) == _main(in_request)  # the same preview, results and checks included
    assert "data-preview-total" in page and 'id="confirm-import"' in page

    # The user comes back in another session: the preview is there and can be confirmed.
    other = Client()
    other.force_login(demo_auditor)
    page = other.get(response["Location"]).content.decode()
    assert _main(page) == _main(in_request)
    confirmed = other.post(reverse("study_import_confirm"), {"token": _token(page), "replace": "0"})
    import_job = BackgroundJob.objects.get(kind=JobKind.IMPORT)
    assert confirmed["Location"] == reverse("study_import_job", args=[import_job.pk])
    assert import_job.payload["path"] == job.payload["path"]


def test_a_large_factor_library_preview_is_queued_then_shown_as_in_the_request(auditor_client, settings,
                                                                               queue_only):
    text = _library(30)
    in_request = _upload_library(auditor_client, text).content.decode()
    assert 'data-count="new">30<' in in_request and not BackgroundJob.objects.exists()

    settings.IMPORT_JOB_MIN_ACTIVITIES = 20
    response = _upload_library(auditor_client, text)
    job = BackgroundJob.objects.get(kind=JobKind.PREVIEW)
    assert response["Location"] == reverse("factor_import_preview", args=[job.pk])
    page = auditor_client.get(response["Location"]).content.decode()
    assert 'data-job-status="queued"' in page and 'id="confirm-factor-import"' not in page
    assert reverse("factor_import_preview", args=[job.pk]) in auditor_client.get(
        reverse("factor_import")).content.decode()

    preview_jobs.preview_job(job.pk)
    job.refresh_from_db()
    page = auditor_client.get(response["Location"]).content.decode()
    assert _main(page) == _main(in_request)
    assert not EmissionFactor.objects.filter(code="MAT-0001").exists()  # nothing saved yet

    # The confirmation of a large library is a job too.
    confirmed = auditor_client.post(reverse("factor_import_confirm"), {"token": _token(page)})
    imports = BackgroundJob.objects.get(kind=JobKind.LIBRARY_IMPORT)
    assert confirmed["Location"] == reverse("factor_import_job", args=[imports.pk])
    assert queue_only == [job.pk, imports.pk] and not EmissionFactor.objects.filter(code="MAT-0001").exists()
    page = auditor_client.get(confirmed["Location"]).content.decode()
    assert 'data-job-status="queued"' in page and 'hx-trigger="every 2s"' in page
    assert reverse("factor_import_job", args=[imports.pk]) in auditor_client.get(
        reverse("factor_import")).content.decode()
    library_jobs.library_import_job(imports.pk)  # the worker
    fragment = auditor_client.get(confirmed["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert 'data-job-status="done"' in fragment and "hx-get" not in fragment
    assert "新增 30 个因子，1 个因子创建了新版本，0 个未变" in fragment
    assert EmissionFactor.objects.filter(code__startswith="MAT-0").count() == 30
    assert EmissionFactor.objects.get(code="CN-GRID-2022", is_current=True).version == 2
    assert not default_storage.exists(job.payload["path"]) and not default_storage.exists(job.result)
    library_jobs.library_import_job(imports.pk)  # delivered twice: nothing happens
    assert EmissionFactor.objects.filter(code="CN-GRID-2022").count() == 2


def test_eager_jobs_preview_in_the_request_and_the_page_shows_it(auditor_client, seed, large):
    response = _upload(auditor_client, _document(seed, report_number="PRE-2"))
    page = auditor_client.get(response["Location"]).content.decode()
    assert 'id="confirm-import"' in page and "PRE-2" in page


def test_a_failed_preview_says_why_and_nothing_is_saved(auditor_client, settings, queue_only):
    settings.IMPORT_JOB_MIN_ACTIVITIES = 20
    # Many lines, none of them a factor table: the worker cannot read it.
    response = _upload_library(auditor_client, "a,b,c\n" + "1,2,3\n" * 30)
    job = BackgroundJob.objects.get(pk=queue_only[0])
    preview_jobs.preview_job(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "文件中没有排放因子表" in job.reason
    page = auditor_client.get(response["Location"]).content.decode()
    assert 'data-job-status="failed"' in page and "文件中没有排放因子表" in page
    assert 'id="preview-job-reason"' in page and "没有保存任何数据" in page
    assert 'id="confirm-factor-import"' not in page and not EmissionFactor.objects.filter(code="1").exists()


def test_an_expired_upload_fails_the_study_preview_with_the_reason(auditor_client, seed, large, queue_only):
    response = _upload(auditor_client, _document(seed, report_number="PRE-3"))
    job = BackgroundJob.objects.get(pk=queue_only[0])
    default_storage.delete(job.payload["path"])  # removed by cleanup_uploads meanwhile
    preview_jobs.preview_job(job.pk)
    page = auditor_client.get(response["Location"]).content.decode()
    assert 'data-job-status="failed"' in page and "上传的文件已过期，请重新上传。" in page
    assert 'id="preview-job-retry"' not in page  # nothing left to preview again


def test_another_users_preview_job_is_404(auditor_client, seed, large, queue_only, auditor):
    response = _upload(auditor_client, _document(seed, report_number="PRE-4"))
    job_id = queue_only[0]
    preview_jobs.preview_job(job_id)
    assert auditor_client.get(response["Location"]).status_code == 200
    other = Client()
    other.force_login(auditor)  # another auditor, who may import too
    assert other.get(response["Location"]).status_code == 404
    assert other.post(response["Location"]).status_code == 404
    assert BackgroundJob.objects.filter(kind=JobKind.PREVIEW).count() == 1  # nothing queued again
    # nor the study's preview job through the factor library's address, by anyone
    assert auditor_client.get(reverse("factor_import_preview", args=[job_id])).status_code == 404


def test_an_administrator_sees_another_users_preview_but_only_its_owner_confirms(
        auditor_client, seed, large, queue_only, demo_auditor):
    """An administrator may open any user's preview job: the page says whose upload it is and
    offers no confirmation (the upload is kept in its owner's session, and stays theirs)."""
    from footprint.models import User

    response = _upload(auditor_client, _document(seed, report_number="PRE-ADM"))
    preview_jobs.preview_job(queue_only[0])
    admin = Client()
    admin.force_login(User.objects.get(username="admin"))
    page = admin.get(response["Location"]).content.decode()
    assert "data-preview-total" in page  # the preview itself, results included
    assert 'id="confirm-import"' not in page and 'id="preview-not-yours"' in page
    assert demo_auditor.display_name in page.split('id="preview-not-yours"')[1].split("</div>")[0]
    # Its token is not the administrator's to use: nothing is imported, nothing removed.
    refused = admin.post(reverse("study_import_confirm"), {"token": _token(page), "replace": "0"})
    assert refused["Location"] == reverse("study_import")
    admin.post(reverse("study_import_cancel"), {"token": _token(page)})
    assert not BackgroundJob.objects.filter(kind=JobKind.IMPORT).exists()
    # The owner still confirms it.
    own = auditor_client.get(response["Location"]).content.decode()
    assert 'id="confirm-import"' in own and 'id="preview-not-yours"' not in own
    confirmed = auditor_client.post(reverse("study_import_confirm"), {"token": _token(own), "replace": "0"})
    assert confirmed["Location"] == reverse(
        "study_import_job", args=[BackgroundJob.objects.get(kind=JobKind.IMPORT).pk])


def test_an_administrator_sees_another_users_library_preview_without_confirming_it(
        auditor_client, settings, queue_only, demo_auditor):
    from footprint.models import User

    settings.IMPORT_JOB_MIN_ACTIVITIES = 20
    response = _upload_library(auditor_client, _library(30))
    preview_jobs.preview_job(queue_only[0])
    admin = Client()
    admin.force_login(User.objects.get(username="admin"))
    page = admin.get(response["Location"]).content.decode()
    assert 'data-count="new">30<' in page
    assert 'id="confirm-factor-import"' not in page and 'id="preview-not-yours"' in page
    assert demo_auditor.display_name in page
    own = auditor_client.get(response["Location"]).content.decode()
    assert 'id="confirm-factor-import"' in own and 'id="preview-not-yours"' not in own
    # An uploader who has since been removed: still no confirmation, and the page says so.
    BackgroundJob.objects.filter(pk=queue_only[0]).update(user=None)
    orphan = admin.get(response["Location"]).content.decode()
    assert 'id="confirm-factor-import"' not in orphan and "（已删除的用户）" in orphan


def test_the_queue_down_says_so_keeps_the_upload_and_previews_it_again(auditor_client, seed, large, settings,
                                                                       monkeypatch):
    from kombu.exceptions import OperationalError

    from footprint import tasks

    def refused(*args, **kwargs):
        raise OperationalError("Connection refused")

    settings.JOBS_IN_THREAD = False
    settings.CELERY_TASK_ALWAYS_EAGER = False
    monkeypatch.setattr(tasks.preview_upload, "delay", refused)
    response = _upload(auditor_client, _document(seed, report_number="PRE-5"), )
    job = BackgroundJob.objects.get(kind=JobKind.PREVIEW)
    assert response["Location"] == reverse("study_import_preview", args=[job.pk])
    assert job.status == JobStatus.FAILED and "后台任务队列暂时不可用" in job.reason
    page = auditor_client.get(response["Location"]).content.decode()
    assert "后台任务队列暂时不可用" in page and 'id="preview-job-retry"' in page
    assert default_storage.exists(job.payload["path"])  # the upload is kept

    monkeypatch.undo()  # the queue is back
    settings.CELERY_TASK_ALWAYS_EAGER = True
    again = auditor_client.post(response["Location"])
    retry = BackgroundJob.objects.filter(kind=JobKind.PREVIEW).latest("pk")
    assert retry.pk != job.pk and again["Location"] == reverse("study_import_preview", args=[retry.pk])
    page = auditor_client.get(again["Location"]).content.decode()
    assert 'id="confirm-import"' in page and "PRE-5" in page
    assert not Study.objects.filter(report_number="PRE-5").exists()


def test_a_small_upload_is_previewed_in_the_request(auditor_client, seed, settings):
    settings.IMPORT_JOB_MIN_ACTIVITIES = 11
    response = _upload(auditor_client, _document(seed, report_number="PRE-6"))
    assert response.status_code == 200 and 'id="confirm-import"' in response.content.decode()
    assert not BackgroundJob.objects.exists()


def test_a_workbook_is_sized_by_its_rows_without_reading_them(seed):
    from footprint.services.interchange.exporting import study_to_workbook

    content = study_to_workbook(seed, for_licensee=True)
    rows = preview_jobs.upload_rows(preview_jobs.STUDY, "study.xlsx", content)
    assert rows is not None and 10 <= rows <= 12  # the 10 activity records and the header rows



def _job_preview(client, doc, queued) -> str:
    response = _upload(client, doc)
    preview_jobs.preview_job(queued.pop())
    return client.get(response["Location"]).content.decode()


def test_confirming_a_job_preview_does_not_read_the_file_again_in_the_request(auditor_client, seed, large,
                                                                              queue_only, monkeypatch):
    from footprint.views import importing

    first = _job_preview(auditor_client, _document(seed, report_number="PRE-7"), queue_only)
    second = _job_preview(auditor_client, _document(seed, report_number="PRE-8"), queue_only)

    def reads(*args, **kwargs):
        raise AssertionError("the confirmation read the file again")

    monkeypatch.setattr(importing, "preview_file", reads)
    confirmed = auditor_client.post(reverse("study_import_confirm"), {"token": _token(first), "replace": "0"})
    job = BackgroundJob.objects.get(kind=JobKind.IMPORT)
    assert confirmed["Location"] == reverse("study_import_job", args=[job.pk]) and queue_only == [job.pk]
    assert job.payload["activities"] == 10

    # A study of that number appeared meanwhile: the confirmation refuses, as it always did.
    Study.objects.filter(report_number=SEED).update(report_number="PRE-8")
    refused = auditor_client.post(reverse("study_import_confirm"), {"token": _token(second), "replace": "0"})
    assert refused.status_code == 200 and "报告 PRE-8 已存在" in refused.content.decode()
    assert BackgroundJob.objects.filter(kind=JobKind.IMPORT).count() == 1


def _library_confirmed(client, text, queued):
    response = _upload_library(client, text)
    preview_jobs.preview_job(queued.pop())
    page = client.get(response["Location"]).content.decode()
    return client.post(reverse("factor_import_confirm"), {"token": _token(page)})


def test_a_library_changed_since_its_preview_fails_the_import_job_with_the_rows(auditor_client, settings,
                                                                                queue_only, monkeypatch):
    from footprint.services.reference import library_import

    settings.IMPORT_JOB_MIN_ACTIVITIES = 20
    confirmed = _library_confirmed(auditor_client, _library(25), queue_only)
    job = BackgroundJob.objects.get(pk=queue_only.pop())
    real = library_import.preview_library

    def one_rejected(files):  # the library changed meanwhile: the job's check finds a row wrong
        preview = real(files)
        preview.rejected.append(library_import.Rejection("library.csv", 7, "value", "不是数字"))
        return preview

    monkeypatch.setattr(library_import, "preview_library", one_rejected)
    library_jobs.library_import_job(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "1 行被拒绝" in job.reason and "第 7 行" in job.reason
    page = auditor_client.get(confirmed["Location"]).content.decode()
    assert 'data-job-status="failed"' in page and 'id="factor-import-job-reason"' in page
    assert "第 7 行" in page and not EmissionFactor.objects.filter(code="MAT-0001").exists()


def test_another_users_library_import_job_is_404(auditor_client, settings, queue_only, auditor):
    settings.IMPORT_JOB_MIN_ACTIVITIES = 20
    confirmed = _library_confirmed(auditor_client, _library(25), queue_only)
    assert auditor_client.get(confirmed["Location"]).status_code == 200
    other = Client()
    other.force_login(auditor)  # another auditor, who may import factors too
    assert other.get(confirmed["Location"]).status_code == 404


def test_the_queue_down_keeps_the_library_preview_to_confirm_again(auditor_client, settings, monkeypatch,
                                                                  queue_only):
    settings.IMPORT_JOB_MIN_ACTIVITIES = 20
    from footprint.services.jobs import JobNotQueued

    def down(**kwargs):
        raise JobNotQueued("后台任务队列暂时不可用")

    monkeypatch.setattr(factor_library, "library_import_request", down)
    response = _library_confirmed(auditor_client, _library(25), queue_only)
    html = response.content.decode()
    assert response.status_code == 200 and "后台任务队列暂时不可用" in html
    assert 'id="confirm-factor-import"' in html and 'data-count="new">25<' in html
    assert not EmissionFactor.objects.filter(code="MAT-0001").exists()
    monkeypatch.undo()
    confirmed = auditor_client.post(reverse("factor_import_confirm"), {"token": _token(html)})
    job = BackgroundJob.objects.get(kind=JobKind.LIBRARY_IMPORT)
    assert confirmed["Location"] == reverse("factor_import_job", args=[job.pk])
