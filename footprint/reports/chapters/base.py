"""What every chapter of the report reads: the study's facts and results (`Report`), the
section and caption numbering (`Outline`), and the labels of stages, choices and gases.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from ...choices import Gas, Stage
from ...services import formatting as F
from ...services.calculation.study import ProductResult
from ...services.facts.model import FactorFacts
from ..facts import Narrative, ReportInputs


def stage_label(stage: str) -> str:
    try:
        return str(Stage(stage).label)
    except ValueError:
        return stage


def choice_label(enum, value: str) -> str:
    try:
        return str(enum(value).label)
    except ValueError:
        return value


def gas_label(gas: str) -> str:
    return choice_label(Gas, gas)


def is_zh(language: str) -> bool:
    return language.startswith("zh")


class Outline:
    """Section and caption numbering, assigned here so that templates only print them."""

    def __init__(self, language: str):
        self.language = language
        self.toc: list[dict] = []
        self.sections: dict[str, dict] = {}
        self._tables: dict[str, int] = {}
        self._figures: dict[str, int] = {}

    def section(self, key: str, number: str, title: str, *, level: int = 1, toc: bool = True) -> dict:
        label = f"{number} {title}" if number else title
        entry = {"id": f"sec-{key}", "number": number, "title": title, "label": label, "level": level}
        self.sections[key] = entry
        if toc:
            self.toc.append(entry)
        return entry

    def _caption(self, word: str, counters: dict[str, int], chapter: str, title: str, prefix: str) -> dict:
        counters[chapter] = counters.get(chapter, 0) + 1
        number = f"{chapter}-{counters[chapter]}"
        separator = "　" if is_zh(self.language) else "  "
        return {"id": f"{prefix}-{number}", "number": f"{word} {number}",
                "caption": f"{word} {number}{separator}{title}"}

    def table(self, chapter: str, title: str) -> dict:
        return self._caption(_("表"), self._tables, chapter, title, "tab")

    def figure(self, chapter: str, title: str) -> dict:
        return self._caption(_("图"), self._figures, chapter, title, "fig")


class Report:
    """One report being built: its inputs, the outline so far, and lookups every chapter uses."""

    def __init__(self, inputs: ReportInputs):
        self.i = inputs
        self.language = inputs.language
        self.zh = is_zh(inputs.language)
        self.outline = Outline(inputs.language)
        self.products = {p.code: p for p in inputs.products}
        self.results = {p.code: p for p in inputs.result.products}
        self.activity_facts = {
            a.record_id: a for p in inputs.products for a in p.activities if a.record_id is not None
        }

    def factor(self, key: str) -> FactorFacts | None:
        return self.i.factors.get(key)

    def factor_name(self, factor: FactorFacts) -> str:
        return factor.name_en if (not self.zh and factor.name_en) else factor.name_zh

    def fu(self, product: ProductResult) -> str:
        return f"kgCO₂e/{product.functional_unit}"

    @property
    def declared_unit(self) -> bool:
        """A partial CFP (boundary at the gate, or a stage left out) is expressed per declared
        unit rather than per functional unit (ISO 14067:2018 6.3.3); see partial_cfp.py."""
        from .. import partial_cfp

        return partial_cfp.is_partial(self.i)

    def partial_cfp_sentence(self) -> str:
        """Said in the summary when the result is a partial CFP: the boundary stops at the gate,
        or an energy-using product's use stage is left out (`use_stage_excluded`)."""
        if not self.declared_unit:
            return ""
        return _("因此，本报告的结果是部分碳足迹（ISO 14067:2018，3.1.1.2），不是完整生命周期的产品碳足迹。")

    def date(self, value) -> str:
        return F.date(value, self.language)

    def narrative(self, key: str) -> dict:
        n = self.i.narratives.get(key) or Narrative("", True)
        return {"paragraphs": F.paragraphs(n.text), "is_default": n.is_default}

    def product_label(self, code: str) -> str:
        p = self.products.get(code)
        return p.name if p else code

    def stage_is_excluded(self, product_code: str, stage: str) -> bool:
        """A stage of a product without activity data."""
        result = self.results.get(product_code)
        sr = result.stage(stage) if result else None
        return bool(sr is not None and sr.not_included)

    def used_factor_keys(self) -> list[str]:
        """The factors the activities use, in the order they are first used."""
        keys: list[str] = []
        for p in self.i.calculation_input.products:
            for a in p.activities:
                if a.factor_key not in keys:
                    keys.append(a.factor_key)
        return keys
