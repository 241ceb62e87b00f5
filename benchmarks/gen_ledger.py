"""Generate a large synthetic ledger in the real format, for benchmarks.

    python benchmarks/gen_ledger.py OUT N [--files F] [--seed S] [--seeds DIR|none]

Writes OUT/jurisdictions.yaml and N pledges spread over F ledger files under OUT/cn/,
and for each file's source an archived text under OUT/sources/ holding every quote that
cites it, one a line, so that lint verifies every quote as it does in a real ledger.
The same arguments (and the same seed texts) give byte-identical output: every choice
comes from one random.Random(seed), and nothing depends on hash order or the clock.
The ledger is meant to lint clean, so the values are plausible but every rule that
compares things (ids, references, periods, stretch direction, units) is respected.
The metrics it draws from are listed in metrics.yaml beside this script.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
import re
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SEEDS = ROOT.parent / "shared" / "seeds"
METRICS = Path(__file__).resolve().parent / "metrics.yaml"
# quotes that name an amount per period (新增 added, 新建 newly built, 新引进 newly
# attracted): such metrics are flows (ledger format v2, `kind: flow`)
FLOW_WORDS = re.compile(r"新增|新建|新引进")

try:
    from pledges.model.registries import BUILTIN_UNITS, TAGS
except ImportError:  # run with a Python that lacks the package: the registry is stdlib-only
    sys.path.insert(0, str(ROOT / "src"))
    from pledges.model.registries import BUILTIN_UNITS, TAGS


@dataclass(frozen=True)
class MetricSpec:
    slug: str
    name_en: str
    zh: str
    unit: str
    family: str  # growth | up | down | change
    tags: tuple[str, ...]
    low: float
    high: float
    decimals: int
    alt_units: tuple[str, ...] = ()
    kind: str = "level"
    summable: bool = False


FAMILIES = ("growth", "up", "down", "change")

# field: the YAML types it accepts; alt_units and summable may be left out
_SPEC_FIELDS: dict[str, tuple[type, ...]] = {
    "slug": (str,),
    "name_en": (str,),
    "zh": (str,),
    "unit": (str,),
    "family": (str,),
    "tags": (list,),
    "low": (int, float),
    "high": (int, float),
    "decimals": (int,),
    "alt_units": (list,),
    "summable": (bool,),
}
_OPTIONAL_FIELDS = frozenset({"alt_units", "summable"})


def load_catalog(path: Path) -> tuple[MetricSpec, ...]:
    """The metric specs listed under `metrics` in the YAML file at path."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    entries = data.get("metrics") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not entries:
        raise ValueError(f"{path}: expected a mapping with a non-empty list under 'metrics'")
    return tuple(_metric_spec(entry, f"{path}: metrics[{i}]") for i, entry in enumerate(entries))


def _metric_spec(entry: object, where: str) -> MetricSpec:
    if not isinstance(entry, dict):
        raise ValueError(f"{where}: expected a mapping, not {type(entry).__name__}")
    if isinstance(entry.get("slug"), str):
        where += f" ({entry['slug']})"
    missing = set(_SPEC_FIELDS) - _OPTIONAL_FIELDS - set(entry)
    unknown = set(entry) - set(_SPEC_FIELDS)
    if missing or unknown:
        problems = [f"missing {', '.join(sorted(missing))}"] if missing else []
        problems += [f"unknown {', '.join(sorted(map(str, unknown)))}"] if unknown else []
        raise ValueError(f"{where}: {'; '.join(problems)}")
    for field, value in entry.items():
        types = _SPEC_FIELDS[field]
        if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
            wanted = " or ".join(t.__name__ for t in types)
            raise ValueError(f"{where}: {field} must be {wanted}, not {value!r}")
        if isinstance(value, list) and not all(isinstance(item, str) for item in value):
            raise ValueError(f"{where}: {field} must be a list of strings, not {value!r}")
    family = entry["family"]
    if family not in FAMILIES:
        raise ValueError(f"{where}: family must be one of {', '.join(FAMILIES)}, not {family!r}")
    return MetricSpec(
        entry["slug"],
        entry["name_en"],
        entry["zh"],
        entry["unit"],
        family,
        tuple(entry["tags"]),
        entry["low"],
        entry["high"],
        entry["decimals"],
        tuple(entry.get("alt_units", ())),
        "rate" if family == "growth" else "level",
        entry.get("summable", False),
    )


CATALOG: tuple[MetricSpec, ...] = load_catalog(METRICS)

QUALITATIVE: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    (
        "power-facilities",
        "Put the new power tunnel and substations into service",
        "力争投用电力隧道和变电站",
        ("energy", "urban"),
    ),
    (
        "river-award",
        "Win the provincial award for water management again",
        "持续推进“污水零直排区”建设，力争再夺大禹鼎",
        ("water", "environment"),
    ),
    (
        "future-factory",
        "Build a provincial future factory",
        "打造省级未来工厂",
        ("industry", "digital"),
    ),
    (
        "metro-extension",
        "Start the metro extension works",
        "开工建设地铁延伸段",
        ("transport", "urban"),
    ),
    (
        "one-stop-service",
        "Make all administrative services available at one window",
        "深化“最多跑一次”改革，实现政务服务一窗通办",
        ("governance",),
    ),
    ("school-merger", "Set up new education groups", "组建新型教共体", ("education",)),
    (
        "flood-control",
        "Finish the flood-control embankment upgrade",
        "完成海塘安澜工程提标加固",
        ("water", "safety"),
    ),
    ("culture-centre", "Open the district culture centre", "建成投用区文化中心", ("culture",)),
    (
        "village-revival",
        "Create model villages of common prosperity",
        "创建共同富裕示范村",
        ("agriculture", "income"),
    ),
    (
        "elderly-canteens",
        "Cover every community with elderly canteens",
        "老年食堂社区全覆盖",
        ("elderly-care",),
    ),
)

