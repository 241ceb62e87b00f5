"""Registries: units (built in, extended by a ledger's units.yaml), tags, jurisdictions."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Unit:
    """A unit of measure; units of one dimension convert through their factors."""

    id: str
    name: str
    name_en: str
    dimension: str
    factor: float


def _u(uid: str, name: str, name_en: str, dimension: str, factor: float = 1.0) -> Unit:
    return Unit(uid, name, name_en, dimension, factor)


BUILTIN_UNITS: dict[str, Unit] = {
    u.id: u
    for u in [
        _u("percent", "%", "percent", "percent"),
        _u("percentage-points", "个百分点", "percentage points", "percentage-points"),
        _u("CNY", "元", "yuan", "money-cny"),
        _u("万元", "万元", "10,000 yuan", "money-cny", 1e4),
        _u("亿元", "亿元", "100 million yuan", "money-cny", 1e8),
        _u("USD", "美元", "US dollars", "money-usd"),
        _u("万美元", "万美元", "10,000 US dollars", "money-usd", 1e4),
        _u("亿美元", "亿美元", "100 million US dollars", "money-usd", 1e8),
        _u("元/人", "元/人", "yuan per person", "money-cny-per-person"),
        _u("万元/人", "万元/人", "10,000 yuan per person", "money-cny-per-person", 1e4),
        _u("persons", "人", "persons", "persons"),
        _u("万人", "万人", "10,000 persons", "persons", 1e4),
        _u("person-times", "人次", "person-times", "person-times"),
        _u("万人次", "万人次", "10,000 person-times", "person-times", 1e4),
        _u("count", "个", "count", "count"),
        _u("万个", "万个", "10,000 (count)", "count", 1e4),
        _u("households", "户", "households", "households"),
        _u("kW", "千瓦", "kilowatts", "power", 1e-3),
        _u("MW", "兆瓦", "megawatts", "power"),
        _u("GW", "吉瓦", "gigawatts", "power", 1e3),
        _u("万千瓦", "万千瓦", "10,000 kilowatts", "power", 10.0),
        _u("kWh", "千瓦时", "kilowatt-hours", "energy-electric"),
        _u("万千瓦时", "万千瓦时", "10,000 kilowatt-hours", "energy-electric", 1e4),
        _u("亿千瓦时", "亿千瓦时", "100 million kilowatt-hours", "energy-electric", 1e8),
        _u("m2", "平方米", "square metres", "area"),
        _u("万平方米", "万平方米", "10,000 square metres", "area", 1e4),
        _u("km2", "平方公里", "square kilometres", "area", 1e6),
        _u("亩", "亩", "mu", "area", 10000.0 / 15.0),
        _u("万亩", "万亩", "10,000 mu", "area", 1e8 / 15.0),
        _u("hectares", "公顷", "hectares", "area", 1e4),
        _u("km", "公里", "kilometres", "length", 1e3),
        _u("m", "米", "metres", "length"),
        _u("t", "吨", "tonnes", "mass"),
        _u("万吨", "万吨", "10,000 tonnes", "mass", 1e4),
        _u("tce", "吨标煤", "tonnes of coal equivalent", "energy-tce"),
        _u("万吨标煤", "万吨标煤", "10,000 tonnes of coal equivalent", "energy-tce", 1e4),
        _u("m3", "立方米", "cubic metres", "volume"),
        _u("万立方米", "万立方米", "10,000 cubic metres", "volume", 1e4),
        _u("斤", "斤", "jin (500 g)", "mass-grain"),
        _u("亿斤", "亿斤", "100 million jin", "mass-grain", 1e8),
        _u("years", "年", "years", "time-years"),
        _u("days", "天", "days", "time-days"),
        _u("index", "指数", "index points", "index"),
        _u("rank", "位次", "rank position", "rank"),
    ]
}

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
