"""The English wording of a study (`/studies/<n>/english/`): every passage and short text
of the study's own that the English report prints, beside the text as entered."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from ..access import get_study_for_edit
from ..forms.translations import TranslationForm
from ..selectors import translation_suggestions
from ..services.entry import studies as study_services
from ..services.facts.reading import study_facts
from ..services.freeze import StudyFrozenError, study_is_editable
from ..services.report_prose.translation import (
    TEXT_KEYS,
    needs_translation,
    passage_labels,
    passages_as_entered,
    report_terms,
    translation_gaps,
    translator_for,
)
from .studies import _refuse_if_frozen

LANGUAGE = "en"


@login_required
def study_translations(request, report_number):
    study = get_study_for_edit(request.user, report_number)
    facts = study_facts(study)
    sources = passages_as_entered(facts)
    # Only text an English reader could not read needs a translation (codes, numbers and
    # names already in Latin letters print as they are).
    terms = [t for t in report_terms(facts) if needs_translation(t)]
    entry = (study.translations or {}).get(LANGUAGE, {})
    form = TranslationForm(request.POST or None, terms=terms, entry=entry, text_labels=passage_labels(),
                           suggestions=translation_suggestions(study, LANGUAGE, request.user))
    if request.method == "POST" and not _refuse_if_frozen(request, study) and form.is_valid():
        try:
            study_services.study_translations_update(
                study=study, language=LANGUAGE, texts=form.texts(), terms=form.term_translations())
        except StudyFrozenError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("英文译文已保存。没有译文的文字在英文版报告中按原文印出。"))
            return redirect("study_translations", report_number=report_number)
    gaps = translation_gaps(translator_for(study.translations, LANGUAGE), terms=terms, texts=sources)
    passages = [{"key": key, "field": form[f"text_{key}"], "source": sources[key],
                 "missing": key in gaps.texts} for key in TEXT_KEYS]
    return render(request, "footprint/studies/translations.html", {
        "study": study, "form": form, "passages": passages,
        "term_rows": [{"source": source, "field": field, "missing": source in gaps.terms,
                       "suggested": suggested}
                      for source, field, suggested in form.term_rows()],
        "suggested_count": len(form.suggested),
        "gaps": gaps, "editable": study_is_editable(study), "may_edit": True,
    })