PHRASES: tuple[str, ...] = (
    "坚持稳中求进工作总基调",
    "完整准确全面贯彻新发展理念",
    "加快构建新发展格局",
    "着力推动高质量发展",
    "深入实施创新驱动发展战略",
    "扎实推进共同富裕示范区建设",
    "持续优化营商环境",
    "统筹发展和安全",
    "全面推进乡村振兴",
    "加快建设现代化产业体系",
    "大力发展数字经济",
    "深化“放管服”改革",
    "推进城市有机更新",
    "深入打好污染防治攻坚战",
    "实施十方面民生实事",
    "加快补齐公共服务短板",
    "推动消费提质扩容",
    "扩大有效投资",
    "强化土地、资金、能耗等要素保障",
    "着力保障和改善民生",
    "守牢安全生产底线",
    "推进基本公共服务均等化",
    "深入实施人才强区战略",
    "加快打造创新策源地",
    "全年实现",
    "全面完成年度目标任务",
    "主要经济指标保持平稳较快增长",
    "经济运行呈现量增质升的良好态势",
    "重大项目建设提速增效",
    "招商引资取得新突破",
    "城乡融合发展水平不断提高",
    "生态环境质量持续改善",
)

PREFECTURES: tuple[tuple[str, str, str, str], ...] = (
    ("hangzhou", "杭州市", "Hangzhou", "330100"),
    ("ningbo", "宁波市", "Ningbo", "330200"),
    ("wenzhou", "温州市", "Wenzhou", "330300"),
    ("jiaxing", "嘉兴市", "Jiaxing", "330400"),
    ("huzhou", "湖州市", "Huzhou", "330500"),
    ("shaoxing", "绍兴市", "Shaoxing", "330600"),
    ("jinhua", "金华市", "Jinhua", "330700"),
    ("quzhou", "衢州市", "Quzhou", "330800"),
    ("zhoushan", "舟山市", "Zhoushan", "330900"),
    ("taizhou", "台州市", "Taizhou", "331000"),
    ("lishui", "丽水市", "Lishui", "331100"),
)

SYLLABLES: tuple[tuple[str, str], ...] = (
    ("江", "jiang"),
    ("山", "shan"),
    ("阳", "yang"),
    ("湖", "hu"),
    ("安", "an"),
    ("平", "ping"),
    ("清", "qing"),
    ("东", "dong"),
    ("西", "xi"),
    ("南", "nan"),
    ("北", "bei"),
    ("宁", "ning"),
    ("德", "de"),
    ("海", "hai"),
    ("临", "lin"),
    ("溪", "xi"),
    ("城", "cheng"),
    ("桥", "qiao"),
    ("华", "hua"),
    ("兴", "xing"),
    ("云", "yun"),
    ("龙", "long"),
    ("泉", "quan"),
    ("丰", "feng"),
    ("昌", "chang"),
    ("嘉", "jia"),
    ("永", "yong"),
    ("富", "fu"),
    ("明", "ming"),
    ("新", "xin"),
)

KINDS = ("work-report", "plan-report", "half-year-summary", "five-year-plan")

NOTES: tuple[str, ...] = (
    "The source gives the bare figure with no qualifier; read as a floor, the usual reading "
    "of an expected target.",
    "The figure is reported in the narrative rather than in the indicator table, so the "
    "narrative wording is quoted.",
    "The reported figure includes the cooperation zones (parks); the target does not say "
    "whether it does, so the comparison may not be strictly like-for-like.",
    "The deadline follows from the surrounding full-year (全年) measures; the sentence itself "
    "gives no date.",
    "The statistical basis changed during the period (新口径), so the baseline is kept only "
    "for reference.",
    "An expected (预期性) indicator; the plan table marks binding indicators separately.",
    "The source rounds the outcome; it is recorded as written.",
)

OBSERVATION_NOTES: tuple[str, ...] = (
    "Includes investment in the cooperation zones (parks) (含合作区(园)).",
    "Reported as about this figure (左右), not an exact figure.",
    "Preliminary figure; the statistical bulletin may revise it.",
    "Figure for January to May (1-5月), the latest the source gives.",
    "Computed at comparable prices, as the table note says.",
)

OPS_BY_FAMILY: dict[str, tuple[str, ...]] = {
    "growth": (">=", ">=", ">=", "stretch", "stretch", ">", "about", "between"),
    "up": (">=", ">=", ">=", ">=", ">", "stretch", "about", "about", "between", "set_by"),
    "down": ("<=", "<=", "<=", "<", "stretch", "between"),
    "change": ("<=", "<=", "set_by"),
}

