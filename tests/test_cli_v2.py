"""Ledger format v2 through the command line: `new` and `observe` with the v2 options,
then the verdict read back with `show --format json` / `list --format json`.

The same cases as the status-engine tests (tests/test_status_v2.py), end to end.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SOURCE, Result, archive_sources

Run = Callable[..., Result]
EMPTY = "format: 2\n" + SOURCE + "pledges: []\n"
EVIDENCE = ("--source", "test-report", "--quote", "据")


@pytest.fixture
def cli(run: Run, ledger: Callable[..., Path]) -> Callable[..., Result]:
    root = ledger({"a.yaml": EMPTY})
    # the source's archived text holds the quotes these tests cite
    archive_sources(root, also=["据", "新增绿地28万方"])

    def invoke(*args: str) -> Result:
        return (
            run(*args, "--ledger", str(root))
            if args[0] != "new"
            else run(*args, "--file", str(root / "a.yaml"))
        )

    return invoke


def ok(result: Result) -> Result:
    assert result.exit_code == 0, result.stdout + result.stderr
    return result


def shown(cli: Callable[..., Result], pledge_id: str, as_of: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        ok(cli("show", pledge_id, "--format", "json", "--as-of", as_of)).stdout
    )
    return data


def new(cli: Callable[..., Result], pledge_id: str, *options: str) -> None:
    ok(cli("new", "--id", pledge_id, "--title", "t", "--quote", "据", *options))


def observe(cli: Callable[..., Result], pledge_id: str, *options: str) -> Result:
    return cli("observe", pledge_id, *options, *EVIDENCE)


GREEN = (
    "--made", "2024-01", "--deadline", "2024", "--metric-name", "Green space added",
    "--unit", "万平方米", "--kind", "flow", "--op", ">=", "--value", "20",
    "--baseline", "2023=28", "--baseline-quote", "新增绿地28万方",
    "--baseline-source", "test-report",
)  # fmt: skip


def test_a_flow_with_last_years_figure(cli: Callable[..., Result], ledger: Any) -> None:
    new(cli, "t/green", *GREEN)
    ok(observe(cli, "t/green", "--period", "2024", "--value", "25"))
    data = shown(cli, "t/green", "2025-03-01")
    assert (data["status"], data["progress"]) == ("achieved", 1.25)
    assert data["explanation"] == (
        "achieved: 25 万平方米 for 2024 meets ≥20 万平方米 (last period: 28 万平方米 for 2023)"
    )
    assert data["metric"]["kind"] == "flow"
    assert data["baseline"] == {"period": "2023", "value": 28.0, "unit": None}


@pytest.mark.parametrize(("figure", "status"), [("12", "on_track"), ("6", "at_risk")])
def test_an_interim_flow(cli: Callable[..., Result], figure: str, status: str) -> None:
    new(cli, "t/green", *GREEN)
    ok(observe(cli, "t/green", "--period", "2024-H1", "--value", figure))
    assert shown(cli, "t/green", "2024-08-01")["status"] == status


@pytest.mark.parametrize(
    ("figure", "status", "why"),
    [
        ("72", "achieved", "72 count for 2024 is within about 70 count (±3.5)"),
        ("75", "missed", "75 count for 2024 exceeds about 70 count (±3.5)"),
    ],
)
def test_about_seventy(cli: Callable[..., Result], figure: str, status: str, why: str) -> None:
    new(cli, "t/parks", "--made", "2024-01", "--deadline", "2024", "--metric-name", "Parks",
        "--unit", "count", "--kind", "level", "--op", "about", "--value", "70")  # fmt: skip
    ok(observe(cli, "t/parks", "--period", "2024", "--value", figure))
    assert shown(cli, "t/parks", "2025-03-01")["explanation"] == f"{status}: {why}"


def test_in_step_with_gdp_and_better_higher(cli: Callable[..., Result]) -> None:
    new(cli, "t/gdp", "--deadline", "2023", "--metric-name", "GDP growth", "--unit", "percent",
        "--kind", "rate", "--op", ">=", "--value", "5")  # fmt: skip
    new(cli, "t/income", "--deadline", "2023", "--metric-name", "Income growth",
        "--unit", "percent", "--kind", "rate", "--better", "higher", "--op", "about",
        "--ref", "t/gdp", "--related", "t/gdp",
        "--note", "in step: within half a point")  # fmt: skip
    ok(observe(cli, "t/gdp", "--period", "2023", "--value", "6.1"))
    ok(observe(cli, "t/income", "--period", "2023", "--value", "7.0"))
    data = shown(cli, "t/income", "2024-03-01")
    assert data["explanation"] == "achieved: 7% for 2023 exceeds about t/gdp = 6.1% (±0.5)"
    assert (data["metric"]["better"], data["related"], data["note"]) == (
        "higher",
        ["t/gdp"],
        "in step: within half a point",
    )


def test_a_milestone(cli: Callable[..., Result]) -> None:
    new(cli, "t/hall", "--made", "2024-01", "--deadline", "2024-09", "--op", "done")
    assert shown(cli, "t/hall", "2024-10-05")["explanation"] == (
        "unreported: deadline 2024-09 passed with no report that it was done"
    )
    ok(observe(cli, "t/hall", "--period", "2024-08", "--done"))
    data = shown(cli, "t/hall", "2024-09-05")
    assert (data["status"], data["progress"]) == ("achieved", 1.0)
    assert data["timeline"][0]["done"] is True


def test_a_milestone_reported_not_done(cli: Callable[..., Result]) -> None:
    new(cli, "t/hall", "--made", "2024-01", "--deadline", "2024-09", "--op", "done")
    ok(observe(cli, "t/hall", "--period", "2024-09", "--not-done"))
    assert shown(cli, "t/hall", "2024-10-05")["explanation"] == (
        "missed: reported not done in 2024-09 (deadline 2024-09)"
    )


def test_a_yearly_target_met_in_four_of_five_years(cli: Callable[..., Result]) -> None:
    new(cli, "t/drills", "--made", "2021-03", "--start", "2021", "--deadline", "2025",
        "--metric-name", "Drills", "--unit", "count", "--kind", "flow", "--op", ">=",
        "--value", "3", "--every", "year")  # fmt: skip
    for year, figure in (("2021", "3"), ("2022", "4"), ("2023", "2"), ("2024", "3"), ("2025", "5")):
        ok(observe(cli, "t/drills", "--period", year, "--value", figure))
    listed = json.loads(ok(cli("list", "--format", "json", "--as-of", "2026-03-01")).stdout)
    (data,) = listed
    assert (data["status"], data["progress"]) == ("partly", 0.8)
    assert data["explanation"] == "partly: 4 of 5 years met ≥3 count; missed: 2023 (2 count)"
    assert [(o["period"], o["status"]) for o in data["occurrences"]] == [
        ("2021", "achieved"),
        ("2022", "achieved"),
        ("2023", "missed"),
        ("2024", "achieved"),
        ("2025", "achieved"),
    ]
    assert data["target"] == {"op": ">=", "value": 3, "every": "year"}


@pytest.mark.parametrize(
    ("figure", "status", "why"),
    [
        ("900", "unrated", "reported only as above 900 亿元 for 2024, which does not settle "
         "≥920 亿元"),
        ("930", "achieved", "above 930 亿元 for 2024 meets ≥920 亿元"),
    ],
)  # fmt: skip
def test_a_figure_reported_as_a_bound(
    cli: Callable[..., Result], figure: str, status: str, why: str
) -> None:
    new(cli, "t/output", "--made", "2024-01", "--deadline", "2024", "--metric-name", "Output",
        "--unit", "亿元", "--kind", "level", "--op", ">=", "--value", "920")  # fmt: skip
    ok(observe(cli, "t/output", "--period", "2024", "--value", figure, "--bound", "lower"))
    data = shown(cli, "t/output", "2025-03-01")
    assert data["explanation"] == f"{status}: {why}"
    assert data["timeline"][0]["bound"] == "lower"


def test_an_approximate_figure(cli: Callable[..., Result]) -> None:
    new(cli, "t/rd", "--made", "2023-01", "--deadline", "2023", "--metric-name", "R&D",
        "--unit", "percent", "--kind", "level", "--op", ">=", "--value", "10")  # fmt: skip
    ok(observe(cli, "t/rd", "--period", "2023", "--value", "10", "--approx"))
    assert shown(cli, "t/rd", "2024-03-01")["explanation"] == (
        "unrated: reported only as about 10% for 2023, which does not settle ≥10%"
    )


def test_a_target_relative_to_the_baseline(cli: Callable[..., Result]) -> None:
    new(cli, "t/coal", "--made", "2023", "--deadline", "2023", "--metric-name", "Coal use",
        "--unit", "万吨", "--kind", "level", "--op", "<=", "--value", "baseline",
        "--baseline", "2022=100")  # fmt: skip
    ok(observe(cli, "t/coal", "--period", "2023", "--value", "95"))
    assert shown(cli, "t/coal", "2024-03-01")["explanation"] == (
        "achieved: 95 万吨 for 2023 meets ≤baseline = 100 万吨"
    )


def test_a_figure_from_before_the_pledge_goes_to_the_baseline(
    cli: Callable[..., Result], ledger: Any
) -> None:
    new(cli, "t/rdi", "--made", "2023-03", "--deadline", "2023", "--metric-name", "R&D",
        "--unit", "percent", "--kind", "level", "--op", ">=", "--value", "3.5")  # fmt: skip
    refused = observe(cli, "t/rdi", "--period", "2022", "--value", "3.26", "--outcome")
    assert refused.exit_code == 1
    assert refused.stderr.endswith(
        "PL900 error the figure for 2022 ends before the pledge's period (from 2023-03): it "
        "is a baseline, and never decides the status (give --baseline to record it as the "
        "pledge's baseline)\n"
    )
    ok(observe(cli, "t/rdi", "--period", "2022", "--value", "3.26", "--baseline"))
    data = shown(cli, "t/rdi", "2023-03-31")
    assert data["baseline"] == {"period": "2022", "value": 3.26, "unit": None}
    assert data["status"] == "pending"
    again = observe(cli, "t/rdi", "--period", "2021", "--value", "3.1", "--baseline")
    assert again.exit_code == 1
    assert "PL900 error 't/rdi' already has a baseline" in again.stderr


def test_same_as_links_a_restatement(cli: Callable[..., Result]) -> None:
    new(cli, "t/gdp", "--deadline", "2025", "--metric-name", "GDP", "--unit", "亿元",
        "--kind", "level", "--op", ">=", "--value", "2600")  # fmt: skip
    new(cli, "t/gdp-again", "--deadline", "2025", "--metric-name", "GDP", "--unit", "亿元",
        "--kind", "level", "--op", ">", "--value", "2600", "--same-as", "t/gdp")  # fmt: skip
    assert shown(cli, "t/gdp-again", "2024-01-01")["same_as"] == "t/gdp"
    assert ok(cli("lint", "--strict")).stdout == (
        "no problems found; 2 quotes verified against 1 archived source\n"
    )
    board = json.loads(ok(cli("status", "--format", "json", "--as-of", "2024-01-01")).stdout)
    assert (board["scoreboard"]["total"], board["scoreboard"]["restatements"]) == (1, 1)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (("--period", "2024"),
         "give the figure with --value, or --done/--not-done for a milestone"),
        (("--period", "2024", "--value", "1", "--done"),
         "--done/--not-done reports a milestone; it takes no --value, --bound or --approx"),
        (("--period", "2024", "--value", "1", "--bound", "lower", "--approx"),
         "a figure is either a bound (--bound) or approximate (--approx), not both"),
        (("--period", "2024", "--done", "--baseline"),
         "a milestone has no baseline: --baseline takes a --value"),
        (("--period", "2024", "--value", "1", "--baseline", "--outcome"),
         "--outcome marks progress; a --baseline figure is never the outcome"),
        (("--period", "2024-13", "--value", "1"),
         "--period: '2024-13' has month 13: months run from 01 to 12"),
    ],
)  # fmt: skip
def test_observe_refuses_options_that_do_not_go_together(
    cli: Callable[..., Result], options: tuple[str, ...], message: str
) -> None:
    new(cli, "t/green", *GREEN)
    result = observe(cli, "t/green", *options)
    assert (result.exit_code, result.stderr) == (2, f"pledges: {message}\n")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (("--op", "done", "--value", "1"), "--op done is a milestone: it takes no --value"),
        (("--op", "=="), "--op: '==' is not an op; choose from >=, >, <=, <, about, between, done"),
        (("--baseline", "2023"), "--baseline: '2023' is not PERIOD=VALUE with a finite number, "
         "e.g. 2023=28"),
        (("--baseline", "2023=1", "--baseline-quote", "据"),
         "give the baseline's evidence as exactly one of --baseline-source and --baseline-url"),
        (("--baseline-quote", "据"),
         "--baseline-quote, --baseline-source and --baseline-url need --baseline"),
        (("--kind", "stock"), None),
    ],
)  # fmt: skip
def test_new_refuses_options_that_do_not_go_together(
    cli: Callable[..., Result], options: tuple[str, ...], message: str | None
) -> None:
    result = cli("new", "--id", "t/x", "--title", "t", "--quote", "据", "--deadline", "2024",
                 *options)  # fmt: skip
    assert result.exit_code == 2
    if message is not None:
        assert result.stderr == f"pledges: {message}\n"
    else:
        assert "'stock' is not one of 'level', 'flow', 'rate'" in result.stderr


def test_new_writes_every_v2_field_in_order(cli: Callable[..., Result], ledger: Any) -> None:
    new(cli, "t/other", "--deadline", "2025")
    new(cli, "t/drills", "--made", "2021-03", "--start", "2021", "--deadline", "2025",
        "--metric-name", "Drills", "--unit", "count", "--kind", "flow", "--better", "higher",
        "--op", ">=", "--value", "3", "--every", "year", "--baseline", "2020=2",
        "--related", "t/other", "--note", "每年不少于三次")  # fmt: skip
    text = (ledger({}) / "a.yaml").read_text(encoding="utf-8")
    assert text.endswith(
        "  - id: t/drills\n"
        "    title: t\n"
        "    quote: 据\n"
        "    made: 2021-03\n"
        "    start: 2021\n"
        "    deadline: 2025\n"
        "    metric: {name: Drills, unit: count, kind: flow, better: higher}\n"
        "    baseline: {period: 2020, value: 2}\n"
        '    target: {op: ">=", value: 3, every: year}\n'
        "    related: [t/other]\n"
        "    note: 每年不少于三次\n"
    )


@pytest.mark.parametrize("command", ["new", "observe"])
def test_help_shows_examples(run: Run, command: str) -> None:
    result = run(command, "--help")
    assert result.exit_code == 0
    assert "Example:" in result.stdout
    assert f"pledges {command} " in result.stdout


def test_show_lists_the_occurrences_of_a_recurring_target(cli: Callable[..., Result]) -> None:
    new(cli, "t/drills", "--made", "2021-03", "--start", "2021", "--deadline", "2022",
        "--metric-name", "Drills", "--unit", "count", "--kind", "flow", "--op", ">=",
        "--value", "3", "--every", "year")  # fmt: skip
    ok(observe(cli, "t/drills", "--period", "2021", "--value", "2"))
    text = ok(cli("show", "t/drills", "--as-of", "2022-06-01")).stdout
    assert "occurrences\n" in text
    assert "  2021  missed  2 count for 2021 falls short of ≥3 count\n" in text
    assert "  2022  pending  deadline 2022 ahead; no figure yet\n" in text
    assert (
        "why           at_risk: 0 of 2 years met ≥3 count; missed: 2021 (2 count); 1 still open"
        in text
    )


def test_a_baseline_cited_by_url(cli: Callable[..., Result], ledger: Any) -> None:
    new(cli, "t/parks", "--deadline", "2024", "--metric-name", "Parks", "--unit", "count",
        "--kind", "level", "--op", ">=", "--value", "70", "--baseline", "2023=60",
        "--baseline-quote", "公园60个", "--baseline-url", "https://example.org/parks")  # fmt: skip
    text = (ledger({}) / "a.yaml").read_text(encoding="utf-8")
    assert (
        "    baseline:\n"
        "      period: 2023\n"
        "      value: 60\n"
        "      evidence:\n"
        "        - url: https://example.org/parks\n"
        "          quote: 公园60个\n"
    ) in text


def test_overdue_is_now_unreported(cli: Callable[..., Result]) -> None:
    listed = cli("list", "--status", "overdue")
    assert (listed.exit_code, listed.stderr) == (
        2,
        "pledges: --status: 'overdue' is now 'unreported'; use --status unreported\n",
    )
    new(cli, "t/gdp", "--deadline", "2023", "--metric-name", "GDP growth", "--unit", "percent",
        "--kind", "rate", "--op", ">=", "--value", "5")  # fmt: skip
    assessed = cli("assess", "t/gdp", "--status", "overdue", "--period", "2024", "--rationale",
                   "No report.", *EVIDENCE)  # fmt: skip
    assert assessed.exit_code == 1
    assert "PL104 error new assessment, status: 'status' must be one of" in assessed.stderr
    assert "('overdue' is 'unreported' in ledger format v2: use 'unreported')" in assessed.stderr
    ok(cli("assess", "t/gdp", "--status", "unreported", "--period", "2024", "--rationale",
           "No report.", *EVIDENCE))  # fmt: skip
    assert shown(cli, "t/gdp", "2024-06-01")["status"] == "unreported"
