"""Edits read the ledger once and lint the edited file, with the same verdicts as before.

`lint.file_errors` must be exactly the errors `lint` gives for one file; a ledger loaded
by the command is reused only while every file still holds what it held.
"""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pledges.check.lint import file_errors, lint
from pledges.edit import atomic, emit, session, splice
from pledges.edit.session import Edit, Loaded
from pledges.model.diagnostics import Diagnostic, Severity
from pledges.read.cache import Cache
from pledges.read.loader import load, unchanged

AS_OF = date(2024, 6, 30)

JURISDICTIONS = """\
jurisdictions:
  - {id: cn, name: 中国, name_en: China, level: country}
  - {id: cn/a, name: 甲, name_en: A, level: province}
"""

# ids that collide (the same id), read as one (case, width, an invisible character) or
# differ only a little
IDS = ["p/one", "p/one", "P/One", "ｐ/one", "p/\u200bone", "p/two", "q/x"]
SOURCES = ["src-a", "src-b", "src-a", "src-c"]


def pledge(rng: random.Random) -> str:
    ident = rng.choice(IDS)
    lines = [
        f'  - id: "{ident}"',
        f"    title: Pledge {rng.randint(0, 9)}",
        f"    quote: 承诺{rng.randint(0, 2)}",
        f"    deadline: {rng.choice(['2023', '2024', '2023-02-30'])}",
        f"    metric: {{name: Things, unit: {rng.choice(['count', 'percent', 'nonsense'])}}}",
    ]
    if rng.random() < 0.3:
        lines.append(f'    target: {{op: about, ref: "{rng.choice([*IDS, "gone"])}"}}')
    else:
        lines.append(f'    target: {{op: ">=", value: {rng.choice([5, 10])}}}')
    if rng.random() < 0.3:
        lines.append(f"    tags: [{rng.choice(['economy', 'nonsense'])}]")
    if rng.random() < 0.2:
        lines.append(f"    jurisdiction: {rng.choice(['cn/a', 'cn/z'])}")
    if rng.random() < 0.5:
        cited = rng.choice([*SOURCES, "src-z"])
        evidence = rng.choice(["[]", f"[{{source: {cited}, quote: 完成}}]"])
        lines.append("    progress:")
        lines.append(f"      - {{period: 2023, value: 3, evidence: {evidence}}}")
    return "\n".join(lines) + "\n"


def ledger_text(rng: random.Random) -> str:
    source = rng.choice(SOURCES)
    head = (
        f"source:\n  id: {source}\n  title: 报告\n  publisher: 政府\n"
        f"  jurisdiction: {rng.choice(['cn', 'cn/a', 'cn/q'])}\n  date: 2023-01\n"
    )
    return head + "pledges:\n" + "".join(pledge(rng) for _ in range(rng.randint(0, 3)))


def random_ledger(root: Path, seed: int) -> list[Path]:
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    (root / "jurisdictions.yaml").write_text(JURISDICTIONS, encoding="utf-8")
    paths = []
    for name in rng.sample(["a.yaml", "b/c.yaml", "b.yaml", "d/e/f.yaml", "z.yaml"], 4):
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(ledger_text(rng), encoding="utf-8")
        paths.append(path)
    return paths


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(seed=st.integers(0, 2**32 - 1))
def test_file_errors_are_the_errors_lint_gives_for_the_file(
    tmp_path_factory: pytest.TempPathFactory, seed: int
) -> None:
    root = tmp_path_factory.mktemp("ledger")
    paths = random_ledger(root, seed)
    everything = load(root)
    for path in paths:
        name = str(path)
        selected = load(root, [path])
        expected = [d for d in lint(selected, AS_OF) if d.severity is Severity.ERROR]
        assert file_errors(everything, name, AS_OF) == expected
        assert file_errors(selected, name, AS_OF) == expected