# Every file starts with these, so even a small ledger has every kind of target.
FORCED_KINDS = (
    "anchor",
    "ref",
    "between",
    "about",
    "set_by",
    "sum",
    ">",
    "<=",
    "<",
    "qualitative",
    "withdrawn",
)

_RESOLVING = re.compile(
    r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?\.(inf|Inf|INF)"
    r"|\.(nan|NaN|NAN)|~|null|Null|NULL|true|True|TRUE|false|False|FALSE|[0-9]{4}-[0-9]{2}-[0-9]{2}.*"
    r"|y|Y|n|N|yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF"
)
_BAD_FIRST = frozenset("-?:,[]{}#&*!|>'\"%@` ")
_FRAGMENT = re.compile(r"[\u4e00-\u9fff0-9A-Za-z.%（）、“”《》·]{8,28}")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def scalar(text: str, *, flow: bool = False) -> str:
    """The text as a YAML scalar: plain when that reads back as the same string."""
    plain = (
        bool(text)
        and text[0] not in _BAD_FIRST
        and text == text.strip()
        and ": " not in text
        and " #" not in text
        and not text.endswith(":")
        and not (flow and any(c in text for c in ",[]{}"))
        and all(c >= " " and c not in "\x7f\x85\u2028\u2029\ufeff" for c in text)
        and _RESOLVING.fullmatch(text) is None
    )
    return text if plain else json.dumps(text, ensure_ascii=False)


def number(value: float, decimals: int) -> str:
    if decimals <= 0:
        return str(round(value))
    text = repr(round(value, decimals))
    return f"{value:.{decimals}f}" if "e" in text else text


def period(value: int | str) -> str:
    return str(value) if isinstance(value, int) else scalar(value)


def seed_fragments(folder: Path | None) -> list[str]:
    """Clauses of real source texts, in a stable order; the built-in phrases without them."""
    found: dict[str, None] = {}
    if folder is not None and folder.is_dir():
        for path in sorted(folder.glob("*.txt")):
            text = path.read_text(encoding="utf-8", errors="replace")
            for fragment in _FRAGMENT.findall(text):
                if len(_CJK.findall(fragment)) >= 6:
                    found.setdefault(fragment, None)
    return list(found) if len(found) >= 50 else list(PHRASES)


@dataclass(frozen=True)
class District:
    slug: str
    name: str
    name_en: str
    level: str
    code: str | None
    prefecture: tuple[str, str, str, str]

    @property
    def id(self) -> str:
        return f"cn/zhejiang/{self.prefecture[0]}/{self.slug}"

    @property
    def full_name(self) -> str:
        return f"{self.prefecture[1]}{self.name}"


@dataclass(frozen=True)
class FilePlan:
    district: District
    kind: str
    year: int
    source_id: str
    path: str


def make_districts(rng: random.Random, count: int) -> list[District]:
    pairs = [(a, b) for a in SYLLABLES for b in SYLLABLES if a[1] != b[1]]
    rng.shuffle(pairs)
    districts: list[District] = []
    seen: set[str] = set()
    per_prefecture: dict[str, int] = {}
    for index in range(count):
        first, second = pairs[index % len(pairs)]
        slug = first[1] + second[1]
        if slug in seen:
            slug = f"{slug}{index}"
        seen.add(slug)
        prefecture = PREFECTURES[index % len(PREFECTURES)]
        serial = per_prefecture.get(prefecture[0], 0) + 1
        per_prefecture[prefecture[0]] = serial
        county = rng.random() < 0.3
        suffix, suffix_en = ("县", "County") if county else ("区", "District")
        code = f"{prefecture[3][:4]}{serial:02d}" if serial < 100 else None
        districts.append(
            District(
                slug,
                first[0] + second[0] + suffix,
                f"{slug.capitalize()} {suffix_en}",
                "county" if county else "district",
                code,
                prefecture,
            )
        )
    return districts


def plan_files(rng: random.Random, files: int) -> list[FilePlan]:
    districts = make_districts(rng, max(1, math.ceil(files / 4)))
    combos = [(kind, year) for kind in KINDS[:3] for year in range(2017, 2026)]
    combos += [("five-year-plan", 2016), ("five-year-plan", 2021)]
    plans: list[FilePlan] = []
    per_district: dict[str, list[tuple[str, int]]] = {}
    for index in range(files):
        district = districts[index % len(districts)]
        if district.slug not in per_district:
            choices = list(combos)
            rng.shuffle(choices)
            per_district[district.slug] = choices
        queue = per_district[district.slug]
        kind, year = queue.pop() if queue else ("work-report", 2017 + index)
        stem = (
            f"{'13th' if year == 2016 else '14th'}-five-year-plan"
            if kind == "five-year-plan"
            else f"{year}-{kind}"
        )
        plans.append(
            FilePlan(
                district,
                kind,
                year,
                f"{district.slug}-{stem}",
                f"cn/zhejiang/{district.prefecture[0]}/{district.slug}/{stem}.yaml",
            )
        )
    return plans


