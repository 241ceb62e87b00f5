"""Ledgers that make quadratic work show: many observations on few pledges.

    python benchmarks/scaling.py OUT [--observations 20000] [--pledges 4] [--reordered 4000]

Writes two ledgers under OUT:

- `overlap/`: one file, `--pledges` pledges with `aggregate: sum`, `--observations`
  observations between them, one day each and none overlapping (so it lints clean while
  PL243 compares every observation's period with the others);
- `diff/`: a git repository whose ledger holds one pledge with `--reordered` observations;
  the committed file lists them in one order and the work tree in another, with one value
  changed, so `pledges diff HEAD` must match every observation to its twin.

The output is deterministic.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

JURISDICTIONS = """\
jurisdictions:
  - id: cn
    name: 中华人民共和国
    name_en: People's Republic of China
    level: country
"""

SOURCE = """\
source:
  id: scaling-report
  title: 规模测试报告
  title_en: Scaling test report (synthetic)
  publisher: 测试
  jurisdiction: cn
  date: 2000-01

pledges:
"""

PLEDGE = """\
  - id: scaling/{index}
    title: Synthetic pledge {index}
    quote: 累计完成{index}
    deadline: 2099
    metric: {{name: Things, unit: count, aggregate: {aggregate}}}
    target: {{op: ">=", value: 100000}}
    progress:
"""

OBSERVATION = """\
      - period: {period}
        value: {value}
        evidence: [{{source: scaling-report, quote: 完成}}]
"""


def _day(offset: int) -> str:
    return (date(2000, 1, 1) + timedelta(days=offset)).isoformat()


def ledger_text(observations: list[list[tuple[str, int]]], aggregate: str) -> str:
    parts = [SOURCE]
    for index, items in enumerate(observations):
        parts.append(PLEDGE.format(index=index, aggregate=aggregate))
        parts += [OBSERVATION.format(period=p, value=v) for p, v in items]
    return "".join(parts)


def overlap_ledger(out: Path, observations: int, pledges: int) -> Path:
    """One file of sum pledges whose observations are distinct days."""
    root = out / "overlap"
    (root / "cn").mkdir(parents=True, exist_ok=True)
    (root / "jurisdictions.yaml").write_text(JURISDICTIONS, encoding="utf-8")
    per = [observations // pledges + (i < observations % pledges) for i in range(pledges)]
    rng = random.Random(20)
    items = []
    for count in per:
        days = [(_day(d), rng.randint(1, 99)) for d in range(count)]
        rng.shuffle(days)  # listed out of order, as edits over years leave them
        items.append(days)
    (root / "cn" / "scaling.yaml").write_text(ledger_text(items, "sum"), encoding="utf-8")
    return root


def _git(repo: Path, *args: str) -> None:
    env = dict(
        os.environ,
        GIT_AUTHOR_NAME="bench",
        GIT_AUTHOR_EMAIL="bench@example.org",
        GIT_COMMITTER_NAME="bench",
        GIT_COMMITTER_EMAIL="bench@example.org",
        GIT_AUTHOR_DATE="2024-01-01T00:00:00+00:00",
        GIT_COMMITTER_DATE="2024-01-01T00:00:00+00:00",
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_CONFIG_NOSYSTEM="1",
    )
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)


def diff_repository(out: Path, reordered: int) -> Path:
    """A repository whose work tree reorders the committed observations (one edited)."""
    repo = out / "diff"
    ledger = repo / "ledger"
    (ledger / "cn").mkdir(parents=True, exist_ok=True)
    (ledger / "jurisdictions.yaml").write_text(JURISDICTIONS, encoding="utf-8")
    rng = random.Random(40)
    items = [(_day(d), rng.randint(1, 99)) for d in range(reordered)]
    path = ledger / "cn" / "scaling.yaml"
    path.write_text(ledger_text([items], "latest"), encoding="utf-8")
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "base")
    moved = list(items)
    rng.shuffle(moved)
    moved[0] = (moved[0][0], moved[0][1] + 1000)
    path.write_text(ledger_text([moved], "latest"), encoding="utf-8")
    return repo


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write the scaling benchmark ledgers.")
    parser.add_argument("out", type=Path)
    parser.add_argument("--observations", type=int, default=20000)
    parser.add_argument("--pledges", type=int, default=4)
    parser.add_argument("--reordered", type=int, default=4000)
    args = parser.parse_args(argv)
    overlap_ledger(args.out, args.observations, args.pledges)
    diff_repository(args.out, args.reordered)
    return 0


if __name__ == "__main__":
    sys.exit(main())
