"""Chinese by default whatever the browser asks for; English once chosen with the switch."""

import pytest
from django.urls import reverse


def test_an_english_browser_still_gets_chinese_by_default(client, db):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "zh-hans"
    assert "用户名" in response.content.decode()


def test_the_language_switch_turns_english_on_and_off(client, db):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    page = client.get(reverse("login")).content.decode()
    assert "Username" in page and "用户名" not in page
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert "用户名" in client.get(reverse("login")).content.decode()


def test_an_unknown_language_cookie_falls_back_to_chinese(client, db):
    client.cookies["django_language"] = "fr"
    assert client.get(reverse("login"))["Content-Language"] == "zh-hans"


# ---- NUL characters (issue 10): a 400 with a message before any view, never the debug page
def test_a_nul_in_the_path_is_a_bad_request_even_with_debug_on(client, db, settings):
    settings.DEBUG = True  # what the demo ran with: the 500 showed Django's debug page
    response = client.get("/verify/%00/")
    body = response.content.decode()
    assert response.status_code == 400
    assert "NUL" in body
    assert "Traceback" not in body and "URLconf" not in body and "SECRET_KEY" not in body


def test_a_nul_in_the_query_is_a_bad_request(client, db):
    from footprint.models import User

    client.force_login(User.objects.create_user(username="nul", password="x", role="auditor"))
    assert client.get(reverse("dashboard"), {"q": "\x00"}).status_code == 400
    assert client.get(reverse("factor_list"), {"q": "a\x00b"}).status_code == 400
    assert client.get(reverse("factor_picker"), {"q\x00": "x"}).status_code == 400
    assert client.get(reverse("dashboard"), {"q": "开关"}).status_code == 200


@pytest.mark.filterwarnings("ignore:No directory at")  # STATIC_ROOT: the demo never collects
def test_the_demo_runs_without_debug_and_still_serves_its_static_files(db):
    import subprocess

    from django.conf import settings
    from django.test import Client, override_settings

    from config.settings import local

    plan = subprocess.run(["make", "-n", "demo"], capture_output=True, text=True, check=True,
                          cwd=settings.BASE_DIR).stdout
    runserver = [line for line in plan.splitlines() if "manage.py runserver" in line]
    assert runserver and runserver[0].startswith("DEBUG=false ")
    with override_settings(DEBUG=False, WHITENOISE_USE_FINDERS=local.WHITENOISE_USE_FINDERS,
                           WHITENOISE_AUTOREFRESH=False):
        response = Client().get("/static/css/app.css")
        assert response.status_code == 200
        nul = Client().get("/verify/%00/")
        assert nul.status_code == 400
