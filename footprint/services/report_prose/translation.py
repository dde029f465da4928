"""The English wording of a study's own text, for the English report.

The interface and the report's fixed text are translated with gettext. What the auditor
typed — product and activity names, stage boundaries, the company's particulars, the
narrative sections — is data, written in the study's source language (Chinese). A study
keeps its English wording in `Study.translations`:

    {"en": {"texts": {"title": …, "company_overview": …, "purpose": …, …},
            "terms": {"低压成套开关设备": "Low-voltage switchgear", "1 台": "1 unit", …}}}

`texts` are the passages of the report by section key. `terms` translate every shorter text
wherever the report prints it, keyed by the text as entered: one translation serves every
row that repeats it, and it survives a re-import. Text without an English version is printed
as entered and listed (`translation_gaps`) so the auditor sees it before the report goes out.

Pure: plain data in, plain data out (labels in the active language).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from ...choices import NARRATIVE_SECTIONS
from ..calculation.study import StudyInput
from ..facts.model import PersonFacts, StudyFacts

SOURCE_LANGUAGE = "zh-hans"
TRANSLATION_LANGUAGES: tuple[str, ...] = ("en",)
# Passages of the report, in report order.
TEXT_KEYS: tuple[str, ...] = ("title", "company_overview", *NARRATIVE_SECTIONS)
MAX_TEXT_LENGTH = 20_000
MAX_TERM_LENGTH = 2_000

# Han ideographs, CJK punctuation and full-width forms: text with any of them is not yet
# readable in an English report.
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")


def passage_labels() -> dict[str, str]:
    """The passages' names (TEXT_KEYS) in the active language, as the model labels them."""
    return {
        "title": _("报告标题"), "company_overview": _("企业概况"), "purpose": _("评价目的"),
        "product_function": _("产品功能"), "process_flow": _("工艺流程"), "allocation": _("分配原则"),
        "cut_off": _("取舍准则"), "assumptions": _("假设和限制"), "data_quality": _("数据质量"),
        "uncertainty": _("不确定性"), "improvements": _("改进建议"),
    }


def passages_as_entered(facts: StudyFacts) -> dict[str, str]:
    """The passages of a study (its facts as entered) by key."""
    return {"title": facts.title, "company_overview": facts.company.overview,
            **{key: facts.texts[key] for key in NARRATIVE_SECTIONS}}


def needs_translation(text: str | None) -> bool:
    return bool(text) and bool(_CJK.search(text))


@dataclass(frozen=True)
class Translator:
    """Turns a study's own text into the report language (identity for the source language)."""

    language: str = SOURCE_LANGUAGE
    texts: Mapping[str, str] = field(default_factory=dict)
    terms: Mapping[str, str] = field(default_factory=dict)

    def term(self, text: str) -> str:
        if not text:
            return text
        return self.terms.get(text.strip(), text)

    def text(self, key: str, source: str) -> str:
        """The passage `key` in the report language; `source` (as entered) when it has none."""
        return self.texts.get(key) or source


def translator_for(translations: Mapping | None, language: str) -> Translator:
    if language == SOURCE_LANGUAGE or not translations:
        return Translator(language)
    entry = translations.get(language) or {}
    return Translator(language, dict(entry.get("texts") or {}), dict(entry.get("terms") or {}))


def normalise(texts: Mapping[str, str], terms: Mapping[str, str]) -> dict:
    """One language's entry as stored: stripped, empty ones dropped, texts in report order."""
    clean_texts = {key: texts[key].strip() for key in TEXT_KEYS if (texts.get(key) or "").strip()}
    clean_terms = {
        source.strip(): target.strip()
        for source, target in sorted(terms.items())
        if source.strip() and (target or "").strip()
    }
    entry: dict = {}
    if clean_texts:
        entry["texts"] = clean_texts
    if clean_terms:
        entry["terms"] = clean_terms
    return entry


def with_language(translations: Mapping | None, language: str, entry: dict) -> dict:
    """`translations` with one language's entry replaced (removed when empty)."""
    out = {k: v for k, v in (translations or {}).items() if k != language}
    if entry:
        out[language] = entry
    return dict(sorted(out.items()))


@dataclass(frozen=True)
class TranslationGaps:
    terms: tuple[str, ...]   # short texts without a translation, in report order
    texts: tuple[str, ...]   # keys of passages written in the source language only

    @property
    def count(self) -> int:
        return len(self.terms) + len(self.texts)


