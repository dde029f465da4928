"""The notes of the shipped reference factors, in the user's language.

The starter library's notes are stored as its CSV files give them (English: a factor version's
data never changes). Pages print them through `note_text`, which gives the known ones in the
current language; notes people typed are printed as entered."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

_KNOWN = {
    "location-based": _("基于位置的方法"),
    "residual mix for market-based accounting": _("剩余电力组合，用于基于市场的方法"),
    "the factor the seed report states": _("示例报告中所述的因子"),
    ("CO2 factor = NCV x carbon content x oxidation x 44/12 = 3.1451 kg CO2/kg; 20.20 x 0.98 x 44/12 "
     "= 72.59 kg CO2/GJ, which the seed report prints rounded as 0.0726 (t CO2/GJ) while its "
     "quantities are kg of diesel; these values reproduce the seed's transport rows exactly"): _(
        "CO₂ 排放因子 = 低位发热量 × 单位热值含碳量 × 碳氧化率 × 44/12 = 3.1451 kg CO₂/kg；"
        "20.20 × 0.98 × 44/12 = 72.59 kg CO₂/GJ，示例报告将其四舍五入印为 0.0726（t CO₂/GJ），"
        "而其活动数据是柴油的千克数；这些数值能准确复现示例报告的运输行。"),
}


def note_text(note: str) -> str:
    """A factor's note in the current language when it is one of the shipped ones."""
    known = _KNOWN.get((note or "").strip())
    return str(known) if known is not None else note
