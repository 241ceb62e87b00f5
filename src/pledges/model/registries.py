"""Registries: units (built in, extended by a ledger's units.yaml), tags, jurisdictions."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any


@dataclass(frozen=True)
class Unit:
    """A unit of measure; units of one dimension convert through their factors.

    `aliases` are other spellings that name the unit (traditional characters, symbols,
    counters). An ordinal unit has `levels`: labels in their order, a value is one of
    them (or its 1-based rank), and values compare by rank.
    """

    id: str
    name: str
    name_en: str
    dimension: str
    factor: float
    aliases: tuple[str, ...] = ()
    levels: tuple[str, ...] = ()

    @property
    def ordinal(self) -> bool:
        return bool(self.levels)

    def rank(self, value: object) -> int | None:
        """The 1-based rank of a level written as its label or as its rank; None if none."""
        if isinstance(value, bool):
            return None
        if isinstance(value, int | float):
            whole = int(value) if float(value).is_integer() else 0
            return whole if 1 <= whole <= len(self.levels) else None
        if not isinstance(value, str):
            return None
        wanted = level_key(value)
        for index, level in enumerate(self.levels, start=1):
            if level_key(level) == wanted:
                return index
        return None

    def label(self, rank: float) -> str | None:
        """The label of a rank, or None when the rank is not one of the levels."""
        whole = int(rank) if float(rank).is_integer() else 0
        return self.levels[whole - 1] if 1 <= whole <= len(self.levels) else None


def level_key(text: str) -> str:
    """How level labels compare: Unicode compatibility forms (Ⅲ is III), any case."""
    return unicodedata.normalize("NFKC", text).strip().casefold()


def _u(
    uid: str,
    name: str,
    name_en: str,
    dimension: str,
    factor: float = 1.0,
    aliases: str = "",
    levels: str = "",
) -> Unit:
    return Unit(
        uid, name, name_en, dimension, factor, tuple(aliases.split()), tuple(levels.split())
    )


_UNITS = [
    _u("percent", "%", "percent", "percent", aliases="% ％ 百分比"),
    _u(
        "percentage-points",
        "个百分点",
        "percentage points",
        "percentage-points",
        1.0,
        "个百分点 個百分點 百分点 百分點 pp",
    ),
    _u("CNY", "元", "yuan", "money-cny", aliases="元 RMB"),
    _u("万元", "万元", "10,000 yuan", "money-cny", 1e4, "萬元"),
    _u("亿元", "亿元", "100 million yuan", "money-cny", 1e8, "億元 亿 億"),
    _u("USD", "美元", "US dollars", "money-usd", aliases="美元"),
    _u("万美元", "万美元", "10,000 US dollars", "money-usd", 1e4, "萬美元"),
    _u("亿美元", "亿美元", "100 million US dollars", "money-usd", 1e8, "億美元"),
    _u("元/人", "元/人", "yuan per person", "money-cny-per-person"),
    _u("万元/人", "万元/人", "10,000 yuan per person", "money-cny-per-person", 1e4, "萬元/人"),
    _u("persons", "人", "persons", "persons", aliases="人 名 位"),
    _u("万人", "万人", "10,000 persons", "persons", 1e4, "萬人"),
    _u("person-times", "人次", "person-times", "person-times", aliases="人次"),
    _u("万人次", "万人次", "10,000 person-times", "person-times", 1e4, "萬人次"),
    _u(
        "count",
        "个",
        "count",
        "count",
        aliases="个 個 项 項 家 所 座 条 條 处 處 张 張 套 台 辆 輛",
    ),
    _u("万个", "万个", "10,000 (count)", "count", 1e4, "萬個"),
    _u("households", "户", "households", "households", aliases="户 戶"),
    _u("kW", "千瓦", "kilowatts", "power", 1e-3, "千瓦"),
    _u("MW", "兆瓦", "megawatts", "power", aliases="兆瓦"),
    _u("GW", "吉瓦", "gigawatts", "power", 1e3, "吉瓦 百万千瓦 百萬千瓦"),
    _u("万千瓦", "万千瓦", "10,000 kilowatts", "power", 10.0, "萬千瓦"),
    _u("kWh", "千瓦时", "kilowatt-hours", "energy-electric", aliases="千瓦时 千瓦時 度"),
    _u(
        "万千瓦时",
        "万千瓦时",
        "10,000 kilowatt-hours",
        "energy-electric",
        1e4,
        "萬千瓦時 万度 萬度",
    ),
    _u(
        "亿千瓦时",
        "亿千瓦时",
        "100 million kilowatt-hours",
        "energy-electric",
        1e8,
        "億千瓦時 亿度 億度",
    ),
    _u("m2", "平方米", "square metres", "area", aliases="平方米 m² ㎡"),
    _u("万平方米", "万平方米", "10,000 square metres", "area", 1e4, "萬平方米"),
    _u("km2", "平方公里", "square kilometres", "area", 1e6, "平方公里 平方千米 km² ㎢"),
    _u("亩", "亩", "mu", "area", 10000.0 / 15.0, "畝"),
    _u("万亩", "万亩", "10,000 mu", "area", 1e8 / 15.0, "萬畝"),
    _u("hectares", "公顷", "hectares", "area", 1e4, "公顷 公頃 ha"),
    _u("km", "公里", "kilometres", "length", 1e3, "公里 千米"),
    _u("m", "米", "metres", "length", aliases="米"),
    _u("t", "吨", "tonnes", "mass", aliases="吨 噸"),
    _u("万吨", "万吨", "10,000 tonnes", "mass", 1e4, "萬噸"),
    _u(
        "tce", "吨标煤", "tonnes of coal equivalent", "energy-tce", aliases="吨标煤 噸標煤 吨标准煤"
    ),
    _u(
        "万吨标煤",
        "万吨标煤",
        "10,000 tonnes of coal equivalent",
        "energy-tce",
        1e4,
        "萬噸標煤 万吨标准煤 萬噸標準煤",
    ),
    _u("m3", "立方米", "cubic metres", "volume", aliases="立方米 m³"),
    _u("万立方米", "万立方米", "10,000 cubic metres", "volume", 1e4, "萬立方米"),
    _u("斤", "斤", "jin (500 g)", "mass-grain"),
    _u("亿斤", "亿斤", "100 million jin", "mass-grain", 1e8, "億斤"),
    _u("years", "年", "years", "time-years", aliases="年"),
    _u("days", "天", "days", "time-days", aliases="天 日"),
    _u("index", "指数", "index points", "index", aliases="指数 指數"),
    _u("rank", "位次", "rank position", "rank", aliases="位次 名次"),
    _u(
        "µg/m³",
        "微克/立方米",
        "micrograms per cubic metre",
        "concentration",
        1.0,
        "μg/m³ μg/m3 µg/m3 ug/m3 微克/立方米",
    ),
    _u(
        "per-1000-people",
        "每千人口",
        "per 1,000 people",
        "per-population",
        1e-3,
        "每千人口 每千人 个/千人 個/千人 张/千人 張/千人 人/千人",
    ),
    _u(
        "per-10000-people",
        "每万人口",
        "per 10,000 people",
        "per-population",
        1e-4,
        "每万人口 每萬人口 每万人 每萬人 个/万人 個/萬人 件/万人 件/萬人 人/万人 人/萬人",
    ),
    _u(
        "water-class",
        "水质类别",
        "surface water quality class (I best, 劣V worst)",
        "water-class",
        levels="I II III IV V 劣V",
        aliases="水质类别 水質類別",
    ),
    _u(
        "stars",
        "星级",
        "star rating (1 to 5 stars)",
        "stars",
        levels="1 2 3 4 5",
        aliases="星级 星級 星",
    ),
]

# Every unit by its id and by each of its aliases.
BUILTIN_UNITS: dict[str, Unit] = {
    name: unit for unit in _UNITS for name in (unit.id, *unit.aliases)
}


def unit_ids(units: Mapping[str, Unit]) -> list[Unit]:
    """Each unit of a registry once (a registry also holds every unit under its aliases)."""
    return [unit for name, unit in units.items() if name == unit.id]


@cache
def fold(text: str) -> str:
    """A spelling-insensitive key: compatibility forms, traditional to simplified, case."""
    converted: str = _converter().convert(unicodedata.normalize("NFKC", text))
    return converted.casefold()


@cache
def _converter() -> Any:
    import opencc

    return opencc.OpenCC("t2s")


def suggest_unit(name: str, units: Mapping[str, Unit]) -> str | None:
    """The unit id nearest to an unknown unit, across simplified and traditional forms."""
    import difflib

    folded: dict[str, str] = {}
    for key, unit in units.items():
        folded.setdefault(fold(key), unit.id)
    wanted = fold(name)
    if wanted in folded:
        return folded[wanted]
    close = difflib.get_close_matches(wanted, list(folded), n=1, cutoff=0.6)
    return folded[close[0]] if close else None


PERCENT_UNITS = frozenset({"percent", "percentage-points"})

TAGS: tuple[str, ...] = (
    "economy",
    "fiscal",
    "investment",
    "consumption",
    "trade",
    "industry",
    "digital",
    "innovation",
    "talent",
    "energy",
    "environment",
    "water",
    "land",
    "agriculture",
    "urban",
    "housing",
    "transport",
    "education",
    "health",
    "elderly-care",
    "childcare",
    "employment",
    "income",
    "social-security",
    "culture",
    "sports",
    "tourism",
    "governance",
    "safety",
)


@dataclass(frozen=True)
class Jurisdiction:
    id: str
    name: str
    name_en: str
    level: str
    code: str | None

    @property
    def parent(self) -> str | None:
        head, sep, _ = self.id.rpartition("/")
        return head if sep else None


def within(jurisdiction: str, ancestor: str) -> bool:
    """True when `jurisdiction` is `ancestor` or one of its descendants."""
    return jurisdiction == ancestor or jurisdiction.startswith(ancestor.rstrip("/") + "/")


def convert(value: float, source: Unit, target: Unit) -> float | None:
    """Convert between units of one dimension; None when the dimensions differ."""
    if source.dimension != target.dimension:
        return None
    return value * source.factor / target.factor
