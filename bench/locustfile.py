"""The users of bench/load.py: logged-in auditors who read the dashboard and results, edit and
save a stage, download the draft PDF, and look at a public verification page. /healthz/ is the
trivial view the others are compared with (one `SELECT 1`, no template, no session).

Not run on its own: bench/load.py starts the servers, sets LOAD_* and runs locust with this.
"""

import itertools
import os
from html.parser import HTMLParser

from locust import HttpUser, between, task

STUDY = os.environ.get("LOAD_STUDY", "202508175GHG")
PRODUCT = os.environ.get("LOAD_PRODUCT", "LV")
STAGE = os.environ.get("LOAD_STAGE", "production")
VERIFY_CODE = os.environ.get("LOAD_VERIFY_CODE", "")
# Sessions logged in beforehand (bench/load.py): the benchmark measures pages, not 50
# password hashes at once (PBKDF2 takes ~0.3 s of a core each, by design).
SESSIONS = itertools.cycle(os.environ.get("LOAD_SESSIONS", "").split(","))


class _EditorForm(HTMLParser):
    """The fields of the stage editor's form as the browser would post them back unchanged."""

    def __init__(self):
        super().__init__()
        self.fields, self._in_form, self._textarea = {}, False, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("id") == "stage-form":
            self._in_form = True
        if not self._in_form:
            return
        if tag == "input" and a.get("name") and a.get("type") not in ("submit", "button", "checkbox"):
            self.fields[a["name"]] = a.get("value") or ""
        elif tag == "input" and a.get("type") == "checkbox" and "checked" in a and a.get("name"):
            self.fields[a["name"]] = a.get("value") or "on"
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
        elif tag == "option" and "selected" in a and getattr(self, "_select", None):
            self.fields[self._select] = a.get("value") or ""
        elif tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            self.fields[a["name"]] = ""

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "form" and self._in_form:
            self._in_form = False


class Auditor(HttpUser):
    wait_time = between(1, 3)

    def on_start(self):
        self.client.cookies.set("sessionid", next(SESSIONS))

    @task(5)
    def dashboard(self):
        self.client.get("/", name="dashboard")

    @task(4)
    def results(self):
        self.client.get(f"/studies/{STUDY}/results/", name="results")

    @task(3)
    def stage_editor(self):
        self.client.get(f"/studies/{STUDY}/products/{PRODUCT}/?stage={STAGE}", name="stage editor")

    @task(2)
    def stage_editor_save(self):
        url = f"/studies/{STUDY}/products/{PRODUCT}/?stage={STAGE}"
        page = self.client.get(url, name="stage editor")
        form = _EditorForm()
        form.feed(page.text)
        with self.client.post(url, form.fields, headers={"HX-Request": "true", "Referer": self.host + url},
                              name="stage editor save", catch_response=True) as response:
            if response.status_code != 200 or "is-invalid" in response.text:
                response.failure(f"save refused ({response.status_code})")

    @task(1)
    def draft_pdf(self):
        with self.client.get(f"/studies/{STUDY}/report.pdf", name="draft PDF", catch_response=True) as response:
            if response.status_code == 202:
                response.success()  # queued: the browser asks again, as app.js does
            elif not response.content.startswith(b"%PDF"):
                response.failure("not a PDF")

    @task(1)
    def verify(self):
        self.client.get(f"/verify/{VERIFY_CODE}/", name="verify page")

    @task(1)
    def trivial(self):
        self.client.get("/healthz/", name="trivial view (/healthz/)")