SOURCE_TITLES = {
    "work-report": ("{name}{year}年政府工作报告", "{name_en} government work report {year}"),
    "plan-report": (
        "{name}{prev}年国民经济和社会发展计划执行情况与{year}年国民经济和社会发展计划草案",
        "{name_en} report on the execution of the {prev} plan and the draft {year} plan",
    ),
    "half-year-summary": (
        "{name}{year}年上半年工作总结和下半年工作思路",
        "{name_en} summary of work in the first half of {year}",
    ),
    "five-year-plan": (
        "{name}国民经济和社会发展第{ordinal}个五年规划纲要",
        "{name_en} {ordinal_en} Five-Year Plan for Economic and Social Development",
    ),
}


SHA_PLACEHOLDER = "<sha256 of the archive of "
ARCHIVE_HEADER = "Synthetic source text generated by benchmarks/gen_ledger.py; not a real source."


class FileWriter:
    """Writes one ledger file; `lines` collects its text."""

    def __init__(self, gen: Generator, plan: FilePlan, count: int) -> None:
        self.gen = gen
        self.rng = gen.rng
        self.plan = plan
        self.count = count
        self.lines: list[str] = []
        self.anchor_id: str | None = None
        if plan.kind == "five-year-plan":
            self.made: int | str = plan.year
            self.deadline_year = plan.year + 4
        elif plan.kind == "half-year-summary":
            self.made = f"{plan.year}-07"
            self.deadline_year = plan.year
        else:
            self.made = f"{plan.year}-0{self.rng.randint(1, 2)}"
            self.deadline_year = plan.year

    def quote(self, core: str, chance: float = 0.75) -> str:
        if self.rng.random() < chance:
            core = f"{self.rng.choice(self.gen.fragments)}，{core}"
            if self.rng.random() < 0.4:
                core = f"{self.rng.choice(self.gen.fragments)}，{core}"
        return core

    def own_quote(self, core: str) -> str:
        """A pledge's quote, which its file's source must hold."""
        text = self.quote(core)
        self.gen.quoted.setdefault(self.plan.source_id, []).append(text)
        return text

    def evidence_source(self) -> str:
        """Usually the file's own source; sometimes a later report of the same district."""
        siblings = self.gen.by_district[self.plan.district.slug]
        if len(siblings) > 1 and self.rng.random() < 0.25:
            return self.rng.choice(siblings)
        return self.plan.source_id

    def evidence(self, indent: str, core: str) -> None:
        items = 2 if self.rng.random() < 0.3 else 1
        self.lines.append(f"{indent}evidence:")
        for _ in range(items):
            text = self.quote(core, 0.7)
            quote = scalar(text)
            if self.rng.random() < 0.1:
                slug = self.plan.district.slug
                year = self.plan.year + self.rng.randint(0, 1)
                self.lines += [
                    f"{indent}  - url: https://www.{slug}.gov.cn/art/{year}"
                    f"/{self.rng.randint(1, 12)}/{self.rng.randint(1, 28)}"
                    f"/art_{self.rng.randint(1000, 99999)}.html",
                    f"{indent}    title: {scalar(self.plan.district.full_name + '统计公报')}",
                    f"{indent}    date: {year}-{self.rng.randint(1, 12):02d}",
                    f"{indent}    quote: {quote}",
                ]
            else:
                source = self.evidence_source()
                self.gen.quoted.setdefault(source, []).append(text)
                self.lines += [
                    f"{indent}  - source: {source}",
                    f"{indent}    quote: {quote}",
                ]

    def write(self) -> str:
        plan = self.plan
        district = plan.district
        names = {
            "name": district.full_name,
            "name_en": district.name_en,
            "year": plan.year,
            "prev": plan.year - 1,
            "ordinal": "十三" if plan.year == 2016 else "十四",
            "ordinal_en": "13th" if plan.year == 2016 else "14th",
        }
        title, title_en = (t.format(**names) for t in SOURCE_TITLES[plan.kind])
        depth = plan.path.count("/")
        self.lines += [
            f"# yaml-language-server: $schema={'../' * (depth + 1)}schema/ledger-file.schema.json",
            "# Synthetic benchmark data generated by benchmarks/gen_ledger.py; not a real source.",
            "format: 2",
            "source:",
            f"  id: {plan.source_id}",
            f"  title: {scalar(title)}",
            f"  title_en: {scalar(title_en)}",
            f"  publisher: {scalar(district.full_name + '人民政府')}",
            f"  jurisdiction: {district.id}",
            f"  date: {period(self.made)}",
            f"  url: https://www.{district.slug}.gov.cn/art/{plan.year}/{self.rng.randint(1, 3)}"
            f"/{self.rng.randint(1, 28)}/art_{self.rng.randint(1000, 99999)}.html",
            f"  archive: sources/{plan.source_id}.txt",
            f"  sha256: {SHA_PLACEHOLDER}{plan.source_id}",
            "  language: zh-Hans",
        ]
        if self.rng.random() < 0.5:
            self.note("  ", self.rng.choice(NOTES))
        self.lines += ["", "pledges:" if self.count else "pledges: []"]
        for index in range(self.count):
            if index % 8 == 0:
                self.section(index)
            kind = FORCED_KINDS[index] if index < len(FORCED_KINDS) else "random"
            self.pledge(kind)
        return "\n".join(self.lines) + "\n"

    def section(self, index: int) -> None:
        label = self.rng.choice(self.gen.fragments)
        self.lines += ["", "  # " + "-" * 75, f"  # {index // 8 + 1}: {label}", "  # " + "-" * 75]

    def note(self, indent: str, text: str) -> None:
        self.lines.append(f"{indent}note: >-")
        self.lines += [f"{indent}  {line}" for line in textwrap.wrap(text, 88 - len(indent))]

    def pledge_id(self, stem: str, slug: str) -> str:
        base = f"{self.plan.district.slug}/{stem}/{slug}"
        candidate, serial = base, 1
        while candidate in self.gen.pledge_ids:
            serial += 1
            candidate = f"{base}-{serial}"
        self.gen.pledge_ids.add(candidate)
        return candidate

    def pledge(self, kind: str) -> None:
        rng = self.rng
        if kind == "qualitative" or (kind == "random" and rng.random() < 0.08):
            self.qualitative()
            return
        spec = self.pick_metric(kind)
        op = self.pick_op(kind, spec)
        multi_year = self.plan.kind == "five-year-plan" or op == "sum"
        start_year = self.plan.year
        deadline_year = (
            self.deadline_year
            if self.plan.kind == "five-year-plan"
            else (start_year + 2 if op == "sum" else self.deadline_year)
        )
        made: int | str | None = None
        if self.plan.kind == "plan-report" and not multi_year and rng.random() < 0.3:
            # the report also records last year's targets with their outcomes
            start_year = deadline_year = self.plan.year - 1
            made = start_year
        elif self.plan.kind == "half-year-summary":
            made = start_year  # the year's targets, set at its start, reported at mid-year
        stem = (
            ("13th-fyp" if self.plan.year == 2016 else "14th-fyp")
            if self.plan.kind == "five-year-plan"
            else str(deadline_year)
        )
        pledge_id = self.pledge_id(stem, spec.slug)
        if kind == "anchor":
            self.anchor_id = pledge_id
        value = round(rng.uniform(spec.low, spec.high), spec.decimals)
        label = "%" if spec.unit == "percent" else BUILTIN_UNITS[spec.unit].name
        shown = number(value, spec.decimals)
        target, core, title = self.target(op, spec, value, label, shown, deadline_year)
        lines = self.lines
        lines += [
            "",
            f"  - id: {pledge_id}",
            f"    title: {scalar(title)}",
            f"    quote: {scalar(self.own_quote(core))}",
        ]
        if made is not None:
            lines.append(f"    made: {made}")
        if multi_year:
            lines.append(f"    start: {start_year}")
        lines.append(f"    deadline: {deadline_year}")
        if rng.random() < 0.03:
            lines.append(
                f"    jurisdiction: cn/zhejiang/{self.plan.district.prefecture[0]}"
                "   # a city-wide pledge restated in the district's report"
            )
        if spec.family == "change" or (multi_year and rng.random() < 0.3):
            lines.append("    binding: true")
        lines.append(f"    tags: [{', '.join(self.tags(spec))}]")
        lines.append(f"    metric: {self.metric(spec, op)}")
        if op != "sum" and spec.family != "change" and rng.random() < 0.5:
            self.baseline(spec, value, start_year, label)
        lines.append(f"    target: {target}")
        if op != "set_by":
            self.progress(spec, op, value, start_year, deadline_year, label)
        self.verdict(kind, op, start_year, deadline_year)
        self.related(spec.slug, pledge_id, deadline_year)
        if rng.random() < 0.45:
            self.note("    ", rng.choice(NOTES))

    def tags(self, spec: MetricSpec) -> list[str]:
        tags = list(spec.tags)
        if self.rng.random() < 0.2:
            extra = self.rng.choice(TAGS)
            if extra not in tags:
                tags.append(extra)
        return tags

    def verdict(self, kind: str, op: str, start_year: int, deadline_year: int) -> None:
        """Assessments only where the figures cannot contradict them (lint's PL250)."""
        if kind == "withdrawn":
            self.assessment("withdrawn", deadline_year)
        elif op == "set_by":
            if self.rng.random() < 0.8:
                self.assessment(
                    self.rng.choice(("achieved", "achieved", "missed", "partly")), deadline_year
                )
        elif self.rng.random() < 0.05:
            self.assessment(self.rng.choice(("on_track", "at_risk")), start_year)

    def pick_metric(self, kind: str) -> MetricSpec:
        rng = self.rng
        if kind == "anchor":
            return self.gen.growth_anchor
        if kind == "ref":
            return rng.choice(self.gen.in_step)
        wanted = {
            "sum": "sum",
            "between": "not-change",
            "about": "up",
            "set_by": "set_by",
            ">": "up",
            "<=": "down",
            "<": "down",
        }.get(kind)
        pool = self.gen.catalog
        if wanted == "sum":
            pool = tuple(s for s in pool if s.summable)
        elif wanted == "set_by":
            pool = tuple(s for s in pool if "set_by" in OPS_BY_FAMILY[s.family])
        elif wanted == "not-change":
            pool = tuple(s for s in pool if s.family != "change")
        elif wanted in {"up", "down"}:
            pool = tuple(s for s in pool if s.family == wanted)
        return rng.choice(pool)

    def pick_op(self, kind: str, spec: MetricSpec) -> str:
        if kind == "anchor":
            return "stretch"
        if kind in {"ref", "between", "about", "set_by", "sum", ">", "<=", "<"}:
            return kind
        if spec.summable and self.plan.kind == "five-year-plan" and self.rng.random() < 0.4:
            return "sum"
        return self.rng.choice(OPS_BY_FAMILY[spec.family])

    def metric(self, spec: MetricSpec, op: str) -> str:
        parts = [f"name: {scalar(spec.name_en, flow=True)}", f"unit: {spec.unit}"]
        if op == "sum":
            parts.append("aggregate: sum")
        if spec.kind == "rate":
            parts.append("kind: rate")
        elif op != "sum":  # written out: the quote's filler may hold flow words of its own
            parts.append("kind: flow" if FLOW_WORDS.search(spec.zh) else "kind: level")
        if op in {"about", "between", "ref"} and spec.family != "change":
            parts.append("better: lower" if spec.family == "down" else "better: higher")
        return "{" + ", ".join(parts) + "}"

    def target(
        self, op: str, spec: MetricSpec, value: float, label: str, shown: str, deadline: int
    ) -> tuple[str, str, str]:
        """(flow mapping, Chinese wording, English title)."""
        rng, zh, name = self.rng, spec.zh, spec.name_en
        name_l = name[0].lower() + name[1:]
        unit = f"{label}" if label == "%" else label
        if spec.family == "change":
            shown_neg = number(-value, spec.decimals)
            if op == "set_by":
                return (
                    "{set_by: higher-level, note: 上级下达指标}",
                    f"{zh}完成上级下达指标",
                    f"Meet the {name_l} target set by the higher level by {deadline}",
                )
            return (
                f'{{op: "<=", value: {shown_neg}}}',
                f"{zh}{shown}%",
                f"Cut {name_l.replace('change in ', '')} by {shown}% by {deadline}",
            )
        if op == "set_by":
            return (
                "{set_by: higher-level}",
                f"完成上级下达的{zh}目标任务",
                f"Meet the {name_l} target set by the higher level by {deadline}",
            )
        if op == "ref":
            tolerance = rng.choice(("0.5", "1.0"))
            loosely = "基本" if tolerance == "1.0" else ""
            return (
                f"{{op: about, ref: {self.anchor_id}, tolerance: {tolerance}}}",
                f"{zh.removesuffix('增长')}与经济增长{loosely}同步",
                f"Grow {name_l.removesuffix(' growth')} in step with GDP in {deadline}",
            )
        if op == "stretch":
            step = max(10**-spec.decimals, round(value * rng.uniform(0.05, 0.15), spec.decimals))
            if spec.family == "down":
                stretch = number(value - step, spec.decimals) if value - step > 0 else None
                if stretch is None:
                    return self.target("<=", spec, value, label, shown, deadline)
                return (
                    f'{{op: "<=", value: {shown}, stretch: {stretch}}}',
                    f"{zh}控制在{shown}{unit}以内、力争{stretch}{unit}",
                    f"Keep {name_l} within {shown}{unit}, striving for {stretch}{unit}, "
                    f"in {deadline}",
                )
            stretch = number(value + step, spec.decimals)
            return (
                f'{{op: ">=", value: {shown}, stretch: {stretch}}}',
                f"{zh}确保{shown}{unit}、力争{stretch}{unit}以上",
                f"Reach {name_l} of at least {shown}{unit}, striving for {stretch}{unit}, "
                f"in {deadline}",
            )
        if op == "between":
            upper = number(value + max(10**-spec.decimals, value * 0.05), spec.decimals)
            return (
                f"{{op: between, value: [{shown}, {upper}]}}",
                f"{zh}{shown}-{upper}{unit}",
                f"Keep {name_l} between {shown} and {upper}{unit} in {deadline}",
            )
        if op == "about":
            tolerance = "" if rng.random() < 0.5 else f", tolerance: {number(value * 0.03, 2) or 0}"
            return (
                f"{{op: about, value: {shown}{tolerance}}}",
                f"{zh}{shown}{unit}左右",
                f"Keep {name_l} at about {shown}{unit} in {deadline}",
            )
        if op == "sum":
            years = "五" if self.plan.kind == "five-year-plan" else "三"
            return (
                f'{{op: ">=", value: {shown}}}',
                f"{years}年累计{zh}{shown}{unit}",
                f"Reach a cumulative total of {shown}{unit} for {name_l} by {deadline}",
            )
        wording = {
            ">=": (f"{zh}{shown}{unit}以上", f"{zh}不少于{shown}{unit}", f"{zh}达到{shown}{unit}"),
            ">": (f"{zh}突破{shown}{unit}", f"{zh}超{shown}{unit}"),
            "<=": (f"{zh}控制在{shown}{unit}以内", f"{zh}不超过{shown}{unit}"),
            "<": (f"{zh}低于{shown}{unit}",),
        }[op]
        verb = {">=": "at least", ">": "more than", "<=": "at most", "<": "below"}[op]
        return (
            f'{{op: "{op}", value: {shown}}}',
            rng.choice(wording),
            f"Bring {name_l} to {verb} {shown}{unit} in {deadline}",
        )

    def observed(
        self, spec: MetricSpec, value: float, short: str | None = None
    ) -> tuple[str, str | None]:
        """A reported figure near the target, sometimes in another unit of the dimension;
        `short` ("up" or "down") keeps it on the side that does not meet the target."""
        low, high = {"up": (0.7, 0.95), "down": (1.05, 1.3)}.get(short or "", (0.8, 1.2))
        figure = value * self.rng.uniform(low, high)
        step = 10**-spec.decimals
        if short == "up" and round(figure, spec.decimals) >= value:
            figure = value - step  # rounding must not bring it up to the target
        elif short == "down" and round(figure, spec.decimals) <= value:
            figure = value + step
        if spec.alt_units and self.rng.random() < 0.3:
            alt = self.rng.choice(spec.alt_units)
            ratio = BUILTIN_UNITS[spec.unit].factor / BUILTIN_UNITS[alt].factor
            decimals = max(0, spec.decimals - round(math.log10(ratio)))
            return number(figure * ratio, decimals), alt
        return number(figure, spec.decimals), None

    def baseline(self, spec: MetricSpec, value: float, start_year: int, label: str) -> None:
        if spec.kind == "rate" or FLOW_WORDS.search(spec.zh):
            shown, unit = self.observed(spec, value)
        else:  # a level starts short of its target (else it is a flow: lint's PL280)
            shown, unit = self.observed(spec, value, short=spec.family)
        span = f"{start_year - 5}/{start_year - 1}"
        base_period: int | str = start_year - 1 if self.rng.random() < 0.8 else span
        if self.rng.random() < 0.3 and unit is None:
            self.lines.append(f"    baseline: {{period: {period(base_period)}, value: {shown}}}")
            return
        self.lines += [
            "    baseline:",
            f"      period: {period(base_period)}",
            f"      value: {shown}",
        ]
        if unit:
            self.lines.append(f"      unit: {unit}")
        if self.rng.random() < 0.2:
            self.lines.append(f"      note: {scalar(self.rng.choice(OBSERVATION_NOTES))}")
        if self.rng.random() < 0.7:
            label = BUILTIN_UNITS[unit].name if unit else label
            self.evidence("      ", f"{spec.zh}{shown}{label}")

    def progress(
        self, spec: MetricSpec, op: str, value: float, start: int, deadline: int, label: str
    ) -> None:
        count = self.rng.choices((0, 1, 2, 3, 4), (20, 30, 22, 16, 12))[0]
        years = range(start, deadline + 1)
        periods: list[int | str]
        if op == "sum":
            periods = list(years[:count])
            value /= len(years)
        elif deadline > start:
            periods = sorted(self.rng.sample(years, min(count, len(years))))
        else:
            periods = [f"{deadline}-Q1", f"{deadline}-H1", f"{deadline}-Q3", deadline]
            periods = periods[4 - count :]
        if not periods:
            return
        self.lines.append("    progress:")
        for item in periods:
            shown, unit = self.observed(spec, value)
            self.lines += [f"      - period: {period(item)}", f"        value: {shown}"]
            if unit:
                self.lines.append(f"        unit: {unit}")
            early = isinstance(item, int) and item < deadline
            if op != "sum" and early and self.rng.random() < 0.1:
                self.lines += [
                    "        outcome: true",
                    "        note: The source reports this figure as the outcome.",
                ]
            elif self.rng.random() < 0.15:
                self.lines.append(f"        note: {scalar(self.rng.choice(OBSERVATION_NOTES))}")
            shown_label = BUILTIN_UNITS[unit].name if unit else label
            self.evidence("        ", f"{spec.zh}{shown}{shown_label}")

    def assessment(self, status: str, year: int) -> None:
        rationale = {
            "withdrawn": "The target was dropped when the plan was revised.",
            "achieved": "The later report states the task was completed (完成).",
            "missed": "The later report states the target was not met.",
            "partly": "The later report states part of the task was completed.",
            "on_track": "The mid-term review says the work is proceeding as planned.",
            "at_risk": "The mid-term review flags the work as behind schedule.",
        }[status]
        self.lines += [
            "    assessment:",
            f"      status: {status}",
            f"      as_of: {year + 1}-03",
            f"      rationale: {scalar(rationale)}",
        ]
        self.evidence(
            "      ",
            self.rng.choice(
                ("全面完成年度目标任务", "目标任务顺利完成", "相关工作有序推进", "该项目已调整")
            ),
        )

    def related(self, slug: str, pledge_id: str, deadline: int) -> None:
        key = (self.plan.district.slug, slug)
        earlier = self.gen.by_metric.setdefault(key, [])
        # the latest earlier pledge of the metric, and every one with the same deadline
        # (the same metric twice for one deadline, unlinked, is a probable duplicate: PL283)
        same = [p for p, year in earlier if year == deadline]
        links = [p for p, _ in earlier[-1:] if p not in same] + same
        if links:
            self.lines.append(f"    related: [{', '.join(links)}]")
        earlier.append((pledge_id, deadline))

    def qualitative(self) -> None:
        slug, title, zh, tags = self.rng.choice(QUALITATIVE)
        pledge_id = self.pledge_id(str(self.deadline_year), slug)
        self.lines += [
            "",
            f"  - id: {pledge_id}",
            f"    title: {scalar(f'{title} by {self.deadline_year}')}",
            f"    quote: {scalar(self.own_quote(zh))}",
            f"    deadline: {self.deadline_year}",
            f"    tags: [{', '.join(tags)}]",
        ]
        if self.rng.random() < 0.5:
            self.assessment(
                self.rng.choice(("achieved", "partly", "missed", "on_track")), self.deadline_year
            )
        self.note("    ", "Qualitative commitment; " + self.rng.choice(NOTES))


