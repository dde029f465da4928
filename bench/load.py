"""Load benchmark: logged-in users against gunicorn (2 workers) + one Celery worker +
PostgreSQL on this machine, with locust (bench/locustfile.py).

    .venv/bin/python bench/load.py [--users 50] [--seconds 60] [--activities 0]

Only ever against 127.0.0.1, bounded (at most 200 users, 600 s) and stopping by itself. It
prepares its own PostgreSQL database (DATABASE_URL, default pcf_load) and Redis queue, starts
the servers, measures single requests at rest (repeat draft PDF, issuing), runs locust and
prints the table of docs/performance.md ("Under load"). --activities N adds a generated study
of N activity records and points the users at it.
"""

import argparse
import csv
import os
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from _django import ROOT, setup

PORT = 8765
HOST = f"http://127.0.0.1:{PORT}"
QUEUE = "pcf-load"


def _env(media: Path, pki: Path, database_url: str) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local", "DEBUG": "false",
        "DATABASE_URL": database_url, "ALLOWED_HOSTS": "127.0.0.1",
        "CELERY_TASK_ALWAYS_EAGER": "false", "JOBS_IN_THREAD": "false",
        "CELERY_TASK_DEFAULT_QUEUE": QUEUE, "MEDIA_ROOT": str(media),
        "SIGNING_PKCS12_PATH": str(pki / "signer.p12"), "SIGNING_SEAL_IMAGE": str(pki / "seal.png"),
        "SIGNING_PKCS12_PASSPHRASE": "load-bench", "AXES_FAILURE_LIMIT": "1000",
        "LOG_LEVEL": "ERROR", "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
    }


def _prepare(activities: int, media: Path, pki: Path) -> dict:
    os.environ["MEDIA_ROOT"] = str(media)
    os.environ["SIGNING_PKCS12_PATH"] = str(pki / "signer.p12")
    os.environ["SIGNING_SEAL_IMAGE"] = str(pki / "seal.png")
    os.environ["SIGNING_PKCS12_PASSPHRASE"] = "load-bench"
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true"
    os.environ["JOBS_IN_THREAD"] = "false"
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.dummy.EmailBackend"
    setup("bench-load.sqlite3")
    from django.core.management import call_command

    from footprint.models import Study, User
    from footprint.services.demo.seed import issue_demo_study, load_demo
    from footprint.services.workflow import dispatch

    call_command("create_demo_pki", verbosity=0)
    load_demo()
    issue_demo_study()
    target = {"study": "202508175GHG", "product": "LV", "stage": "production"}
    if activities:
        from footprint.services.demo.synthetic import synthetic_study_document
        from footprint.services.interchange.document import Document
        from footprint.services.interchange.importing import import_study

        number = f"LOAD-{activities}"
        study = import_study(Document(synthetic_study_document(report_number=number, activities=activities)),
                             replace=True)
        # the measured auditor edits this study as they edit the seed (not only reads it)
        study.auditors.add(User.objects.get(username="auditor"))
        sp = study.study_products.select_related("product").first()
        target = {"study": number, "product": sp.product.code, "stage": "production"}
    # A study waiting to be issued, for the issuing measurement: a copy of the seed's data.
    users = {u.username: u for u in User.objects.all()}
    seed = Study.objects.get(report_number="202508175GHG")
    from footprint.services.interchange.document import Document
    from footprint.services.interchange.exporting import study_to_document
    from footprint.services.interchange.importing import import_study

    doc = study_to_document(seed, for_licensee=True)
    doc["report_number"] = "LOAD-ISSUE"
    issue = import_study(Document(doc), user=users["auditor"])
    issue.auditors.add(users["auditor"])
    issue.lead_verifier = users["lead"]
    issue.save(update_fields=["lead_verifier"])
    for action, who in (("send_for_review", "auditor"), ("confirm", "client"),
                        ("submit_for_technical_review", "auditor"), ("approve", "lead")):
        issue = dispatch.perform(action, study=issue, user=users[who])
    target["verify_code"] = Study.objects.get(report_number="DEMO-2").verification_code
    target["sessions"] = ",".join(_logged_in_sessions(users["auditor"], 200))
    return target


