"""Benchmark: render time and peak memory of the PDF report.

    .venv/bin/python bench/report_render.py [--runs 3]

Cases, each in a fresh process on a throw-away SQLite database (so peak memory is the case's):
- baseline   a fixed reference document (CJK paragraphs and a 60-row table, about 4 pages)
             rendered by WeasyPrint alone: how fast this machine renders right now; the
             other figures are given as ratios to it, which stay comparable across machines
             and load;
- demo       the seed study 202508175GHG (2 products, 10 activities), Chinese draft;
- demo-en    the same in English;
- 500        a study with 2 products × 250 activity records (generated, deterministic);
- overhead   in one process, the seed's Chinese draft through `render_study_pdf` (reading the
             study, building the HTML, laying out, writing) against bare WeasyPrint writing
             the same HTML with the same fetcher and PDF options, runs interleaved: what the
             application adds to WeasyPrint's own work (target: within 1.2×).

Prints a Markdown table: best and median wall time of `--runs` renders, CPU time of the best
run, peak RSS of the process, page count, and time as a multiple of the baseline; then the
overhead line.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CASES = ("baseline", "demo", "demo-en", "500")
OVERHEAD = "overhead"


def _setup_django(db: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ.setdefault("DEBUG", "false")
    import django

    django.setup()


def _large_study(records: int) -> dict:
    """The seed study with its activities repeated to `records` rows (half per product)."""
    seed = json.loads((ROOT / "footprint" / "fixtures" / "demo" / "202508175GHG.json").read_text())
    seed["report_number"] = f"BENCH-{records}"
    seed["title"] = f"基准测试：{records} 条活动数据"
    per_product = records // len(seed["products"])
    for product in seed["products"]:
        template = product["activities"]
        rows = []
        for n in range(per_product):
            base = dict(template[n % len(template)])
            base["name"] = f"{base['name']} #{n + 1:03d}"
            base["quantity"] = round(base["quantity"] * (0.5 + (n * 37 % 100) / 100) / per_product * 5, 3)
            base.pop("claimed_kgco2e_per_unit", None)
            rows.append(base)
        product["activities"] = rows
    return seed


def _reference_document() -> str:
    """A fixed document independent of the application: the baseline's workload."""
    paragraph = "产品碳足迹是产品系统在其生命周期内温室气体排放量与清除量之和，以二氧化碳当量表示。" * 4
    rows = "".join(
        f"<tr><td>活动 {n}</td><td>{n * 1234.5:,.3f}</td><td>kWh</td><td>CN-GRID-2022</td>"
        f"<td>{n * 0.5366:,.3f}</td></tr>"
        for n in range(1, 61)
    )
    return (
        "<html lang='zh-CN'><style>@page { size: A4; margin: 2cm } "
        "html { font-family: 'Noto Sans CJK SC', 'DejaVu Sans'; font-size: 10pt } "
        "td { border: 0.5pt solid #888; padding: 1mm }</style><body>"
        + f"<p>{paragraph}</p>" * 40
        + f"<table style='border-collapse: collapse; width: 100%'>{rows}</table></body></html>"
    )


def prepare(db: str) -> None:
    _setup_django(db)
    from django.core.management import call_command

    from footprint.services.demo.seed import load_demo
    from footprint.services.interchange.importing import import_file

    call_command("migrate", verbosity=0)
    load_demo()
    import_file("bench.json", json.dumps(_large_study(500), ensure_ascii=False).encode())


def worker(case: str, db: str, runs: int) -> dict:
    _setup_django(db)
    from weasyprint import HTML

    from footprint.models import Study
    from footprint.reports.pdf import render_study_pdf

    if case == "baseline":
        html = _reference_document()

        def render() -> bytes:
            return HTML(string=html).write_pdf()
    else:
        number = {"demo": "202508175GHG", "demo-en": "202508175GHG", "500": "BENCH-500"}[case]
        language = "en" if case == "demo-en" else None
        study = Study.objects.get(report_number=number)

        def render() -> bytes:
            return render_study_pdf(study, language=language)

    walls, cpus = [], []
    pdf = b""
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        pdf = render()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    from io import BytesIO

    from pypdf import PdfReader

    pages = len(PdfReader(BytesIO(pdf)).pages)
    best = min(range(runs), key=walls.__getitem__)
    return {
        "case": case,
        "best": walls[best],
        "median": statistics.median(walls),
        "cpu": cpus[best],
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "pages": pages,
        "bytes": len(pdf),
    }


