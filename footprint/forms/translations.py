"""The English wording of a study's own text (/studies/<n>/english/)."""

from __future__ import annotations

import hashlib

from django import forms

from ..services.report_prose import translation as report_translation


def term_field_name(term: str) -> str:
    """A stable field name for a text as entered (any length, any characters)."""
    return "term_" + hashlib.sha1(term.encode("utf-8")).hexdigest()[:16]


class TranslationForm(forms.Form):
    """The English wording of a study: one field per passage (`text_<key>`) and one per
    short text the report prints (`term_<hash>`, labelled with the text as entered)."""

    def __init__(self, *args, terms: list[str], entry: dict, text_labels: dict[str, str],
                 suggestions: dict[str, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        texts, known = entry.get("texts") or {}, entry.get("terms") or {}
        # Texts this study has not translated yet start with another study's wording.
        self.suggested = {t: suggestions[t] for t in terms if t not in known and t in (suggestions or {})}
        for key in report_translation.TEXT_KEYS:
            widget = forms.TextInput() if key == "title" else forms.Textarea(attrs={"rows": 5})
            self.fields[f"text_{key}"] = forms.CharField(
                label=text_labels[key], required=False, initial=texts.get(key, ""), widget=widget,
                max_length=report_translation.MAX_TEXT_LENGTH)
        self.terms = terms
        for term in terms:
            self.fields[term_field_name(term)] = forms.CharField(
                label=term, required=False, initial=known.get(term) or self.suggested.get(term, ""),
                max_length=report_translation.MAX_TERM_LENGTH)

    def texts(self) -> dict[str, str]:
        return {key: self.cleaned_data.get(f"text_{key}") or "" for key in report_translation.TEXT_KEYS}

    def term_translations(self) -> dict[str, str]:
        return {term: self.cleaned_data.get(term_field_name(term)) or "" for term in self.terms}

    def term_rows(self):
        """(text as entered, its field, whether the field starts with a suggestion)"""
        return [(term, self[term_field_name(term)], term in self.suggested) for term in self.terms]
