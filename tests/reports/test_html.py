"""footprint/reports/html.py: the report's page, without WeasyPrint."""

import json
import os
import subprocess
import sys
from pathlib import Path

from footprint.reports.html import keep_symbols_together

ROOT = Path(__file__).resolve().parents[2]


def test_a_number_and_its_percent_sign_stay_together():
    assert keep_symbols_together("<td>84.7 %</td>") == "<td>84.7\u00a0%</td>"
    assert keep_symbols_together("<th>偏差/%</th>") == '<th><span class="nowrap">偏差/%</span></th>'
    assert keep_symbols_together("<p>a %</p>") == "<p>a %</p>"  # not after a number


def test_the_web_process_loads_every_page_without_weasyprint():
    """Every URL's view (the preview included) is importable without WeasyPrint, so the web
    process and each management command start half a second sooner; only a PDF loads it."""
    code = ("import django, json, sys; django.setup(); "
            "from django.urls import get_resolver; get_resolver().url_patterns; "
            "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules if m.startswith('weasyprint')} "
            "| ({'footprint.views.reports'} & set(sys.modules)))))")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                         text=True, check=True).stdout
    assert json.loads(out) == ["footprint.views.reports"]  # the preview's view loaded, WeasyPrint not
