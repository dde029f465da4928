"""The English catalogue is complete and safe, and English reaches the places users read:
check messages, web pages and e-mails. (The English PDF: tests/commands/test_render_report.py.)

The catalogue is read with a small parser of our own rather than polib so that the project does
not depend on a library only its tests would use; the format subset below is what makemessages
writes.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import translation

PO_FILE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
# printf directives as gettext's python-format knows them: %(name)s, %s, %d, %.1f, %%
DIRECTIVE = re.compile(r"%(?:\([^)]*\))?[-+ #0]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa%]")


@dataclass
class Entry:
    line: int
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)

    @property
    def label(self) -> str:
        return f"line {self.line}: {self.msgid[:60]!r}"


_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


def _unquote(text: str) -> str:
    """A PO string literal's content: "a \\"b\\"\\n" -> a "b" and a newline."""
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(0)), text.strip()[1:-1])


def parse_po(path: Path) -> list[Entry]:
    """Entries of a .po file, header excluded; obsolete (#~) entries are skipped."""
    entries: list[Entry] = []
    current: Entry | None = None
    target: tuple[str, int] | None = None
    flags: set[str] = set()
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            current, target = None, None
            continue
        if line.startswith("#,"):
            flags = {f.strip() for f in line[2:].split(",")}
            continue
        if line.startswith("#"):
            continue
        keyword, _sep, rest = line.partition(" ")
        if line.startswith('"'):
            assert current is not None and target is not None, f"stray string at line {number}"
            name, index = target
            if name == "msgstr":
                current.msgstr[index] += _unquote(line)
            else:
                setattr(current, name, (getattr(current, name) or "") + _unquote(line))
            continue
        if current is None:
            current = Entry(line=number, flags=flags)
            entries.append(current)
            flags = set()
        match = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
        if keyword == "msgstr" or match:
            index = int(match.group(1)) if match else 0
            current.msgstr[index] = _unquote(rest)
            target = ("msgstr", index)
        elif keyword in ("msgctxt", "msgid", "msgid_plural"):
            setattr(current, keyword, _unquote(rest))
            target = (keyword, 0)
        else:
            raise AssertionError(f"unexpected line {number}: {raw!r}")
    return [e for e in entries if e.msgid]


@pytest.fixture(scope="module")
def catalogue() -> list[Entry]:
    return parse_po(PO_FILE)


def _placeholders(text: str) -> list[str]:
    return sorted(DIRECTIVE.findall(text))


def test_the_parser_reads_the_whole_catalogue(catalogue):
    # A parser that silently dropped entries would let every test below pass.
    assert len(catalogue) > 700
    assert PO_FILE.read_text(encoding="utf-8").count("\nmsgid ") - 1 == len(catalogue)
    plural = [e for e in catalogue if e.msgid_plural]
    assert plural and all(set(e.msgstr) == {0, 1} for e in plural)
    by_key = {(e.msgctxt, e.msgid): e for e in catalogue}
    assert by_key[(None, "第 %(page)s 页 / 共 %(pages)s 页")].msgstr[0] == "Page %(page)s of %(pages)s"
    assert by_key[("plural", "报告")].msgstr[0] == "Reports"


def test_every_entry_is_translated_and_none_is_fuzzy(catalogue):
    untranslated = [e.label for e in catalogue if not all(s.strip() for s in e.msgstr.values())]
    fuzzy = [e.label for e in catalogue if "fuzzy" in e.flags]
    assert (untranslated, fuzzy) == ([], [])


def test_translations_keep_every_placeholder(catalogue):
    wrong = []
    formatted = [e for e in catalogue if "python-format" in e.flags]
    assert len(formatted) > 150  # makemessages flags every msgid with a placeholder
    for e in formatted:
        for index, text in e.msgstr.items():
            source = e.msgid_plural if (e.msgid_plural and index > 0) else e.msgid
            # an English singular may name the count or not, as long as it adds nothing new
            expected = _placeholders(source)
            found = _placeholders(text)
            if found != expected and not (e.msgid_plural and set(found) <= set(expected)):
                wrong.append((e.label, index, expected, found))
            # a lone "%" would make "%"-formatting fail at run time
            if text.replace("%%", "").count("%") != len(
                    [d for d in DIRECTIVE.findall(text) if d != "%%"]):
                wrong.append((e.label, index, "stray %", text))
    assert wrong == []


