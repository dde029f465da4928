"""Chinese by default whatever the browser asks for; English once chosen with the switch."""

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
