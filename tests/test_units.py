"""Unit aliases, traditional characters, the new units and ordinal levels."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from pledges.check.lint import lint
from pledges.judge.query import evaluate_all
from pledges.model.registries import _UNITS, BUILTIN_UNITS, suggest_unit, unit_ids
from pledges.read.loader import load
from tests.conftest import Result, pledges_file

AS_OF = date(2026, 1, 1)
Finding = tuple[int, int, str, str, str | None]


@pytest.fixture
def check(ledger: Callable[..., Path], chdir_tmp: Path) -> Callable[..., list[Finding]]:
    """Findings of the unit rules: these ledgers keep no archived source texts, so the
    warning that says so (PL261, tested in test_quotes.py) is left out."""

    def run(body: str, units: str | None = None) -> list[Finding]:
        root = ledger({"a.yaml": pledges_file(body)})
        if units is not None:
            (root / "units.yaml").write_text(units, encoding="utf-8")
        result = load(root.relative_to(chdir_tmp))
        return [
            (d.line, d.column, d.code, d.message, d.hint)
            for d in lint(result, AS_OF)
            if d.code != "PL261"
        ]

    return run


@pytest.fixture
def judge(ledger: Callable[..., Path], chdir_tmp: Path) -> Callable[..., tuple[str, str]]:
    def run(body: str, units: str | None = None) -> tuple[str, str]:
        root = ledger({"a.yaml": pledges_file(body)})
        if units is not None:
            (root / "units.yaml").write_text(units, encoding="utf-8")
        rows = evaluate_all(load(root), AS_OF)
        return rows[0].evaluation.status, rows[0].evaluation.explanation

    return run


def pledge(unit: str, target: str, *values: tuple[str, str]) -> str:
    body = f"""\
- id: t/x
  title: A figure
  quote: 指标
  deadline: 2025
  metric: {{name: Figure, unit: {unit}}}
  target: {target}
"""
    if values:
        body += "  progress:\n"
    for period, value in values:
        body += (
            f"    - period: {period}\n      value: {value}\n"
            "      evidence: [{source: test-report, quote: 据}]\n"
        )
    return body


def test_every_builtin_name_names_one_unit() -> None:
    names = Counter(name for unit in _UNITS for name in (unit.id, *unit.aliases))
    assert [name for name, count in names.items() if count > 1] == []
    assert len(unit_ids(BUILTIN_UNITS)) == len(_UNITS)


@pytest.mark.parametrize(
    ("alias", "unit"),
    [
        ("億元", "亿元"),
        ("萬人", "万人"),
        ("亿", "亿元"),
        ("%", "percent"),
        ("μg/m3", "µg/m³"),
        ("ug/m3", "µg/m³"),
        ("每千人口", "per-1000-people"),
        ("噸標煤", "tce"),
    ],
)
def test_builtin_aliases(alias: str, unit: str) -> None:
    assert BUILTIN_UNITS[alias].id == unit


@pytest.mark.parametrize(
    ("unknown", "nearest"),
    [
        ("噸標準煤", "tce"),  # traditional spelling of an alias that is not listed
        ("億千瓦小時", "亿千瓦时"),  # traditional and one character off
        ("precent", "percent"),
        ("µg/m3", "µg/m³"),
    ],
)
def test_suggestions_fold_traditional_characters(unknown: str, nearest: str) -> None:
    assert unknown not in BUILTIN_UNITS or unknown == "µg/m3"
    assert suggest_unit(unknown, BUILTIN_UNITS) == nearest


def test_aliases_are_accepted_and_convert(judge: Callable[..., tuple[str, str]]) -> None:
    body = pledge("億元", '{op: ">=", value: 350}', ("2025", "3600000"))
    body = body.replace("      value: 3600000\n", "      value: 3600000\n      unit: 萬元\n")
    status, why = judge(body)
    assert (status, why) == ("achieved", "achieved: 360 亿元 for 2025 meets ≥350 亿元")


def test_baseline_unit_alias_converts(ledger: Callable[..., Path], chdir_tmp: Path) -> None:
    body = pledge("亿元", '{op: ">=", value: 400}', ("2024", "350"))
    body = body.replace(
        "  target:",
        "  baseline: {period: 2022, value: 3000000, unit: 萬元}\n  target:",
    )
    rows = evaluate_all(load(ledger({"a.yaml": pledges_file(body)})), AS_OF)
    # baseline 300 亿元 (3,000,000 万元): progress (350 - 300) / (400 - 300)
    assert rows[0].evaluation.progress == pytest.approx(0.5)


def test_percent_alias_keeps_the_percent_tolerance(judge: Callable[..., tuple[str, str]]) -> None:
    status, why = judge(pledge("'%'", "{op: about, value: 10}", ("2025", "9.6")))
    assert (status, why) == ("achieved", "achieved: 9.6% for 2025 is within about 10% (±0.5)")


def test_unknown_traditional_unit_gets_a_hint(check: Callable[..., list[Finding]]) -> None:
    body = pledge("噸標準煤", '{op: "<=", value: 5}')
    assert check(body) == [
        (13, 34, "PL213", "unknown unit '噸標準煤'", "did you mean 'tce'?"),
    ]


UNITS_YAML = """\
units:
  - id: 床/千人
    name: 床/千人
    name_en: beds per 1,000 people
    aliases: [張/千人口, 床位/千人]
    dimension: beds-per-population
    factor: 1
  - id: a-level
    name: A级
    name_en: scenic area grade
    dimension: a-level
    levels: [A, 2A, 3A, 4A, 5A]
