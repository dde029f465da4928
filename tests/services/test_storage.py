"""Every file goes through Django's storage API: with an object storage (no local paths, here
Django's in-memory storage standing in for S3) images, issued PDFs, draft PDFs and import
uploads work, and nothing is written under MEDIA_ROOT."""

import io
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from footprint.reports import assets, draft_cache
from footprint.reports.pdf import ReportURLFetcher
from footprint.services.entry import images
from footprint.services.interchange import importing
from footprint.services.workflow import issuing

pytestmark = pytest.mark.django_db


@pytest.fixture
def object_storage(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.STORAGES = {**settings.STORAGES,
                         "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
    yield default_storage
    assert not (tmp_path / "media").exists()  # nothing went to the local disk


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (30, 20), "blue").save(out, "PNG")
    return out.getvalue()


def test_images_live_in_the_storage_and_reach_the_report(seed_study, object_storage):
    images.study_image_add(study=seed_study, data=_png(), filename="外观.png")
    assert object_storage.exists(f"studies/{seed_study.report_number}/images/外观.png")
    [image] = images.study_images(seed_study)
    assert (image.name, image.width, image.height) == ("外观.png", 30, 20)
    stored = images.existing_image(seed_study, "外观.png")
    data, kind = images.study_image_thumbnail(stored)
    assert kind == "image/png" and data.startswith(b"\x89PNG")
    # The renderer fetches it from the storage, for this study only.
    ReportURLFetcher(report_number=seed_study.report_number).fetch(
        assets.media_url(seed_study.report_number, "外观.png"))
    assert assets.resolve(assets.media_url(seed_study.report_number, "外观.png"),
                          report_number=seed_study.report_number).read_bytes() == object_storage.open(stored).read()
    with pytest.raises(assets.AssetRefused):
        assets.resolve(assets.media_url("DEMO-2", "外观.png"), report_number=seed_study.report_number)
    assert images.study_image_rename(study=seed_study, name="外观.png", caption="正面") == "正面.png"
    assert images.study_image_names(seed_study.report_number) == ["正面.png"]
    images.study_image_delete(study=seed_study, name="正面.png")
    assert images.study_image_names(seed_study.report_number) == []


@pytest.mark.pdf
def test_issued_and_draft_pdfs_live_in_the_storage(object_storage, issued_seed_study_tiny):
    # where the signed files go, not what they print: the one-page report will do
    study = issued_seed_study_tiny
    assert object_storage.exists(study.issued_pdf.name)
    assert issuing.issued_pdf_bytes(study).startswith(b"%PDF")
    draft_cache.store_draft(study, "en", "k" * 64, b"%PDF-1.7 x\n%%EOF\n")
    assert draft_cache.cached_draft(study, "en", "k" * 64) == b"%PDF-1.7 x\n%%EOF\n"


def test_import_uploads_live_in_the_storage(object_storage):
    path = importing.pending_upload_store(name="study.json", content=b"{}")
    assert object_storage.exists(path) and Path(path).parts[0] == importing.PENDING_DIR
    importing.pending_upload_delete(path=path)
    assert not object_storage.exists(path)


def test_on_local_disk_a_link_out_of_the_study_folder_is_refused(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    secret = tmp_path / "studies" / "B-2" / "images" / "secret.png"
    secret.parent.mkdir(parents=True)
    secret.write_bytes(_png())
    mine = tmp_path / "studies" / "A-1" / "images"
    mine.mkdir(parents=True)
    (mine / "link.png").symlink_to(secret)
    with pytest.raises(assets.AssetRefused):
        assets.resolve("study-media:A-1/link.png", report_number="A-1")
