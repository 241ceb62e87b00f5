"""`pledges extract`: the rules on real sentences of work reports and plans."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from pledges.extract.candidate import Candidate
from pledges.extract.figures import Figure, cn_number, figures
from pledges.extract.outcomes import extract_outcomes
from pledges.extract.pledges import extract_pledges
from pledges.extract.tables import parse_cell
from pledges.extract.text import fold
from pledges.model.registries import BUILTIN_UNITS
from tests.conftest import Result, pledges_file

WORK_REPORT = """\
2023年政府工作报告

一、2022年工作回顾

地区生产总值2064亿元、增长1.2%,财政总收入突破515亿元,新增城镇就业约3.2万人。

二、2023年发展目标和重点工作

今年经济社会发展的主要预期目标是:地区生产总值增长5.5%以上,居民消费价格指数涨幅控制在3%以内,\
能源和环境指标完成省市下达目标。
力争为市场主体减负80亿元,确保制造业贷款增速超15%。
新增光伏发电装机容量50兆瓦以上,新建公园2-3个,每年组织健身活动不少于三次。
生产安全事故起数下降20%。
重大项目开工率一季度达到30%、二季度达到65%。
杭绍城际线6月底开通。
"""


def one(found: list[Candidate], fragment: str) -> Candidate:
    matches = [c for c in found if fragment in c.quote]
    assert len(matches) == 1, [c.quote for c in found]
    return matches[0]


@pytest.fixture(scope="module")
def report() -> list[Candidate]:
    return extract_pledges(WORK_REPORT)[1]


def test_figures_read_numerals_multipliers_and_units() -> None:
    def read(text: str) -> list[tuple[float | int, str, float | int | None]]:
        return [(f.value, f.unit, f.high) for f in figures(text)]

    assert read("新增绿地二十万方") == [(20, "万平方米", None)]
    assert read("固定资产投资350亿元以上") == [(350, "亿元", None)]
    assert read("新引进人才数4.2万人") == [(4.2, "万人", None)]
    assert read("每年不少于三次") == [(3, "count", None)]
    assert read("新建公园1-2个") == [(1, "count", 2)]
    assert read("招引亿元以上项目30个") == [(30, "count", None)]
    assert read("培育一批链主型企业") == []  # 一批 is "a batch", not one
    assert read("2023年新建学校5所") == [(5, "count", None)]
    assert read("五年实际利用外资〔43〕亿美元") == [(43, "亿美元", None)]
    assert cn_number("两千") == 2000
    assert cn_number("三点五") == 3.5


def test_comparisons_from_the_words_around_a_figure(report: list[Candidate]) -> None:
    assert one(report, "地区生产总值增长5.5%以上").target == {"op": ">=", "value": 5.5}
    assert one(report, "涨幅控制在3%以内").target == {"op": "<=", "value": 3}
    assert one(report, "贷款增速超15%").target == {"op": ">", "value": 15}
    assert one(report, "新建公园2-3个").target == {"op": "between", "value": [2, 3]}
    # a plain figure is read as a floor
    assert one(report, "减负80亿元").target == {"op": ">=", "value": 80}
    assert one(report, "减负80亿元").rule == "prose:floor;deadline:default"
    # a decline of 20% is a change of at most -20%
    assert one(report, "下降20%").target == {"op": "<=", "value": -20}


def test_kind_deadline_and_recurrence(report: list[Candidate]) -> None:
    growth = one(report, "地区生产总值增长5.5%以上")
    assert (growth.kind, growth.unit, growth.deadline, growth.metric) == (
        "rate",
        "percent",
        2023,
        "地区生产总值",
    )
    solar = one(report, "光伏")
    assert (solar.kind, solar.unit, solar.target) == ("flow", "MW", {"op": ">=", "value": 50})
    fitness = one(report, "健身活动")
    assert (fitness.every, fitness.target) == ("year", {"op": ">=", "value": 3})
    quarters = [c for c in report if "开工率" in c.quote]
    assert [(c.deadline, c.target["value"]) for c in quarters] == [("2023-Q1", 30), ("2023-Q2", 65)]


def test_higher_level_targets_and_milestones(report: list[Candidate]) -> None:
    assert one(report, "省市下达目标").target == {"set_by": "higher-level"}
    rail = one(report, "杭绍城际线")
    assert (rail.target, rail.deadline, rail.rule) == ({"op": "done"}, "2023-06", "milestone:开通")


def test_the_review_of_last_year_is_not_read_as_pledges(report: list[Candidate]) -> None:
    assert not [c for c in report if "2064亿元" in c.quote or "515亿元" in c.quote]


def test_quotes_are_verbatim_clauses(report: list[Candidate]) -> None:
    for candidate in report:
        assert candidate.quote in WORK_REPORT.replace("\n", " ") or candidate.quote in WORK_REPORT
        assert "," not in candidate.quote.strip(",") or "、" in candidate.quote


def test_traditional_characters_give_the_same_candidates() -> None:
    import opencc

    traditional = opencc.OpenCC("s2t").convert(WORK_REPORT)
    assert traditional != WORK_REPORT
    simplified = extract_pledges(WORK_REPORT)[1]
    converted = extract_pledges(traditional)[1]
    assert [(c.target, c.unit, c.deadline, c.kind) for c in converted] == [
        (c.target, c.unit, c.deadline, c.kind) for c in simplified
    ]
    # quotes stay in the document's own characters
    assert any("發" in c.quote or "電" in c.quote for c in converted)
    assert fold("萬人") == "万人"


def test_stretch_targets_in_prose_and_tables() -> None:
    _, found = extract_pledges("二、2024年主要目标\n\n地区生产总值确保增长5.0%,力争5.5%以上。\n")
    assert [(c.target, c.rule.split(";")[0]) for c in found] == [
        ({"op": ">=", "value": 5.0, "stretch": 5.5}, "prose:确保…力争")
    ]
    assert parse_cell("确保5.0%, 力争5.5%以上", "percent", BUILTIN_UNITS) == (
        {"op": ">=", "value": 5.0, "stretch": 5.5},
        "percent",
        "确保…力争",
    )
    assert parse_cell("78 左右", "percent", BUILTIN_UNITS) == (
        {"op": "about", "value": 78},
        "percent",
        "左右",
    )
    assert parse_cell(">90", "percent", BUILTIN_UNITS) == ({"op": ">", "value": 90}, "percent", ">")
    assert parse_cell("96-97", "index", BUILTIN_UNITS) == (
        {"op": "between", "value": [96, 97]},
        "index",
        "range",
    )
    assert parse_cell("--", "亿元", BUILTIN_UNITS) is None


PLAN_TABLE = """\
“十四五”规划纲要
“十四五”时期 “十四五”发展 “十四五”目标
表2 “十四五”时期经济社会发展主要指标
一级指标 | 序号 | 二级指标 | 单位 | 2020 年 | 2025 年 | 属性 |
经济质效 | 1 | 地区生产总值 | 亿元 | 1828.47 | 2600 | 预期性 |
2 | 全员劳动生产率 | 万元/ 人 | 17.8∗ | 21.5 | 预期性 | |
3 | 城乡生活垃圾无害化处理率 | % | 100 | 100 | 约束性 | |
4 | 单位 GDP 能耗降幅 | % | -- | 省市下 达指标 | 约束性 | |
"""


def test_indicator_table_one_candidate_per_target_column() -> None:
    ctx, found = extract_pledges(PLAN_TABLE)
    assert (ctx.plan_start, ctx.plan_end) == (2021, 2025)
    rows = [(c.metric, c.unit, c.target, c.deadline, c.binding) for c in found]
    assert rows == [
        ("地区生产总值", "亿元", {"op": ">=", "value": 2600}, 2025, False),
        ("全员劳动生产率", "万元/人", {"op": ">=", "value": 21.5}, 2025, False),
        ("城乡生活垃圾无害化处理率", "percent", {"op": ">=", "value": 100}, 2025, True),
        ("单位 GDP 能耗降幅", "percent", {"set_by": "higher-level"}, 2025, True),
    ]
    assert found[0].quote == "1 | 地区生产总值 | 亿元 | 1828.47 | 2600"


FLAT_TABLE = """\
2023年国民经济和社会发展计划执行情况
序号
指标名称
2023年
建议目标
2023年
实际增长
1
地区生产总值
确保5.0%,
力争5.5%以上
8.0%
2
新引进人才数
4.0万人
41029人
"""


def test_flattened_table_rows_and_their_outcomes() -> None:
    _, found = extract_pledges(FLAT_TABLE, year=2024)
    assert [(c.metric, c.target, c.unit, c.deadline) for c in found] == [
        ("地区生产总值", {"op": ">=", "value": 5.0, "stretch": 5.5}, "percent", 2023),
        ("新引进人才数", {"op": ">=", "value": 4.0}, "万人", 2023),
    ]
    assert found[0].quote == "1 地区生产总值 确保5.0%, 力争5.5%以上"
    outcomes = extract_outcomes(FLAT_TABLE, year=2024)
    assert [(o.metric, o.value, o.unit, o.period) for o in outcomes] == [
        ("地区生产总值", 8.0, "percent", 2023),
        ("新引进人才数", 41029, "persons", 2023),
    ]


def test_reported_figures_with_bounds_and_approximations() -> None:
    found = extract_outcomes(WORK_REPORT)
    rows = [(o.value, o.unit, o.period, o.bound, o.approx) for o in found]
    assert rows == [
        (2064, "亿元", 2022, None, False),
        (1.2, "percent", 2022, None, False),
        (515, "亿元", 2022, "lower", False),
        (3.2, "万人", 2022, None, True),
    ]


def test_five_year_plan_extraction_is_fast_enough_to_count_in_lines() -> None:
    # a whole document is read in one pass per rule: 2,000 copies of a paragraph
    text = "二、主要目标\n" + "新增光伏发电装机容量50兆瓦以上,新建公园2个。\n" * 2000
    _, found = extract_pledges(text, year=2023)
    assert len(found) == 4000


# --- the command ---------------------------------------------------------------------


def test_extract_a_text_file_as_json_and_yaml(
    run: Callable[..., Result], tmp_path: Path, ledger: Callable[..., Path]
) -> None:
    root = ledger({"a.yaml": pledges_file("[]")})
    path = tmp_path / "report.txt"
    path.write_text(WORK_REPORT, encoding="utf-8")
    result = run("extract", str(path), "--format", "json", "--ledger", str(root))
    assert result.exit_code == 0, result.stderr
    items: list[dict[str, Any]] = json.loads(result.stdout)
    solar = next(i for i in items if "光伏" in i["quote"])
    assert solar["target"] == {"op": ">=", "value": 50}
    assert solar["metric"] == {"name": "光伏发电装机容量", "unit": "MW", "kind": "flow"}
    assert solar["deadline"] == 2023
    assert solar["confidence"]["rule"] == "prose:以上;deadline:default"
    as_yaml = run("extract", str(path), "--ledger", str(root))
    assert as_yaml.exit_code == 0
    assert yaml.safe_load(as_yaml.stdout)["pledges"] == items


def test_extract_outcomes_matches_pledges_of_the_jurisdiction(
    run: Callable[..., Result], tmp_path: Path, ledger: Callable[..., Path]
) -> None:
    root = ledger(
        {
            "a.yaml": pledges_file(
                """\
                - id: t/2022/gdp-growth
                  title: Grow GDP by 5% in 2022
                  quote: 地区生产总值增长5%
                  made: 2022-01
                  deadline: 2022
                  metric: {name: GDP growth, unit: percent, kind: rate}
                  target: {op: ">=", value: 5}
                """
            )
        }
    )
    path = tmp_path / "report.txt"
    path.write_text(WORK_REPORT, encoding="utf-8")
    result = run("extract", str(path), "--outcomes", "--format", "json", "--ledger", str(root))
    assert result.exit_code == 0, result.stderr
    items = json.loads(result.stdout)
    growth = next(i for i in items if i["value"] == 1.2)
    assert growth["pledge"] == "t/2022/gdp-growth"
    assert growth["period"] == 2022
    assert growth["evidence"] == [{"quote": "地区生产总值2064亿元、增长1.2%"}]
    assert all("pledge" not in i for i in items if i["unit"] != "percent")


def test_extract_refuses_a_missing_source_without_a_traceback(
    run: Callable[..., Result], ledger: Callable[..., Path]
) -> None:
    root = ledger({"a.yaml": pledges_file("[]")})
    result = run("extract", "no-such-source", "--ledger", str(root))
    assert result.exit_code == 3
    assert "no source 'no-such-source' in the ledger and no such file" in result.stderr
    result = run("extract", "test-report", "--ledger", str(root))
    assert result.exit_code == 3
    assert "source 'test-report' has no archived text ('archive')" in result.stderr


def test_figure_dataclass_is_plain() -> None:
    assert Figure(1, "count", 0, 1) == Figure(1, "count", 0, 1, None)


def test_kind_follows_the_words_and_the_kind_of_document() -> None:
    from pledges.extract.prose import kind_of

    # a percent is growth unless it is a share, a ratio or a coverage
    assert kind_of("地区生产总值", "地区生产总值", "percent") == "rate"
    assert kind_of("覆盖率达到", "覆盖率", "percent") == "level"
    assert kind_of("失业率控制在", "城镇调查失业率", "percent") == "rate"
    # in an annual report a count is this year's amount, unless it is a standing level
    assert kind_of("投用学校", "学校", "count") == "flow"
    assert kind_of("税收亿元楼达到", "税收亿元楼", "count") == "level"
    assert kind_of("累计培育上市企业", "上市企业", "count") == "level"
    # in a five-year plan a count is what the period adds up to, unless it recurs
    assert (
        kind_of("新增培育省级工业互联网平台", "省级工业互联网平台", "count", plan=True) == "level"
    )
    assert kind_of("推动", "中小企业", "count", plan=True, every="year") == "flow"