"""


def test_units_yaml_aliases_and_levels(
    check: Callable[..., list[Finding]], judge: Callable[..., tuple[str, str]]
) -> None:
    beds = pledge("張/千人口", '{op: ">=", value: 6}', ("2025", "6.2"))
    assert check(beds, UNITS_YAML) == []
    assert judge(beds, UNITS_YAML)[0] == "achieved"
    grade = pledge("a-level", '{op: ">=", value: 4A}', ("2024", "3A"), ("2025", "5A"))
    assert check(grade, UNITS_YAML) == []
    assert judge(grade, UNITS_YAML) == ("achieved", "achieved: 5 a-level for 2025 meets ≥4 a-level")


def test_units_yaml_name_clashes(check: Callable[..., list[Finding]]) -> None:
    units = (
        UNITS_YAML.replace("[張/千人口, 床位/千人]", "[億元, 床位/千人, a-level]")
        + "    aliases: [床位/千人]\n"
        + "  - id: odd\n    name: odd\n    name_en: odd\n    dimension: odd\n"
        + "    levels: [Ⅲ, III]\n"
    )
    found = check(pledge("percent", '{op: ">=", value: 5}'), units)
    assert [(line, column, code, message) for line, column, code, message, _ in found] == [
        (5, 15, "PL271", "alias '億元' of unit '床/千人' already names the built-in unit '亿元'"),
        (8, 9, "PL271", "unit 'a-level' already names unit '床/千人'"),
        (13, 15, "PL271", "alias '床位/千人' of unit 'a-level' already names unit '床/千人'"),
        (18, 17, "PL271", "level 'III' is the same as level 'Ⅲ'"),
    ]


def test_units_yaml_needs_a_factor_or_levels(check: Callable[..., list[Finding]]) -> None:
    units = "units:\n  - {id: x, name: x, name_en: x, dimension: x}\n"
    found = check(pledge("percent", '{op: ">=", value: 5}'), units)
    assert found == [
        (2, 5, "PL104", "'units' item 1 needs a 'factor' (or 'levels' for an ordinal unit)", None)
    ]


WATER = '{op: "<=", value: III}'


@pytest.mark.parametrize(
    ("value", "status", "why"),
    [
        ("Ⅱ", "achieved", "achieved: 2 water-class for 2025 meets ≤3 water-class"),
        ("III", "achieved", "achieved: 3 water-class for 2025 meets ≤3 water-class"),
        ("2", "achieved", "achieved: 2 water-class for 2025 meets ≤3 water-class"),
        ("Ⅳ", "missed", "missed: 4 water-class for 2025 exceeds ≤3 water-class"),
        ("劣Ⅴ", "missed", "missed: 6 water-class for 2025 exceeds ≤3 water-class"),
    ],
)
def test_water_classes_order_by_rank(
    judge: Callable[..., tuple[str, str]], value: str, status: str, why: str
) -> None:
    assert judge(pledge("water-class", WATER, ("2025", value))) == (status, why)


def test_ordinal_interim_figure_and_better_lower(judge: Callable[..., tuple[str, str]]) -> None:
    body = pledge("water-class", "{op: between, value: [I, II]}", ("2024", "III"))
    body = body.replace("unit: water-class}", "unit: water-class, better: lower}")
    status, _ = judge(body.replace("deadline: 2025", "deadline: 2026-12"))
    assert status == "at_risk"
    better = pledge("water-class", "{op: between, value: [II, III]}", ("2025", "I"))
    better = better.replace("unit: water-class}", "unit: water-class, better: lower}")
    assert judge(better)[0] == "achieved"  # class I is better than the range


def test_stars_order_upwards(judge: Callable[..., tuple[str, str]]) -> None:
    assert judge(pledge("stars", '{op: ">=", value: 4}', ("2025", "5")))[0] == "achieved"
    assert judge(pledge("stars", '{op: ">=", value: 4}', ("2025", "3")))[0] == "missed"


def test_values_that_are_not_levels(check: Callable[..., list[Finding]]) -> None:
    found = check(pledge("water-class", '{op: "<=", value: IIV}', ("2025", "7")))
    assert found == [
        (14, 31, "PL215", "'IIV' is not a level of unit 'water-class'", "did you mean 'IV'?"),
        (
            17,
            16,
            "PL215",
            "7 is not a rank of unit 'water-class' (1 to 6)",
            "the levels are I, II, III, IV, V, 劣V",
        ),
    ]
    text = check(pledge("percent", '{op: ">=", value: five}'))
    assert text == [
        (
            14,
            31,
            "PL215",
            "'five' is text, but unit 'percent' has no levels",
            "write the figure as a number",
        )
    ]


def test_units_command_lists_each_unit_once(
    run: Callable[..., Result], ledger: Callable[..., Path], tmp_path: Path
) -> None:
    ledger({"a.yaml": pledges_file(pledge("percent", '{op: ">=", value: 5}'))})
    (tmp_path / "ledger" / "units.yaml").write_text(UNITS_YAML, encoding="utf-8")
    result = run("units", "--ledger", str(tmp_path / "ledger"))
    assert result.exit_code == 0
    ids = [line.split()[0] for line in result.stdout.splitlines()[1:] if line[:1].strip()]
    assert ids.count("亿元") == 1 and "億元" not in ids
    assert ids[-2:] == ["床/千人", "a-level"]


WATER_PLEDGE = """\
  - id: t/2023/water
    title: Keep the lake at class III or better
    quote: 湖体水质保持Ⅲ类
    deadline: 2023
    metric: {name: Lake water quality class, unit: water-class, better: lower}
    target: {op: "<=", value: III}