def translation_gaps(translator: Translator, *, terms: Iterable[str],
                     texts: Mapping[str, str]) -> TranslationGaps:
    """What the report would print untranslated: `terms` are the short texts the report
    prints, `texts` the passages as entered by key (empty: the report prints a default
    paragraph, which is written in the report language already)."""
    return TranslationGaps(
        terms=tuple(t for t in dict.fromkeys(terms)
                    if needs_translation(t) and needs_translation(translator.term(t))),
        texts=tuple(key for key in TEXT_KEYS
                    if needs_translation(texts.get(key)) and not translator.texts.get(key)),
    )


def translate_facts(facts: StudyFacts, tr: Translator) -> StudyFacts:
    """A study's facts with its own text in the report language, in one pass: the passages by
    key, every shorter text by term. Codes, numbers, units and dates stay as entered."""
    if not (tr.texts or tr.terms):
        return facts
    t = tr.term

    def person(p: PersonFacts) -> PersonFacts:
        return dataclasses.replace(p, name=t(p.name), organisation=t(p.organisation), role=t(p.role))

    c = facts.company
    return dataclasses.replace(
        facts,
        title=tr.text("title", facts.title),
        company=dataclasses.replace(
            c, name=t(c.name), address=t(c.address), legal_representative=t(c.legal_representative),
            contact_name=t(c.contact_name), overview=tr.text("company_overview", c.overview)),
        certification_body=t(facts.certification_body),
        texts={key: tr.text(key, text) for key, text in facts.texts.items()},
        products=tuple(
            dataclasses.replace(
                p, name=t(p.name), functional_unit=t(p.functional_unit), model=t(p.model),
                description=t(p.description),
                stages=tuple(dataclasses.replace(s, included=t(s.included), excluded=t(s.excluded),
                                                 exclusion_reason=t(s.exclusion_reason))
                             for s in p.stages),
                activities=tuple(dataclasses.replace(a, name=t(a.name), source=t(a.source))
                                 for a in p.activities),
            )
            for p in facts.products
        ),
        factors={key: dataclasses.replace(f, name_zh=t(f.name_zh), region=t(f.region), source=t(f.source))
                 for key, f in facts.factors.items()},
        team=tuple(person(m) for m in facts.team),
        auditors=tuple(person(a) for a in facts.auditors),
        lead_verifier=person(facts.lead_verifier) if facts.lead_verifier else None,
        claims=tuple(dataclasses.replace(c, place=t(c.place), unit=t(c.unit)) for c in facts.claims),
    )


def report_terms(facts: StudyFacts) -> list[str]:
    """Every short text of the study's own that its report prints, once each, in report order:
    what a report language needs a translation of. `facts` as entered (not translated)."""
    c = facts.company
    texts = [c.name, c.address, c.legal_representative, c.contact_name, facts.certification_body]
    for p in facts.products:
        texts += [p.name, p.model, p.functional_unit, p.description]
        for s in p.stages:
            texts += [s.included, s.excluded, s.exclusion_reason]
        for a in p.activities:
            texts += [a.name, a.source]
    for f in facts.factors.values():
        texts += [f.region, f.source] + ([] if f.name_en else [f.name_zh])
    for m in facts.team:
        texts += [m.name, m.organisation, m.role]
    for claim in facts.claims:
        texts += [claim.place, claim.unit]
    for person in (*facts.auditors, *((facts.lead_verifier,) if facts.lead_verifier else ())):
        texts += [person.name, person.organisation]
    return list(dict.fromkeys(t.strip() for t in texts if t and t.strip()))


def translate_calculation_input(study_input: StudyInput, tr: Translator) -> StudyInput:
    """The calculation's input with product and activity names (and functional units) in the
    report language: the results, tables and check messages built from it then name things
    in that language. Quantities, units and factors are untouched."""
    if not tr.terms:
        return study_input
    products = tuple(
        dataclasses.replace(
            p, name=tr.term(p.name), functional_unit=tr.term(p.functional_unit),
            activities=tuple(dataclasses.replace(a, name=tr.term(a.name)) for a in p.activities),
            stages=tuple(dataclasses.replace(s, exclusion_reason=tr.term(s.exclusion_reason))
                         for s in p.stages),
        )
        for p in study_input.products
    )
    # Where the source report prints a claim ("摘要", "表 5.2-2") and its printed unit
    # ("kgCO₂e/台") appear in the contradiction tables and messages.
    claims = tuple(
        dataclasses.replace(c, place=tr.term(c.place), unit=tr.term(c.unit), note=tr.term(c.note))
        for c in study_input.claims
    )
    return dataclasses.replace(study_input, products=products, claims=claims)