def test_file_errors_keep_cross_file_findings(tmp_path: Path) -> None:
    """The finding that needs another file: an id used before, a source declared before."""
    root = tmp_path / "ledger"
    root.mkdir()
    (root / "jurisdictions.yaml").write_text(JURISDICTIONS, encoding="utf-8")
    body = '  - {id: "p/one", title: T, quote: Q, deadline: 2024}\n'
    head = "source: {id: src-a, title: R, title_en: R, publisher: P, jurisdiction: cn, "
    head += "date: 2023-01}\n"
    (root / "a.yaml").write_text(head + "pledges:\n" + body, encoding="utf-8")
    (root / "b.yaml").write_text(head + "pledges:\n" + body, encoding="utf-8")
    found = file_errors(load(root), str(root / "b.yaml"), AS_OF)
    assert [d.text() for d in found] == [
        f"{root}/b.yaml:1:14: PL203 error source id 'src-a' is already declared in "
        f"{root}/a.yaml (one file per source document)",
        f"{root}/b.yaml:3:10: PL201 error pledge id 'p/one' is already used at "
        f"{root}/a.yaml:3:10 (ids are unique across the ledger)",
    ]
    assert file_errors(load(root), str(root / "a.yaml"), AS_OF) == []


def test_unchanged_sees_every_kind_of_change(tmp_path: Path) -> None:
    root = tmp_path / "ledger"
    paths = random_ledger(root, 1)
    result = load(root)
    assert unchanged(result, root)
    paths[0].write_text(paths[0].read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert not unchanged(result, root)
    result = load(root)
    (root / "new.yaml").write_text("pledges: []\n", encoding="utf-8")
    assert not unchanged(result, root)
    (root / "new.yaml").unlink()
    assert unchanged(result, root)
    (root / "units.yaml").write_text("units: []\n", encoding="utf-8")
    assert not unchanged(result, root)
    result = load(root)
    paths[1].unlink()
    assert not unchanged(result, root)
    assert not unchanged(result, root, [tmp_path / "elsewhere.yaml"])


FILE = """\
source:
  id: src-a
  title: 报告
  title_en: Report
  publisher: 政府
  jurisdiction: cn
  date: 2023-01

pledges:
  - id: t/2023/jobs
    title: Create 100 jobs
    quote: 新增就业100人
    deadline: 2023
    metric: {name: New jobs, unit: persons}
    target: {op: ">=", value: 100}
"""


def observe(loaded: Loaded) -> Edit | list[Diagnostic]:
    item = emit.observation("2023", 60, {"source": "src-a", "quote": "新增就业60人"})
    return splice.plan_observe(loaded, "t/2023/jobs", item)


def test_a_prior_load_is_used_while_nothing_changed(tmp_path: Path) -> None:
    root = tmp_path / "ledger"
    root.mkdir()
    (root / "jurisdictions.yaml").write_text(JURISDICTIONS, encoding="utf-8")
    path = root / "a.yaml"
    path.write_text(FILE, encoding="utf-8")
    cache = Cache(tmp_path / "cache", "test")
    prior = load(root, cache=cache)
    loaded = session.open_for_edit(path, AS_OF, root, cache=cache, prior=prior)
    assert isinstance(loaded, Loaded)
    assert loaded.result.ledger is prior.ledger
    assert session.open_for_edit(path, AS_OF, root, prior=loaded) is loaded
    # another file takes the id meanwhile: the prior load is stale and is not used
    (root / "b.yaml").write_text(FILE.replace("src-a", "src-b"), encoding="utf-8")
    fresh = session.open_for_edit(path, AS_OF, root, cache=cache, prior=loaded)
    assert isinstance(fresh, Loaded)
    assert fresh is not loaded and fresh.result.ledger is not prior.ledger
    assert [p.file for p in fresh.result.ledger.pledges] == [str(path), str(root / "b.yaml")]
    edit = observe(fresh)
    assert isinstance(edit, Edit)
    assert atomic.write(edit) is None
    # the file itself changed since it was opened: opened again
    again = session.open_for_edit(path, AS_OF, root, prior=fresh)
    assert isinstance(again, Loaded) and again is not fresh and again.raw != fresh.raw