"""


def _water_ledger(tmp_path: Path) -> Path:
    from tests.test_editing import FILE, make_ledger

    return make_ledger(tmp_path, FILE.replace("  # trailing comment\n", "\n" + WATER_PLEDGE))


OBSERVE = ["--period", "2023", "--source", "src-a", "--quote", "湖体水质为Ⅱ类"]


def test_observe_writes_a_level_as_its_label(run: Callable[..., Result], tmp_path: Path) -> None:
    path = _water_ledger(tmp_path)
    result = run("observe", "t/2023/water", "--value", "Ⅱ", *OBSERVE, cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    assert path.read_text(encoding="utf-8").endswith(
        '    target: {op: "<=", value: III}\n    progress:\n      - period: 2023\n'
        "        value: II\n        evidence:\n          - source: src-a\n"
        "            quote: 湖体水质为Ⅱ类\n"
    )
    shown = run("show", "t/2023/water", "--as-of", "2024-06-30", cwd=tmp_path)
    assert "2023: II" in shown.stdout
    assert "achieved: 2 water-class for 2023 meets ≤3 water-class" in shown.stdout


def test_observe_refuses_what_is_not_a_level(run: Callable[..., Result], tmp_path: Path) -> None:
    path = _water_ledger(tmp_path)
    before = path.read_text(encoding="utf-8")
    result = run("observe", "t/2023/water", "--value", "7", *OBSERVE, cwd=tmp_path)
    assert result.exit_code == 2
    assert result.stderr == (
        "pledges: --value: '7' is not a level of unit 'water-class' (I, II, III, IV, V, 劣V)\n"
    )
    assert path.read_text(encoding="utf-8") == before


def test_observe_unit_alias_and_unknown_unit(run: Callable[..., Result], tmp_path: Path) -> None:
    from tests.test_editing import FILE, make_ledger

    path = make_ledger(tmp_path)
    args = ["--period", "2023", "--value", "0.011", "--source", "src-a", "--quote", "1.1万人"]
    alias = run("observe", "t/2023/jobs", *args, "--unit", "萬人", cwd=tmp_path)
    assert alias.exit_code == 0, alias.stderr
    assert alias.stdout.splitlines()[0] == "unit '萬人' is written as '万人'"
    assert "        value: 0.011\n        unit: 万人\n" in path.read_text(encoding="utf-8")
    path.write_text(FILE, encoding="utf-8")
    unknown = run("observe", "t/2023/jobs", *args, "--unit", "萬人數", cwd=tmp_path)
    assert unknown.exit_code == 2
    assert unknown.stderr == "pledges: --unit: unknown unit '萬人數' (did you mean '万人'?)\n"
    assert path.read_text(encoding="utf-8") == FILE


NEW = ["--id", "t/2023/pm25", "--title", "PM2.5 at most 30", "--quote", "PM2.5浓度30微克/立方米"]
NEW += ["--deadline", "2023", "--metric-name", "PM2.5 concentration", "--op", "<=", "--value"]


def test_new_writes_the_unit_id_for_an_alias(run: Callable[..., Result], tmp_path: Path) -> None:
    from tests.test_editing import make_ledger

    path = make_ledger(tmp_path)
    result = run("new", "--file", "ledger/a.yaml", *NEW, "30", "--unit", "ug/m3", cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0] == "unit 'ug/m3' is written as 'µg/m³'"
    assert "    metric: {name: PM2.5 concentration, unit: µg/m³}\n" in path.read_text(
        encoding="utf-8"
    )


def test_new_level_target(run: Callable[..., Result], tmp_path: Path) -> None:
    from tests.test_editing import make_ledger

    path = make_ledger(tmp_path)
    args = [*NEW[:-1], "--value", "Ⅲ", "--unit", "水质类别", "--id", "t/2023/lake"]
    result = run("new", "--file", "ledger/a.yaml", *args, cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    assert "    target: {op: <=, value: III}\n" in path.read_text(encoding="utf-8")
    stars = run(
        "new",
        "--file",
        "ledger/a.yaml",
        *[*NEW[:-3], "--op", ">=", "--value", "4", "--stretch", "5"],
        *["--unit", "星级", "--id", "t/2023/hotels"],
        cwd=tmp_path,
    )
    assert stars.exit_code == 0, stars.stderr
    assert '    target: {op: ">=", value: 4, stretch: 5}\n' in path.read_text(encoding="utf-8")
    bad = run(
        "new",
        "--file",
        "ledger/a.yaml",
        *[*NEW[:-3], "--op", ">=", "--value", "4", "--stretch", "6"],
        *["--unit", "stars", "--id", "t/2023/hotels-2"],
        cwd=tmp_path,
    )
    assert bad.exit_code == 2
    assert bad.stderr == "pledges: --stretch: '6' is not a level of unit 'stars' (1, 2, 3, 4, 5)\n"


def test_new_with_ledger_from_another_directory(run: Callable[..., Result], tmp_path: Path) -> None:
    from tests.test_editing import make_ledger

    path = make_ledger(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "ledger").mkdir()  # a decoy: --ledger must win over the nearest ledger/
    ledger = str(tmp_path / "ledger")
    result = run(
        "new", "--file", str(path), "--ledger", ledger, *NEW, "30", "--unit", "µg/m³", cwd=elsewhere
    )
    assert result.exit_code == 0, result.stderr
    assert "  - id: t/2023/pm25\n" in path.read_text(encoding="utf-8")
    taken = run(
        "new", "--file", str(path), "--ledger", ledger, *NEW, "30", "--unit", "µg/m³", cwd=elsewhere
    )
    assert taken.exit_code == 1
    assert "PL902 error pledge id 't/2023/pm25' already exists here" in taken.stderr