def overhead(db: str, runs: int) -> dict:
    """The whole render against bare WeasyPrint on the same HTML, in the same process."""
    _setup_django(db)
    from weasyprint import HTML

    from footprint.models import Study
    from footprint.reports.html import render_report_html
    from footprint.reports.pdf import ReportURLFetcher, _pdf_options, render_study_pdf

    study = Study.objects.get(report_number="202508175GHG")
    html = render_report_html(study, language=None, final=False, for_pdf=True)
    options = _pdf_options(study)

    def bare() -> bytes:
        fetcher = ReportURLFetcher(report_number=study.report_number)
        return HTML(string=html, base_url=None, url_fetcher=fetcher).write_pdf(**options)

    def full() -> bytes:
        return render_study_pdf(study)

    full()  # warm both paths (fonts, templates, caches) before timing either
    bare()
    times: dict[str, list[float]] = {"full": [], "bare": []}
    for _ in range(runs):
        for name, render in (("full", full), ("bare", bare)):
            start = time.perf_counter()
            render()
            times[name].append(time.perf_counter() - start)
    return {"full": min(times["full"]), "bare": min(times["bare"]),
            "full_median": statistics.median(times["full"]), "bare_median": statistics.median(times["bare"])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--worker", choices=(*CASES, OVERHEAD))
    parser.add_argument("--db")
    args = parser.parse_args()
    if args.worker == OVERHEAD:
        print(json.dumps(overhead(args.db, args.runs)))
        return
    if args.worker:
        print(json.dumps(worker(args.worker, args.db, args.runs)))
        return

    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "bench.sqlite3")
        subprocess.run([sys.executable, __file__, "--db", db, "--worker", "baseline", "--runs", "1"],
                       check=True, capture_output=True)  # warm the font cache
        prepare_cmd = [sys.executable, "-c",
                       f"import sys; sys.path.insert(0, {str(ROOT / 'bench')!r}); "
                       f"import report_render; report_render.prepare({db!r})"]
        subprocess.run(prepare_cmd, check=True)
        results = []
        for case in CASES:
            out = subprocess.run([sys.executable, __file__, "--db", db, "--worker", case, "--runs",
                                  str(args.runs)], check=True, capture_output=True, text=True)
            results.append(json.loads(out.stdout.strip().splitlines()[-1]))
        out = subprocess.run([sys.executable, __file__, "--db", db, "--worker", OVERHEAD, "--runs",
                              str(args.runs)], check=True, capture_output=True, text=True)
        same_html = json.loads(out.stdout.strip().splitlines()[-1])
    baseline = results[0]["best"]
    load = os.getloadavg()[0]
    print(f"report render benchmark — {args.runs} runs per case, {os.cpu_count()} CPUs, "
          f"load average {load:.2f} at the end\n")
    print("| case | pages | best s | median s | CPU s (best run) | × baseline | peak RSS MB | PDF KB |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(f"| {r['case']} | {r['pages']} | {r['best']:.2f} | {r['median']:.2f} | {r['cpu']:.2f} | "
              f"{r['best'] / baseline:.1f} | {r['peak_rss_mb']:.0f} | {r['bytes'] / 1024:.0f} |")
    print(f"\nseed draft, same process, same HTML: render_study_pdf {same_html['full']:.2f} s best "
          f"({same_html['full_median']:.2f} median), bare WeasyPrint {same_html['bare']:.2f} s best "
          f"({same_html['bare_median']:.2f} median): {same_html['full'] / same_html['bare']:.2f}× "
          f"(target ≤ 1.2×)")


if __name__ == "__main__":
    main()
