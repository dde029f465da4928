"""The deployment files say what docs/deployment.md promises: web, worker, PostgreSQL and
Redis with health checks, a health check that ALLOWED_HOSTS accepts, an image that runs as an
unprivileged user and whose build context holds no developer data or keys."""

import fnmatch
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def _compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_runs_web_worker_database_and_broker_with_health_checks():
    services = _compose()["services"]
    assert {"web", "worker", "db", "redis", "proxy", "migrate"} <= set(services)
    for name in ("web", "worker", "db", "redis"):
        assert services[name]["healthcheck"]["test"], name
    assert services["web"]["command"][0] == "gunicorn"
    # The worker yields the cores to page requests on a shared machine (docs/deployment.md).
    assert services["worker"]["command"][:7] == ["nice", "-n", "10", "celery", "-A", "config", "worker"]
    # Web and worker share the broker and the files.
    for name in ("web", "worker"):
        env = services[name]["environment"]
        assert env["CELERY_BROKER_URL"] == "redis://redis:6379/0"
        assert "media:/app/media" in services[name]["volumes"]
    assert services["web"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"


def test_the_web_health_check_sends_a_host_that_allowed_hosts_accepts():
    web = _compose()["services"]["web"]
    probe = " ".join(web["healthcheck"]["test"])
    assert "/healthz/" in probe and "'Host': os.environ['SITE_ADDRESS']" in probe
    assert web["environment"]["ALLOWED_HOSTS"] == web["environment"]["SITE_ADDRESS"]


def test_the_image_runs_as_an_unprivileged_user():
    dockerfile = (ROOT / "Dockerfile").read_text()
    users = re.findall(r"^USER\s+(\S+)", dockerfile, flags=re.M)
    assert users and users[-1] not in ("root", "0")
    assert "COPY . ." not in dockerfile


def test_the_build_context_leaves_out_developer_data_and_keys():
    patterns = [line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()
                if line.strip() and not line.startswith("#")]

    def ignored(path: str) -> bool:
        return any(fnmatch.fnmatch(path, p.rstrip("/")) or path.startswith(p.rstrip("/") + "/")
                   for p in patterns)

    for path in (".venv", "db.sqlite3", "media/studies/x.png", ".git", "var/pki/signer.p12", ".env"):
        assert ignored(path), path
    for path in ("footprint/models.py", "templates/base.html", "locale/en/LC_MESSAGES/django.po"):
        assert not ignored(path), path


def _compose_command() -> list[str] | None:
    import shutil
    import subprocess

    if shutil.which("docker"):
        probe = subprocess.run(["docker", "compose", "version"], capture_output=True, check=False)
        if probe.returncode == 0:
            return ["docker", "compose"]
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    return None


def test_docker_compose_validates_the_file_and_requires_the_secrets():
    """`docker compose config` (or docker-compose 1.29) parses and interpolates the file: the
    secrets are required, the health check gets the site's name. Images are not pulled."""
    import os
    import subprocess

    import pytest

    command = _compose_command()
    if command is None:
        pytest.skip("neither `docker compose` nor docker-compose is installed")
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "SIGNING_PKCS12_PASSPHRASE")}
    missing = subprocess.run([*command, "config", "-q"], cwd=ROOT, env=env, capture_output=True, text=True,
                             check=False)
    assert missing.returncode != 0 and "SECRET_KEY" in missing.stderr + missing.stdout
    env.update(SECRET_KEY="x", SIGNING_PKCS12_PASSPHRASE="y", SITE_ADDRESS="pcf.example.com")
    rendered = subprocess.run([*command, "config"], cwd=ROOT, env=env, capture_output=True, text=True,
                              check=False)
    assert rendered.returncode == 0, rendered.stderr
    services = yaml.safe_load(rendered.stdout)["services"]
    assert services["web"]["environment"]["ALLOWED_HOSTS"] == "pcf.example.com"
    assert services["web"]["environment"]["SITE_ADDRESS"] == "pcf.example.com"
    assert all("healthcheck" in services[name] for name in ("web", "worker", "db", "redis"))