class Generator:
    def __init__(self, seed: int, fragments: list[str]) -> None:
        self.rng = random.Random(seed)
        self.fragments = fragments
        self.catalog = CATALOG
        by_slug = {spec.slug: spec for spec in CATALOG}
        self.growth_anchor = by_slug["gdp-growth"]
        # metrics that plans tie to GDP growth (与经济增长同步)
        self.in_step = (
            by_slug["urban-income-growth"],
            by_slug["rural-income-growth"],
            by_slug["budget-revenue-growth"],
        )
        self.pledge_ids: set[str] = set()
        self.by_metric: dict[tuple[str, str], list[tuple[str, int]]] = {}
        self.by_district: dict[str, list[str]] = {}
        self.quoted: dict[str, list[str]] = {}  # source id -> the quotes citing it

    def run(self, out: Path, pledges: int, files: int) -> None:
        plans = plan_files(self.rng, files)
        for plan in plans:
            self.by_district.setdefault(plan.district.slug, []).append(plan.source_id)
        out.mkdir(parents=True, exist_ok=True)
        (out / "jurisdictions.yaml").write_text(jurisdictions_text(plans), encoding="utf-8")
        base, extra = divmod(pledges, files)
        texts = [
            FileWriter(self, plan, base + (1 if index < extra else 0)).write()
            for index, plan in enumerate(plans)
        ]
        digests = self.write_archives(out / "sources", [plan.source_id for plan in plans])
        for plan, text in zip(plans, texts, strict=True):
            path = out / plan.path
            path.parent.mkdir(parents=True, exist_ok=True)
            filled = text.replace(SHA_PLACEHOLDER + plan.source_id, digests[plan.source_id], 1)
            path.write_text(filled, encoding="utf-8")

    def write_archives(self, folder: Path, source_ids: list[str]) -> dict[str, str]:
        """A synthetic source text per source: every quote citing it, one a line."""
        folder.mkdir(parents=True, exist_ok=True)
        digests = {}
        for source_id in source_ids:
            quotes = dict.fromkeys(self.quoted.get(source_id, []))
            data = "\n".join([ARCHIVE_HEADER, *quotes]).encode("utf-8") + b"\n"
            (folder / f"{source_id}.txt").write_bytes(data)
            digests[source_id] = hashlib.sha256(data).hexdigest()
        return digests


