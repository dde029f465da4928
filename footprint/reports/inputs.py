"""Read everything one report needs from the database, once, into plain facts.

A constant number of queries whatever the number of activities: the study's facts are read
once (`services/facts`), and the calculation's input is made from the same facts.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import segno
from django.utils import timezone

from ..choices import NARRATIVE_SECTIONS, StudyStatus
from ..models import Study
from ..selectors import gwp_tables, gwp_version_of, study_evidence
from ..services.calculation.study import calculate_study
from ..services.entry.images import study_image_names
from ..services.facts.reading import default_certification_body, study_facts
from ..services.report_prose.narrative import compose_narrative
from ..services.report_prose.translation import (
    SOURCE_LANGUAGE,
    translate_calculation_input,
    translate_facts,
    translator_for,
)
from ..services.results import study_calculation_input
from ..services.study_uncertainty import study_uncertainty
from ..services.workflow.completeness import study_completeness, translation_missing
from ..services.workflow.public_url import verification_url_is_local
from ..services.workflow.verification import verification_url
from .facts import EvidenceFacts, ImageFacts, Narrative, ReportInputs, TransitionFacts

LANGUAGES = ("zh-hans", "en")


def report_language(study: Study, language: str | None) -> str:
    """The requested language if it is one the report has, else the study's."""
    if language in LANGUAGES:
        return language
    return study.language if study.language in LANGUAGES else "zh-hans"


def load_report_inputs(study: Study, *, language: str | None = None, final: bool = False,
                       asset_urls: dict[str, str], image_url=None, issued_by: str = "") -> ReportInputs:
    """`asset_urls` maps asset names to URLs (the PDF's private scheme or /static/ for the
    browser); `image_url(name)` gives the URL of an uploaded study image. `issued_by` names
    the person issuing the study now (the issuing step, whose transition is recorded only
    after the signed file exists)."""
    language = report_language(study, language)
    # The study's own text in the report language (Study.translations; identity in Chinese).
    tr = translator_for(study.translations, language)
    as_entered = study_facts(study)  # the one read of the study: report, calculation, completeness
    calculation_input = translate_calculation_input(study_calculation_input(study, facts=as_entered), tr)
    result = calculate_study(calculation_input)
    facts = translate_facts(as_entered, tr)

    # Every set at its current edition (sensitivity, annex), the study's own set at the edition
    # it is pinned to: an issued study prints the values it was signed with.
    gwp_by_version, current_gwp = gwp_tables()
    gwp = {gwp_set: gwp_by_version.get(vid, {}) for gwp_set, vid in current_gwp.items()}
    gwp_version = gwp_version_of(study)
    if gwp_version is not None:
        gwp[study.gwp_set] = gwp_by_version.get(gwp_version.pk, {})

    narratives = {}
    for key in NARRATIVE_SECTIONS:
        text = facts.texts[key].strip()
        narratives[key] = (Narrative(text, False) if text else Narrative(
            compose_narrative(key, facts, result=result, language=language), True))

    transitions = tuple(
        TransitionFacts(t.to_status, t.created_at,
                        tr.term(t.user.get_full_name() or t.user.username) if t.user else "")
        for t in study.transitions.select_related("user").order_by("created_at", "id")
    )
    if final and issued_by and study.issued_at and not any(
            t.to_status == StudyStatus.ISSUED and t.at >= study.issued_at for t in transitions):
        transitions += (TransitionFacts(StudyStatus.ISSUED, study.issued_at, tr.term(issued_by)),)
    images = ()
    if image_url is not None:
        images = tuple(ImageFacts(image_url(name), name.rsplit(".", 1)[0])
                       for name in study_image_names(study.report_number))
    evidence = tuple(
        EvidenceFacts(e.original_name, e.kind, e.sha256, e.size,
                      product=e.activity.stage.study_product.product.code if e.activity else "",
                      stage=e.activity.stage.stage if e.activity else "",
                      activity=tr.term(e.activity.name) if e.activity else "")
        for e in study_evidence(study))
    qr_svg = ""
    url = ""
    if study.verification_code:
        url = verification_url(study.verification_code)
        qr_svg = segno.make(url, error="m").svg_inline(scale=1, border=2, omitsize=True)

    from django.utils import translation

    with translation.override(language):
        missing = list(study_completeness(study, result=result, facts=as_entered))
        if language != SOURCE_LANGUAGE and study.language == SOURCE_LANGUAGE:
            # study_completeness lists the gaps of the study's own report language only.
            gap = translation_missing(study, language, facts=as_entered)
            if gap is not None:
                missing.append(gap)

    return ReportInputs(
        study=dataclasses.replace(
            facts,
            certification_body=facts.certification_body or tr.term(default_certification_body(language)),
            gwp_version=gwp_version.version if gwp_version else 1,
            gwp_source=gwp_version.source if gwp_version else "",
        ),
        calculation_input=calculation_input,
        result=result,
        gwp_values=gwp,
        narratives=narratives,
        language=language,
        final=final,
        transitions=transitions,
        missing=() if final else tuple(missing),
        images=images,
        assets=asset_urls,
        verification_url=url,
        qr_svg=qr_svg,
        verification_url_local=bool(url) and verification_url_is_local(),
        generated_at=timezone.localtime() if not final else _issued_at(study),
        uncertainty=study_uncertainty(study, study_input=calculation_input, result=result,
                                      facts=as_entered),
        evidence=evidence,
    )


def _issued_at(study: Study) -> dt.datetime:
    if study.issued_at:
        return timezone.localtime(study.issued_at)
    return timezone.localtime()
