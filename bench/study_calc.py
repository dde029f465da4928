"""Benchmark: import a generated study with 10,000 activity records and calculate it.

    .venv/bin/python bench/study_calc.py [--activities 10000] [--repeat 7]

Reports the median wall time of `study_results` (database reads + pure calculation), its query
count, and ratios against baselines measured in the same run: the same call on a 10-record
study, and the pure calculation alone on the already-read input.
"""

import argparse
import time
import tracemalloc

from _django import median_time, setup


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--activities", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    setup("bench-calc.sqlite3")

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from footprint.services.calculation.study import calculate_study
    from footprint.services.demo.synthetic import synthetic_study_document
    from footprint.services.interchange.document import Document
    from footprint.services.interchange.importing import import_study
    from footprint.services.results import study_calculation_input, study_results

    small_doc = synthetic_study_document(report_number="BENCH-10", activities=10, products=2)
    big_doc = synthetic_study_document(report_number="BENCH-BIG", activities=args.activities, products=2)

    small = import_study(Document(small_doc))
    start = time.perf_counter()
    big = import_study(Document(big_doc))
    import_seconds = time.perf_counter() - start

    study_results(big)  # warm caches (pint multipliers), as a running server would have them
    small_t = median_time(lambda: study_results(small), args.repeat)
    big_t = median_time(lambda: study_results(big), args.repeat)
    prepared = study_calculation_input(big)
    pure_t = median_time(lambda: calculate_study(prepared), args.repeat)
    with CaptureQueriesContext(connection) as small_q:
        study_results(small)
    with CaptureQueriesContext(connection) as big_q:
        study_results(big)
    tracemalloc.start()
    study_results(big)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()

    vendor = connection.vendor
    print(f"database: {vendor}")
    print(f"import {args.activities} activities (validate + one transaction): {import_seconds:.2f} s")
    print(f"study_results, 10 activities:        {small_t * 1000:8.1f} ms  ({len(small_q)} queries)  baseline 1.0x")
    print(f"study_results, {args.activities} activities:   {big_t * 1000:8.1f} ms  ({len(big_q)} queries)  "
          f"{big_t / small_t:.1f}x the 10-record study")
    print(f"  of which pure calculation:         {pure_t * 1000:8.1f} ms  ({pure_t / big_t:.0%} of the call)")
    print(f"  peak Python memory:                {peak / 2**20:8.1f} MiB")
    ok = big_t < 0.5 and len(big_q) == len(small_q)
    print("target (< 0.5 s, constant queries):", "met" if ok else "NOT met")


if __name__ == "__main__":
    main()
