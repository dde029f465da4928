"""The product images page: upload, caption, delete, scoped thumbnails."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from footprint.choices import StudyStatus
from footprint.models import Study
from footprint.services.entry.images import study_image_names

pytestmark = pytest.mark.django_db

SEED = "202508175GHG"
PAGE = reverse("study_images", args=[SEED])


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


def png(name="photo.png", size=(40, 30)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, (0, 128, 0)).save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def names():
    return study_image_names(SEED)


def test_the_auditor_uploads_an_image_and_sees_its_thumbnail(auditor_client):
    response = auditor_client.post(PAGE, {"image": png(), "caption": "图 外观"})
    assert response.status_code == 302 and response["Location"] == PAGE
    assert names() == ["图 外观.png"]
    html = auditor_client.get(PAGE).content.decode()
    thumb = reverse("study_image_thumbnail", args=[SEED, "图 外观.png"])
    assert f'src="{thumb}?v=' in html and 'value="图 外观"' in html
    response = auditor_client.get(thumb)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response["Cache-Control"].startswith("private")
    with Image.open(io.BytesIO(response.content)) as image:
        assert image.size == (40, 30)


def test_a_non_image_renamed_png_is_refused_next_to_the_field(auditor_client):
    fake = SimpleUploadedFile("photo.png", b"MZ\x90\x00 this is an executable", content_type="image/png")
    response = auditor_client.post(PAGE, {"image": fake, "caption": "假图片"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="form-control is-invalid"' in html and "文件不是有效的 JPEG 或 PNG 图片。" in html
    assert 'value="假图片"' in html  # the caption typed is kept
    assert names() == []


def test_an_oversize_file_is_refused(auditor_client, settings):
    settings.STUDY_IMAGE_MAX_BYTES = 200
    response = auditor_client.post(PAGE, {"image": png(size=(200, 200))})
    assert "图片不能超过" in response.content.decode()
    assert names() == []


def test_caption_change_and_delete(auditor_client):
    auditor_client.post(PAGE, {"image": png(), "caption": "一"})
    auditor_client.post(PAGE, {"image": png(), "caption": "二"})
    rename = reverse("study_image_caption", args=[SEED, "一.png"])
    response = auditor_client.post(rename, {"caption": "二"})
    assert response.status_code == 200 and "已有说明为“二”的图片。" in response.content.decode()
    assert auditor_client.post(rename, {"caption": "零 概览"}).status_code == 302
    assert names() == ["二.png", "零 概览.png"]
    assert auditor_client.post(reverse("study_image_delete", args=[SEED, "二.png"])).status_code == 302
    assert names() == ["零 概览.png"]


@pytest.mark.parametrize("name", ["..", "secret.png", "..%2Fsecret.png", "零.png.bak"])
def test_names_outside_the_listing_are_404(auditor_client, media, name):
    (media / "secret.png").parent.mkdir(parents=True, exist_ok=True)
    (media / "secret.png").write_bytes(png().read())
    base = f"/studies/{SEED}/images/{name}/"
    assert auditor_client.get(base).status_code == 404
    assert auditor_client.post(base + "delete/").status_code == 404
    assert auditor_client.post(base + "caption/", {"caption": "x"}).status_code == 404
    assert (media / "secret.png").exists()


def test_contacts_see_thumbnails_of_their_study_only_and_cannot_change_images(client, auditor_client, demo_users):
    auditor_client.post(PAGE, {"image": png(), "caption": "外观"})
    thumb = reverse("study_image_thumbnail", args=[SEED, "外观.png"])
    Study.objects.filter(report_number=SEED).update(sent_to_client_at=timezone.now())
    client.force_login(demo_users["client"])
    assert client.get(thumb).status_code == 200
    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE, {"image": png()}).status_code == 403
    assert client.post(reverse("study_image_delete", args=[SEED, "外观.png"])).status_code == 403
    client.force_login(demo_users["client2"])
    for response in (client.get(thumb), client.get(PAGE), client.post(PAGE, {"image": png()}),
                     client.post(reverse("study_image_delete", args=[SEED, "外观.png"]))):
        assert response.status_code == 404
    assert names() == ["外观.png"]


@pytest.mark.parametrize("status", [StudyStatus.CLIENT_REVIEW, StudyStatus.ISSUED])
def test_locked_and_issued_studies_refuse_changes(auditor_client, status):
    auditor_client.post(PAGE, {"image": png(), "caption": "外观"})
    Study.objects.filter(report_number=SEED).update(status=status)
    html = auditor_client.get(PAGE).content.decode()
    assert 'id="upload-form"' not in html and "外观" in html
    response = auditor_client.post(PAGE, {"image": png(), "caption": "新"}, follow=True)
    assert "数据已" in response.content.decode()
    auditor_client.post(reverse("study_image_delete", args=[SEED, "外观.png"]))
    auditor_client.post(reverse("study_image_caption", args=[SEED, "外观.png"]), {"caption": "改"})
    assert names() == ["外观.png"]