def test_english_text_has_no_chinese_characters_or_full_width_punctuation(catalogue):
    offending = [(e.label, s) for e in catalogue for s in e.msgstr.values()
                 if CJK.search(s) or re.search("[“”‘’]", s)]
    assert offending == []


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext is not installed")
def test_msgfmt_accepts_the_catalogue(tmp_path):
    completed = subprocess.run(
        ["msgfmt", "--check-format", "--check-header", "--check-domain", "-o",
         str(tmp_path / "django.mo"), str(PO_FILE)],
        capture_output=True, text=True, check=False)
    assert completed.returncode == 0, completed.stderr


# ----------------------------------------------------------------------- behaviour
def test_check_messages_are_rendered_in_the_active_language(seed_study):
    from footprint.services.calculation.checks import CLAIMED_MISMATCH
    from footprint.services.results import study_results

    result = study_results(seed_study)
    check = next(c for c in result.all_checks if c.code == CLAIMED_MISMATCH)
    with translation.override("en"):
        english = check.message
    with translation.override("zh-hans"):
        chinese = check.message
    assert "claimed" in english and "recomputed" in english and "emission factor" in english
    assert not CJK.search(english), english
    assert "声明值" in chinese


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def _blocks(html: str, tag: str) -> list[str]:
    return [_text(b) for b in re.findall(rf"<{tag}\b[^>]*>(.*?)</{tag}>", html, flags=re.S)]


def test_the_language_switch_turns_the_dashboard_english(client, demo_users):
    client.force_login(demo_users["auditor"])
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert _blocks(html, "thead") == [
        "Report number Report title Company Products Carbon footprint kgCO₂e/functional unit "
        "Checks Status Last modified"]
    assert "Carbon footprint reports" in _blocks(html, "h1")
    navigation = _blocks(html, "nav")[0]  # the main navigation: no user data in it
    assert "Reports" in navigation and "Companies" in navigation and "Factor library" in navigation
    for chrome in (*_blocks(html, "thead"), *_blocks(html, "h1"), *_blocks(html, "label")):
        assert not CJK.search(chrome), chrome


def test_the_results_page_is_english_outside_user_data(client, demo_users, seed_study):
    client.force_login(demo_users["auditor"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("study_results", args=[seed_study.report_number])).content.decode()
    headers = _blocks(html, "thead")
    assert headers[0] == "Stage kgCO₂e/1 台 Share Activity"  # "1 台": the study's functional unit
    assert "Activity Stage Claimed Recomputed Deviation Factor used" in headers[1]
    for header in headers:
        assert not CJK.search(header.replace("1 台", "")), header
    assert {"By life cycle stage", "Checks", "Claimed and recomputed values",
            "Activity data and results"} <= set(_blocks(html, "h3"))
    assert "Raw material acquisition" in html and "End-of-life" in html
    assert "would have to be" in html  # the claimed-value check, rendered in English


def test_workflow_e_mails_follow_the_report_language(seed_study, demo_users,
                                                     django_capture_on_commit_callbacks):
    from footprint.services.workflow import transitions

    seed_study.language = "en"
    seed_study.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        transitions.study_send_for_review(study=seed_study, user=demo_users["auditor"])
    message = mail.outbox[-1]
    assert message.subject == "[Carbon footprint] 202508175GHG: In company review"
    assert "Status: Draft → In company review" in message.body
    assert "Company: " in message.body and "View: " in message.body


def test_every_translatable_string_of_the_code_is_in_the_catalogue(tmp_path):
    """makemessages over a copy of the code finds no msgid the committed catalogue lacks:
    a string marked for translation but never translated would show in Chinese in English."""
    if shutil.which("xgettext") is None:
        pytest.fail("GNU gettext is missing: scripts/setup.sh installs it")
    root = Path(settings.BASE_DIR)
    copy = tmp_path / "project"
    for name in ("footprint", "templates", "config"):
        shutil.copytree(root / name, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(root / "manage.py", copy / "manage.py")
    (copy / "locale" / "en" / "LC_MESSAGES").mkdir(parents=True)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "en", "-v0"],
        cwd=copy, check=True, env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"},
    )
    extracted = {(e.msgctxt, e.msgid) for e in parse_po(copy / "locale/en/LC_MESSAGES/django.po")}
    known = {(e.msgctxt, e.msgid) for e in parse_po(PO_FILE)}
    missing = sorted(extracted - known, key=str)
    assert not missing, f"run makemessages and translate: {missing[:10]}"
