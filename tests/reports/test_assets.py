"""The report's URL policy: only its own static assets and the study's uploaded images."""

from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings

from footprint.reports import assets
from footprint.reports.pdf import ReportURLFetcher
from footprint.services.entry.images import study_image_names, study_images_folder

REFUSED = [
    "file:///etc/passwd",
    "FILE:///etc/passwd",
    "http://example.com/x.css",
    "https://example.com/x.png",
    "ftp://example.com/x",
    "data:text/css,body{}",
    "//example.com/x.css",
    "/etc/passwd",
    "report.css",
    "report-asset:../../../etc/passwd",
    "report-asset:%2e%2e/%2e%2e/config/settings/base.py",
    "report-asset:/etc/passwd",
    "report-asset:report.css?x=1",
    "report-asset:..\\..\\etc\\passwd",
    "report-asset:missing.css",
    "report-asset:",
    "study-media:OTHER/images/a.png",
    "study-media:202508175GHG/../../../etc/passwd",
]


@pytest.mark.parametrize("url", REFUSED)
def test_the_fetcher_refuses_everything_but_its_own_assets(url):
    fetcher = ReportURLFetcher(report_number="202508175GHG")
    with pytest.raises(assets.AssetRefused):
        fetcher.fetch(url)


def test_the_fetcher_serves_the_report_stylesheet_and_seal():
    fetcher = ReportURLFetcher(report_number="X")
    css = fetcher.fetch(assets.asset_url("report.css"))
    assert css.content_type == "text/css" and b"@page" in css.read()
    seal = fetcher.fetch(assets.asset_url("seal-placeholder.svg"))
    assert seal.content_type == "image/svg+xml"


def test_only_known_file_types_are_served(tmp_path, settings):
    settings.BASE_DIR = tmp_path
    folder = tmp_path / "static" / "reports"
    folder.mkdir(parents=True)
    (folder / "notes.txt").write_text("secret")
    (folder / "ok.css").write_text("p{}")
    assert assets.resolve("report-asset:ok.css", report_number="X").mime_type == "text/css"
    with pytest.raises(assets.AssetRefused):
        assets.resolve("report-asset:notes.txt", report_number="X")


def test_a_symlink_out_of_the_folder_is_refused(tmp_path, settings):
    settings.BASE_DIR = tmp_path
    folder = tmp_path / "static" / "reports"
    folder.mkdir(parents=True)
    outside = tmp_path / "outside.css"
    outside.write_text("p{}")
    (folder / "link.css").symlink_to(outside)
    with pytest.raises(assets.AssetRefused):
        assets.resolve("report-asset:link.css", report_number="X")


def test_uploaded_images_of_the_study_and_only_of_that_study(tmp_path):
    with override_settings(MEDIA_ROOT=tmp_path):
        mine = (Path(settings.MEDIA_ROOT) / study_images_folder("A-1"))
        mine.mkdir(parents=True)
        (mine / "front.png").write_bytes(b"\x89PNG\r\n\x1a\n")
        (mine / "notes.txt").write_text("x")
        other = (Path(settings.MEDIA_ROOT) / study_images_folder("B-2"))
        other.mkdir(parents=True)
        (other / "secret.png").write_bytes(b"\x89PNG\r\n\x1a\n")
        assert study_image_names("A-1") == ["front.png"]
        assert assets.resolve("study-media:A-1/front.png", report_number="A-1").mime_type == "image/png"
        with pytest.raises(assets.AssetRefused):
            assets.resolve("study-media:B-2/secret.png", report_number="A-1")
        with pytest.raises(assets.AssetRefused):
            assets.resolve("study-media:A-1/../../B-2/images/secret.png", report_number="A-1")