def _logged_in_sessions(user, count: int) -> list[str]:
    """Session keys of `user`, as if logged in (the load measures pages, not logins)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    keys = []
    for _ in range(count):
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        keys.append(session.session_key)
    return keys


def _fresh_database(url: str) -> None:
    """Start from an empty database of the benchmark's own (its name must start with pcf_load)."""
    from urllib.parse import urlparse

    import psycopg2
    from psycopg2 import sql

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    if not name.startswith("pcf_load"):
        raise SystemExit("DATABASE_URL must name the benchmark's own database (pcf_load…)")
    admin = psycopg2.connect(host=parts.hostname, port=parts.port or 5432, user=parts.username,
                             password=parts.password, dbname="postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    admin.close()


def _wait_up(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"{url} did not come up")


def _session(username: str, password: str):
    import requests

    s = requests.Session()
    page = s.get(f"{HOST}/accounts/login/")
    token = page.cookies.get("csrftoken") or s.cookies.get("csrftoken")
    s.post(f"{HOST}/accounts/login/", data={"username": username, "password": password,
                                             "csrfmiddlewaretoken": token})
    return s


def _at_rest(target: dict) -> dict:
    """Single requests before the load: repeat draft PDF and issuing."""
    s = _session("auditor", "auditor-demo")
    url = f"{HOST}/studies/{target['study']}/report.pdf"
    first = time.perf_counter()
    while s.get(url).status_code == 202:  # queued: ask again, as the page does
        time.sleep(0.5)
    first = time.perf_counter() - first
    repeats = []
    for _ in range(15):
        t = time.perf_counter()
        response = s.get(url)
        repeats.append(time.perf_counter() - t)
        assert response.content.startswith(b"%PDF")
    lead = _session("lead", "lead-demo")
    page = lead.get(f"{HOST}/studies/LOAD-ISSUE/workflow/")
    t = time.perf_counter()
    response = lead.post(f"{HOST}/studies/LOAD-ISSUE/workflow/transition/",
                         data={"action": "issue", "csrfmiddlewaretoken": lead.cookies["csrftoken"]},
                         headers={"Referer": page.url}, allow_redirects=False)
    issue_returned = time.perf_counter() - t
    assert response.status_code == 302, response.status_code
    t = time.perf_counter()
    while 'data-status="issued"' not in lead.get(f"{HOST}/studies/LOAD-ISSUE/workflow/").text:
        if time.perf_counter() - t > 120:
            raise SystemExit("the issue job did not finish in 120 s")
        time.sleep(0.5)
    return {"first_pdf_s": first, "repeat_pdf_ms": statistics.median(repeats) * 1000,
            "repeat_pdf_max_ms": max(repeats) * 1000, "issue_returned_ms": issue_returned * 1000,
            "issued_after_s": time.perf_counter() - t + issue_returned}


def _report(stats_csv: Path, at_rest: dict, users: int, seconds: int) -> None:
    rows = list(csv.DictReader(stats_csv.open()))
    trivial = next(r for r in rows if r["Name"].startswith("trivial"))
    base = float(trivial["50%"]) or 1.0
    print(f"\n{users} users, {seconds} s, gunicorn 2 workers + 1 Celery worker + PostgreSQL\n")
    print("| request | count | errors | req/s | p50 ms | p95 ms | p99 ms | p50 × trivial |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        name = r["Name"] if r["Name"] != "Aggregated" else "**all**"
        print(f"| {name} | {r['Request Count']} | {r['Failure Count']} | {float(r['Requests/s']):.1f} "
              f"| {r['50%']} | {r['95%']} | {r['99%']} | {float(r['50%']) / base:.1f}× |")
    print(f"\nat rest: first draft PDF {at_rest['first_pdf_s']:.2f} s (queued + rendered), repeat "
          f"{at_rest['repeat_pdf_ms']:.0f} ms median (max {at_rest['repeat_pdf_max_ms']:.0f} ms); "
          f"issue POST returned in {at_rest['issue_returned_ms']:.0f} ms, issued after "
          f"{at_rest['issued_after_s']:.1f} s")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--activities", type=int, default=0)
    parser.add_argument("--worker-nice", type=int, default=10,
                        help="the Celery worker's nice level (10, as docker-compose runs it; 0: "
                             "renders compete with the web workers for the cores)")
    args = parser.parse_args()
    if not (1 <= args.users <= 200 and 5 <= args.seconds <= 600):
        raise SystemExit("bounded: 1-200 users, 5-600 s")
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/pcf_load")
    database_url = os.environ["DATABASE_URL"]
    _fresh_database(database_url)
    work = ROOT / "var" / "load"
    shutil.rmtree(work, ignore_errors=True)
    media, pki = work / "media", work / "pki"
    media.mkdir(parents=True)
    target = _prepare(args.activities, media, pki)
    env = _env(media, pki, database_url)
    python = Path(sys.executable)
    servers = [
        subprocess.Popen([str(python), "-m", "gunicorn", "config.wsgi:application", "--bind",
                          f"127.0.0.1:{PORT}", "--workers", "2", "--timeout", "120"],
                         cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=(work / "gunicorn.log").open("w")),
        subprocess.Popen(["nice", "-n", str(args.worker_nice),
                          str(python), "-m", "celery", "-A", "config", "worker", "--concurrency", "1",
                          "-Q", QUEUE, "--without-gossip", "--without-mingle", "--loglevel", "WARNING"],
                         cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=(work / "celery.log").open("w")),
    ]
    try:
        _wait_up(f"{HOST}/healthz/")
        at_rest = _at_rest(target)
        locust_env = {**os.environ, "LOAD_STUDY": target["study"], "LOAD_PRODUCT": target["product"],
                      "LOAD_STAGE": target["stage"], "LOAD_VERIFY_CODE": target["verify_code"],
                      "LOAD_SESSIONS": target["sessions"]}
        subprocess.run(
            [str(python), "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
             "-u", str(args.users), "-r", str(max(1, args.users // 5)), "-t", f"{args.seconds}s",
             "--host", HOST, "--csv", str(work / "run"), "--only-summary", "--stop-timeout", "10"],
            cwd=ROOT, env=locust_env, check=False, timeout=args.seconds + 120,
        )
        _report(work / "run_stats.csv", at_rest, args.users, args.seconds)
    finally:
        for process in servers:
            process.send_signal(signal.SIGTERM)
        for process in servers:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


if __name__ == "__main__":
    main()