def jurisdictions_text(plans: list[FilePlan]) -> str:
    lines = [
        "# yaml-language-server: $schema=../schema/jurisdictions.schema.json",
        "# Jurisdictions of the ledger. An id is a path: each prefix is the parent.",
        "# Synthetic districts for benchmarks; codes follow the GB/T 2260 shape only.",
        "jurisdictions:",
        "  - id: cn",
        "    name: 中华人民共和国",
        "    name_en: People's Republic of China",
        "    level: country",
        "  - id: cn/zhejiang",
        "    name: 浙江省",
        "    name_en: Zhejiang Province",
        "    level: province",
        '    code: "330000"',
    ]
    districts: dict[str, District] = {}
    for plan in plans:
        districts.setdefault(plan.district.id, plan.district)
    for slug, name, name_en, code in PREFECTURES:
        lines += [
            f"  - id: cn/zhejiang/{slug}",
            f"    name: {name}",
            f"    name_en: {name_en}",
            "    level: prefecture",
            f'    code: "{code}"',
        ]
        for district in districts.values():
            if district.prefecture[0] != slug:
                continue
            lines += [
                f"  - id: {district.id}",
                f"    name: {district.name}",
                f"    name_en: {district.name_en}",
                f"    level: {district.level}",
            ]
            if district.code:
                lines.append(f'    code: "{district.code}"')
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Generate a synthetic pledges ledger.")
    parser.add_argument("out", type=Path, help="output directory")
    parser.add_argument("pledges", type=int, help="number of pledges")
    parser.add_argument("--files", type=int, default=None, help="ledger files (default: N/50)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default: 1)")
    parser.add_argument(
        "--seeds",
        default=str(DEFAULT_SEEDS),
        help="folder of source texts for quotes, or 'none' for built-in phrases",
    )
    args = parser.parse_args(argv)
    if args.pledges < 0:
        parser.error("N must not be negative")
    files = args.files if args.files is not None else max(1, args.pledges // 50)
    if files < 1:
        parser.error("--files must be at least 1")
    seeds = None if args.seeds == "none" else Path(args.seeds)
    Generator(args.seed, seed_fragments(seeds)).run(args.out, args.pledges, files)
    return 0


if __name__ == "__main__":
    sys.exit(main())
