"""Benchmark: server time of the web pages for a study of 2,000 activity records.

    .venv/bin/python bench/pages.py [--activities 2000] [--repeat 9]

Each page is requested through Django's test client (URL routing, middleware, session,
view, templates: everything but the network) and timed as the median of --repeat runs,
printed with its query count and as a ratio against a baseline measured in the same run:
the login page, the smallest page the application serves.
Target (issue 3): the stage editor and the results page under 300 ms, and a query count that
does not grow with the number of rows (also asserted in tests/views/test_performance.py).
Target (issue 14): a repeat draft PDF download under 50 ms (the cached file, keyed by the
study's data version; a stored 600 KB file stands for the rendered draft).
"""

import argparse
import statistics
import time

from _django import setup


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--activities", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()
    setup("bench-pages.sqlite3")

    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from footprint.choices import Role
    from footprint.models import User
    from footprint.services.demo.synthetic import synthetic_study_document
    from footprint.services.interchange.document import Document
    from footprint.services.interchange.importing import import_study

    # replace=True: a PostgreSQL database given by DATABASE_URL is reused between runs.
    small = import_study(Document(synthetic_study_document(report_number="PAGES-20", activities=20)),
                         replace=True)
    large = import_study(Document(synthetic_study_document(report_number="PAGES-BIG", activities=args.activities)),
                         replace=True)
    auditor, _created = User.objects.get_or_create(username="bench-auditor", defaults={"role": Role.AUDITOR})
    for study in (small, large):
        study.auditors.add(auditor)


    from footprint.reports import draft_cache

    # The cached draft as a render would have stored it (a real render of 2,000 records takes
    # ~14 s; the download only reads the file): a PDF of a typical draft's size.
    fake_pdf = b"%PDF-1.7\n" + b"0" * 600_000 + b"\n%%EOF\n"
    for study in (small, large)[: 1 if args.activities > settings.REPORT_MAX_ACTIVITIES else 2]:
        draft_cache.store_draft(study, study.language, draft_cache.draft_key(study, study.language), fake_pdf)

    anonymous = Client()
    client = Client()
    client.force_login(auditor)

    def measure(c, url):
        c.get(url)  # warm: template loading, pint caches, as a running server has them
        times, cpu = [], []
        for _ in range(args.repeat):
            start, start_cpu = time.perf_counter(), time.process_time()
            response = c.get(url)
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
            assert response.status_code == 200, (url, response.status_code)
        with CaptureQueriesContext(connection) as ctx:
            c.get(url)
        return statistics.median(times), len(ctx.captured_queries), statistics.median(cpu)

    stage = "?stage=raw_material_acquisition"
    pages = [
        ("baseline: login page", anonymous, reverse("login")),
        ("dashboard (2 studies)", client, reverse("dashboard")),
        ("stage editor, 20-record study", client, reverse("study_product_stages", args=["PAGES-20", "P1"]) + stage),
        (f"stage editor, {args.activities}-record study", client,
         reverse("study_product_stages", args=["PAGES-BIG", "P1"]) + stage),
        ("results, 20-record study", client, reverse("study_results", args=["PAGES-20"])),
        (f"results, {args.activities}-record study", client, reverse("study_results", args=["PAGES-BIG"])),
        ("draft PDF repeat, 20-record study", client, reverse("report_pdf", args=["PAGES-20"])),
    ]
    if args.activities <= settings.REPORT_MAX_ACTIVITIES:  # larger reports are refused (422)
        pages.append((f"draft PDF repeat, {args.activities}-record study", client,
                      reverse("report_pdf", args=["PAGES-BIG"])))
    measured = [(label, *measure(c, url)) for label, c, url in pages]
    baseline = measured[0][1]
    # CPU time of this process (the server's work, PostgreSQL's excluded): on a machine shared
    # with other work the wall time includes waiting for a core, the CPU time does not.
    print(f"database: {connection.vendor}; median of {args.repeat} requests each; results cache "
          f"{settings.STUDY_RESULTS_CACHE_SECONDS or 'off'}")
    print(f"{'page':<38}{'time':>10}{'ratio':>9}{'queries':>9}{'CPU':>10}")
    for label, seconds, queries, cpu in measured:
        print(f"{label:<38}{seconds * 1000:>8.1f} ms{seconds / baseline:>8.1f}x{queries:>9}{cpu * 1000:>8.1f} ms")
    by_label = {label: (s, q) for label, s, q, _cpu in measured}
    big_editor = by_label[f"stage editor, {args.activities}-record study"]
    big_results = by_label[f"results, {args.activities}-record study"]
    ok = (
        big_editor[0] < 0.3 and big_results[0] < 0.3
        and big_editor[1] == by_label["stage editor, 20-record study"][1]
        and big_results[1] == by_label["results, 20-record study"][1]
    )
    print("target (< 300 ms, queries independent of rows):", "met" if ok else "NOT met")
    repeat = by_label.get(f"draft PDF repeat, {args.activities}-record study",
                          by_label["draft PDF repeat, 20-record study"])[0]
    print("repeat draft PDF target (< 50 ms):", "met" if repeat < 0.05 else "NOT met")


if __name__ == "__main__":
    main()
