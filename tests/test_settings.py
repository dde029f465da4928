"""Production settings (config/settings/production.py), loaded in a fresh interpreter with the
environment a deployment sets (docs/security.md, "Deployment checklist")."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# What a production deployment must set; throwaway values (the same as .ci/run's).
DEPLOY_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "SECRET_KEY": "ci-only-3J7q0bX9mVtq2sYcN8wZpL5rK1hUeA4dG6fT0yWxRzQvBnMjPoIuHlEkCs",
    "ALLOWED_HOSTS": "pcf.example.com",
    "DATABASE_URL": "sqlite:////tmp/pcf-settings-test.sqlite3",
    "SIGNING_PKCS12_PASSPHRASE": "ci-only",
}
SHOWN = ["DEBUG", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
         "SECURE_PROXY_SSL_HEADER", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE",
         "SECURE_REDIRECT_EXEMPT"]


def _env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SECURE_"))}
    env.pop("BEHIND_HTTPS_PROXY", None)
    env.update(DEPLOY_ENV)
    env.update(extra)
    return env


# Reading settings needs no app registry: these subprocesses skip django.setup(), which imports
# every app (and the unit registry) for a second each; check --deploy below loads them all.
def _production_settings(**extra) -> dict:
    code = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{k: getattr(settings, k) for k in {SHOWN!r}}}))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=_env(**extra),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_is_https_only_with_hsts():
    s = _production_settings()
    assert s["DEBUG"] is False and s["SECURE_SSL_REDIRECT"] is True
    assert s["SECURE_HSTS_SECONDS"] == 365 * 24 * 3600 and s["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert s["SESSION_COOKIE_SECURE"] is True and s["CSRF_COOKIE_SECURE"] is True
    assert s["SECURE_REDIRECT_EXEMPT"] == ["^healthz/$"]  # the container's own health check


def test_the_proxy_header_is_not_trusted_unless_a_proxy_is_declared():
    assert _production_settings()["SECURE_PROXY_SSL_HEADER"] is None
    assert _production_settings(BEHIND_HTTPS_PROXY="false")["SECURE_PROXY_SSL_HEADER"] is None
    behind = _production_settings(BEHIND_HTTPS_PROXY="true")
    assert behind["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_a_missing_secret_stops_production_from_starting():
    env = _env()
    del env["SECRET_KEY"]
    result = subprocess.run([sys.executable, "-c", "import django; django.setup()"], cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


@pytest.mark.parametrize("extra", [{}, {"BEHIND_HTTPS_PROXY": "true"}])
def test_check_deploy_passes_at_warning_level(extra):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=_env(**extra), capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_mail_server_is_configured_with_one_url():
    code = ("import json; from django.conf import settings as s; "
            "print(json.dumps([s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_USE_TLS]))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                            env=_env(EMAIL_URL="smtp+tls://pcf:secret@mail.example.com:587"), timeout=120)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == ["django.core.mail.backends.smtp.EmailBackend",
                                         "mail.example.com", 587, True]


def test_compose_trusts_the_proxy_headers_only_behind_its_proxy():
    """docker-compose.yml: the web service may set BEHIND_HTTPS_PROXY only while a proxy is the
    only way in — the proxy publishes ports, gunicorn publishes none."""
    import yaml  # a dependency of drf-spectacular

    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    web = services["web"]
    if str(web.get("environment", {}).get("BEHIND_HTTPS_PROXY", "false")).lower() == "true":
        assert "ports" not in web, "gunicorn must not be published when the proxy's headers are trusted"
        assert any("ports" in s and "Caddyfile" in str(s.get("volumes", [])) for s in services.values())
    caddyfile = (ROOT / "deploy" / "Caddyfile").read_text()
    assert "reverse_proxy web:8000" in caddyfile


def test_tests_run_requests_in_a_transaction_as_production_does():
    from django.conf import settings

    code = ("from django.conf import settings; "
            "print(settings.DATABASES['default'].get('ATOMIC_REQUESTS'))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=_env(),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"
    assert settings.DATABASES["default"]["ATOMIC_REQUESTS"] is True


def test_every_dependency_has_a_compatible_range():
    import re
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    requirements = [*project["build-system"]["requires"], *project["project"]["dependencies"],
                    *(r for group in project["project"]["optional-dependencies"].values() for r in group)]
    assert len(requirements) > 20
    for requirement in requirements:
        # a lower bound and an upper bound below the next release that may break us
        assert re.search(r">=[\d.]+", requirement) and re.search(r",\s*<[\d.]+$", requirement), requirement


def _settings_in_subprocess(module: str, code: str, **env) -> str:
    import os
    import subprocess
    import sys
    from pathlib import Path

    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": module, **env}
    return subprocess.run(
        [sys.executable, "-c", code],  # settings and storage only: no django.setup() (above)
        cwd=Path(__file__).resolve().parent.parent, env=environment, capture_output=True, text=True,
        check=True,
    ).stdout.strip()


def test_files_go_to_s3_compatible_storage_when_a_bucket_is_set():
    show = ("from django.core.files.storage import default_storage as s; s.exists; "
            "w = s._wrapped; print(type(w).__name__, getattr(w, 'bucket_name', '-'), "
            "getattr(w, 'endpoint_url', '-'), getattr(w, 'location', '-'), getattr(w, 'querystring_auth', '-'))")
    s3 = _settings_in_subprocess("config.settings.local", show, STORAGE_S3_BUCKET="pcf-files",
                                 STORAGE_S3_ENDPOINT_URL="http://127.0.0.1:9000", STORAGE_S3_PREFIX="prod")
    assert s3 == "S3Storage pcf-files http://127.0.0.1:9000 prod True"
    local = _settings_in_subprocess("config.settings.local", show)
    assert local.startswith("FileSystemStorage - - ")
