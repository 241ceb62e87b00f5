"""Figures in Chinese text: a number (Arabic or Chinese numerals), an optional 万/亿
multiplier and a unit word, resolved to a unit of the registry."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from pledges.model.registries import BUILTIN_UNITS, Unit

CN_DIGITS = "零〇一二两三四五六七八九十百千"
NUMBER = rf"(?:[0-9]+(?:\.[0-9]+)?|[{CN_DIGITS}]+(?:点[零〇一二三四五六七八九]+)?)"

# Unit words (simplified), longest first when matched, to a registry unit id.
UNIT_WORDS: dict[str, str] = {
    "个百分点": "percentage-points",
    "百分点": "percentage-points",
    "%": "percent",
    "％": "percent",
    "亿千瓦时": "亿千瓦时",
    "万千瓦时": "万千瓦时",
    "千瓦时": "kWh",
    "度": "kWh",
    "万千瓦": "万千瓦",
    "千瓦": "kW",
    "兆瓦": "MW",
    "MW": "MW",
    "吉瓦": "GW",
    "美元": "USD",
    "元": "CNY",
    "人次": "person-times",
    "人": "persons",
    "名": "persons",
    "户": "households",
    "平方公里": "km2",
    "平方米": "m2",
    "平方": "m2",
    "㎡": "m2",
    "方": "m2",
    "亩": "亩",
    "公顷": "hectares",
    "公里": "km",
    "千米": "km",
    "米": "m",
    "吨标煤": "tce",
    "吨标准煤": "tce",
    "吨": "t",
    "立方米": "m3",
    "斤": "斤",
    "倍": "ratio",
    "天": "days",
}
COUNT_WORDS = "个家项所座条处张套台辆次场批只支间床位种件部幢栋棵株口起例班园村镇片箱艘架"
for _word in COUNT_WORDS:
    UNIT_WORDS.setdefault(_word, "count")
# Only read as units where a measure word cannot be part of the next word.
_AMBIGUOUS = {"方": "案面向式法", "度": "假", "名": "单", "元": "素宇", "次": "要", "位": "置"}

_UNIT_ALTS = "|".join(re.escape(w) for w in sorted(UNIT_WORDS, key=len, reverse=True))
FIGURE = re.compile(
    rf"[〔\[]?(?P<num>{NUMBER})[〕\]]?(?:\s*(?:-|—|－|–|~|～|至|到)\s*(?P<num2>{NUMBER}))?"
    rf"\s*(?P<mult>万|亿)?\s*(?P<unit>{_UNIT_ALTS})?"
)
_MULTIPLIERS = {"万": 1e4, "亿": 1e8}
# Extra units a ledger may not register but the reader needs for a multiplier.
_EXTRA = {"ratio": Unit("ratio", "倍", "times", "ratio", 1.0)}


@dataclass(frozen=True)
class Figure:
    value: float | int
    unit: str  # a unit id of the registry
    start: int
    end: int
    high: float | int | None = None  # the upper end of a range "X-Y"


def cn_number(text: str) -> float | int | None:
    """An Arabic or Chinese numeral as a number (两千 → 2000, 三点五 → 3.5)."""
    if re.fullmatch(r"[0-9]+", text):
        return int(text)
    if re.fullmatch(r"[0-9]+\.[0-9]+", text):
        return float(text)
    import cn2an

    try:
        value = cn2an.cn2an(text.replace("〇", "零"), "smart")
    except (ValueError, KeyError, IndexError):
        return None
    if isinstance(value, float) and value.is_integer() and "点" not in text:
        return int(value)
    return value if isinstance(value, int | float) else None


def _scaled(unit_id: str, multiplier: float, units: dict[str, Unit]) -> tuple[str, float]:
    """The registry unit for 万/亿 × unit, or the base unit and the factor left over."""
    base = units.get(unit_id) or _EXTRA.get(unit_id)
    if base is None or multiplier == 1:
        return unit_id, 1.0
    for unit in units.values():
        if unit.dimension == base.dimension and math.isclose(
            unit.factor, base.factor * multiplier, rel_tol=1e-9
        ):
            return unit.id, 1.0
    return unit_id, multiplier


def _number(text: str) -> float | int | None:
    value = cn_number(text)
    if value is None or isinstance(value, bool):
        return None
    return value


def figures(text: str, offset: int = 0, units: dict[str, Unit] | None = None) -> list[Figure]:
    """Every figure with a unit in `text` (simplified characters)."""
    registry = units or BUILTIN_UNITS
    found: list[Figure] = []
    for match in FIGURE.finditer(text):
        unit_word = match.group("unit")
        if unit_word is None:
            continue
        after = text[match.end() : match.end() + 1]
        if unit_word in _AMBIGUOUS and after and after in _AMBIGUOUS[unit_word]:
            continue
        number = match.group("num")
        if number in ("十", "一") or (
            number in ("百", "千") and UNIT_WORDS[unit_word] != "count" and not match.group("mult")
        ):
            continue  # 一批, 十分: words, not figures
        # a year (2023年), a month or an ordinal is not a figure
        before = text[max(0, match.start() - 1) : match.start()]
        if before == "第" or (before.isdigit() or before == "."):
            continue
        value = _number(number)
        if value is None:
            continue
        high = _number(match.group("num2")) if match.group("num2") else None
        unit_id = UNIT_WORDS[unit_word]
        multiplier = _MULTIPLIERS.get(match.group("mult") or "", 1.0)
        unit_id, rest = _scaled(unit_id, multiplier, registry)
        if rest != 1.0:
            value = value * rest
            high = high * rest if high is not None else None
        found.append(
            Figure(_tidy(value), unit_id, offset + match.start(), offset + match.end(), high)
        )
    return found


def _tidy(value: float | int) -> float | int:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    return round(value, 10) if isinstance(value, float) else value
