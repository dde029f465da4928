"""Benchmark: the factor library with 50,000 factors — import, list and search server time.

    .venv/bin/python bench/factor_library.py [--factors 50000] [--repeat 9]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pcf_factors .venv/bin/python bench/factor_library.py

The factors are generated as one CSV in the library format and brought in by the importer
(`services/reference/library_import.py`, the path `manage.py import_factors` and the 导入 page
take), which is timed too. Each page is then requested through Django's test client (routing,
middleware, session, view, templates) and timed as the median of --repeat runs, with its query
count and its ratio to a baseline measured in the same run: the login page.
Target (issue 18): the library list and every search ≤ 200 ms server time.
"""

import argparse
import statistics
import time

from _django import median_time, setup

CATEGORIES = [("material", "kg", "钢材", "steel"), ("material", "kg", "铜材", "copper"),
              ("material", "kg", "铝材", "aluminium"), ("material", "kg", "聚丙烯", "polypropylene"),
              ("transport", "t*km", "公路运输", "road freight"), ("waste", "kg", "填埋", "landfill"),
              ("electricity", "kWh", "电力", "electricity"), ("fuel", "kg", "燃料", "fuel")]
REGIONS = ["CN", "CN-East", "CN-North", "CN-South", "EU", "US", "JP", "GLO"]
GASES = ["CO2e", "CO2", "CH4", "N2O"]
HEADER = ("code,name_zh,name_en,category,value,numerator_unit,denominator_unit,gas,region,"
          "data_year,source,published,notes")


def library_csv(n: int) -> bytes:
    lines = [HEADER]
    for i in range(n):
        category, unit, zh, en = CATEGORIES[i % len(CATEGORIES)]
        lines.append(",".join([
            f"BENCH-{i:05d}", f"{zh}第{i}号", f"{en} no. {i}", category, f"{(i % 997) / 100 + 0.01:.4f}",
            f"kg {GASES[i % 4]}", unit, GASES[i % 4], REGIONS[i % len(REGIONS)], str(2015 + i % 10),
            f"基准数据库 {i % 40}", "2024-01", "",
        ]))
    return ("\n".join(lines) + "\n").encode()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--factors", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--reuse", action="store_true",
                        help="keep the factors of an earlier run in a PostgreSQL database (no import)")
    args = parser.parse_args()
    setup("bench-factors.sqlite3")

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from footprint.choices import Role
    from footprint.models import EmissionFactor, User
    from footprint.selectors import factor_search
    from footprint.services.reference.library_import import import_library, preview_library

    content = library_csv(args.factors)
    reuse = args.reuse and EmissionFactor.objects.filter(code__startswith="BENCH-").count() == args.factors
    if not reuse:
        EmissionFactor.objects.filter(code__startswith="BENCH-").delete()  # a reused PostgreSQL database
        start = time.perf_counter()
        preview = preview_library([("bench.csv", content)])
        preview_seconds = time.perf_counter() - start
        assert preview.ok and len(preview.new) == args.factors, preview.rejected[:3]
        start = time.perf_counter()
        import_library(files=[("bench.csv", content)])
        import_seconds = time.perf_counter() - start
        print(f"preview of the {args.factors:,}-row CSV: {preview_seconds:.1f} s; "
              f"import: {import_seconds:.1f} s", flush=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # as autovacuum would after a large import
            cursor.execute("ANALYZE footprint_emissionfactor")
    total = EmissionFactor.objects.count()

    auditor, _created = User.objects.get_or_create(username="bench-auditor", defaults={"role": Role.AUDITOR})
    anonymous = Client()
    client = Client()
    client.force_login(auditor)

    def measure(c, url):
        c.get(url)  # warm: template loading, as a running server has them
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            response = c.get(url)
            times.append(time.perf_counter() - start)
            assert response.status_code == 200, (url, response.status_code)
        with CaptureQueriesContext(connection) as ctx:
            c.get(url)
        return statistics.median(times), len(ctx.captured_queries)

    library = reverse("factor_list")
    picker = reverse("factor_picker")
    pages = [
        ("baseline: login page", anonymous, reverse("login")),
        ("library, first page", client, library),
        ("library, page 500", client, library + "?page=500"),
        ("search name zh (钢材)", client, library + "?q=钢材第4"),
        ("search name en (copper)", client, library + "?q=copper+no.+17"),
        ("search code (BENCH-04711)", client, library + "?q=BENCH-04711"),
        ("search, no match", client, library + "?q=不存在的因子"),
        ("filter category + year", client, library + "?category=transport&year=2020"),
        ("filter region + gas", client, library + "?region=CN-East&gas=CH4"),
        ("filter all + name", client, library + "?q=第1&category=material&region=CN&year=2015&gas=CO2e"),
        ("stage editor's picker (铝材)", client, picker + "?q=铝材"),
    ]
    measured = [(label, *measure(c, url)) for label, c, url in pages]
    query_only = median_time(lambda: list(factor_search(q="copper")[:50]), args.repeat)
    baseline = measured[0][1]
    print(f"database: {connection.vendor}; {total:,} factors; median of {args.repeat} requests each")
    print(f"{'page':<34}{'time':>10}{'ratio':>9}{'queries':>9}")
    for label, seconds, queries in measured:
        print(f"{label:<34}{seconds * 1000:>8.1f} ms{seconds / baseline:>8.1f}x{queries:>9}")
    print(f"factor_search(q='copper')[:50] alone: {query_only * 1000:.1f} ms")
    slowest = max(measured[1:], key=lambda m: m[1])
    verdict = "within" if slowest[1] <= 0.2 else "OVER"
    print(f"slowest: {slowest[0]} {slowest[1] * 1000:.1f} ms — {verdict} the 200 ms target")


if __name__ == "__main__":
    main()
