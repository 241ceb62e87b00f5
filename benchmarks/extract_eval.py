"""How well `pledges extract` finds what the hand-encoded ledger holds.

    python benchmarks/extract_eval.py [--ledger ledger] [--sources DIR] [--show N]

For every ledger file whose source text is available (the archived text named by the
source's `archive` field, else a text in --sources that contains the file's quotes), runs
the extractor on the text and compares:

- pledges: a candidate matches a ledger pledge when their quotes overlap in the source
  (whitespace ignored) and op, value and unit agree (value after unit conversion, within
  1e-9 relative). Recall is the share of the ledger's numeric pledges (a target with a
  value) that some candidate matches; full recall also needs deadline and kind to agree;
  precision is the share of candidates that match a ledger pledge (numeric or not) or a
  commitment the ledger leaves out on purpose (LEFT_OUT below).
- outcomes (`--outcomes`): a candidate observation matches a ledger observation (progress
  or baseline) whose evidence quotes this document when the quotes overlap and value and
  unit agree. Recall is over those ledger observations.
"""

from __future__ import annotations

import argparse
import math
import re
import sys
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from pledges.extract.outcomes import extract_outcomes  # noqa: E402
from pledges.extract.pledges import extract_pledges  # noqa: E402
from pledges.model.registries import BUILTIN_UNITS, Unit  # noqa: E402

_WS = re.compile(r"\s+")

# Commitments the ledger leaves out on purpose: (source id, quote fragment, reason).
LEFT_OUT: tuple[tuple[str, str, str], ...] = ()


def normal(text: str) -> str:
    return _WS.sub("", unicodedata.normalize("NFC", text))


def spans(haystack: str, quote: str) -> list[tuple[int, int]]:
    needle = normal(quote)
    if not needle:
        return []
    found: list[tuple[int, int]] = []
    at = haystack.find(needle)
    while at >= 0:
        found.append((at, at + len(needle)))
        at = haystack.find(needle, at + 1)
    return found


def overlap(a: Sequence[tuple[int, int]], b: Sequence[tuple[int, int]]) -> bool:
    return any(x0 < y1 and y0 < x1 for x0, x1 in a for y0, y1 in b)


def same_value(a: Any, unit_a: str, b: Any, unit_b: str, units: dict[str, Unit]) -> bool:
    ua, ub = units.get(unit_a), units.get(unit_b)
    if unit_a != unit_b and (ua is None or ub is None or ua.dimension != ub.dimension):
        return False
    fa = ua.factor if ua and unit_a != unit_b else 1.0
    fb = ub.factor if ub and unit_a != unit_b else 1.0
    if isinstance(a, list) or isinstance(b, list):
        if not (isinstance(a, list) and isinstance(b, list) and len(a) == len(b)):
            return False
        return all(same_value(x, unit_a, y, unit_b, units) for x, y in zip(a, b, strict=True))
    if not isinstance(a, int | float) or not isinstance(b, int | float):
        return False
    return math.isclose(a * fa, b * fb, rel_tol=1e-9, abs_tol=0.0)


def same_target(
    cand: dict[str, Any], c_unit: str, pledge: dict[str, Any], units: dict[str, Unit]
) -> bool:
    target = pledge.get("target") or {}
    unit = (pledge.get("metric") or {}).get("unit") or ""
    if "set_by" in target or "set_by" in cand:
        return "set_by" in target and "set_by" in cand
    if cand.get("op") == "done" or target.get("op") == "done":
        return cand.get("op") == target.get("op") == "done"
    if "value" not in target or cand.get("op") != target.get("op"):
        return False
    return same_value(cand.get("value"), c_unit, target.get("value"), unit, units)


@dataclass
class Score:
    name: str
    relevant: int = 0
    matched: int = 0
    full: int = 0
    candidates: int = 0
    correct: int = 0
    missed: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        self.relevant += other.relevant
        self.matched += other.matched
        self.full += other.full
        self.candidates += other.candidates
        self.correct += other.correct

    def row(self) -> str:
        def pct(a: int, b: int) -> str:
            return f"{100 * a / b:.1f}%" if b else "n/a"

        return (
            f"| {self.name} | {self.relevant} | {self.candidates}"
            f" | {pct(self.matched, self.relevant)} | {pct(self.full, self.relevant)}"
            f" | {pct(self.correct, self.candidates)} |"
        )


def _kind(pledge: dict[str, Any]) -> str:
    return str((pledge.get("metric") or {}).get("kind") or "level")


def score_pledges(
    name: str,
    text: str,
    pledges: list[dict[str, Any]],
    candidates: Iterable[dict[str, Any]],
    units: dict[str, Unit],
    left_out: Sequence[str] = (),
) -> Score:
    """Recall, full recall and precision of `candidates` against a file's `pledges`."""
    haystack = normal(text)
    score = Score(name)
    placed = [(p, spans(haystack, str(p.get("quote", "")))) for p in pledges]
    cands = [(c, spans(haystack, str(c.get("quote", "")))) for c in candidates]
    score.candidates = len(cands)
    for pledge, where in placed:
        numeric = "value" in (pledge.get("target") or {})
        if not numeric:
            continue
        score.relevant += 1
        hits = [
            c
            for c, cw in cands
            if overlap(where, cw) and same_target(c["target"], c["metric"]["unit"], pledge, units)
        ]
        if hits:
            score.matched += 1
            if any(
                str(c["deadline"]) == str(pledge.get("deadline"))
                and c["metric"]["kind"] == _kind(pledge)
                for c in hits
            ):
                score.full += 1
        else:
            score.missed.append(f"{pledge.get('id')}: {pledge.get('quote')} {pledge.get('target')}")
    left = [spans(haystack, q) for q in left_out]
    for cand, cw in cands:
        ok = any(
            overlap(where, cw) and same_target(cand["target"], cand["metric"]["unit"], p, units)
            for p, where in placed
        ) or any(overlap(w, cw) for w in left)
        if ok:
            score.correct += 1
        else:
            score.wrong.append(f"{cand['quote']} {cand['target']} {cand['metric']['unit']}")
    return score


def score_outcomes(
    name: str,
    text: str,
    observations: list[tuple[str, Any, str]],
    found: Iterable[dict[str, Any]],
    units: dict[str, Unit],
) -> Score:
    """Recall and precision of candidate observations against the ledger's, by quote and value."""
    haystack = normal(text)
    score = Score(name)
    cands = [(c, spans(haystack, str(c.get("quote", "")))) for c in found]
    score.candidates = len(cands)
    placed = [(q, v, u, spans(haystack, q)) for q, v, u in observations]
    for quote, value, unit, where in placed:
        score.relevant += 1
        if any(
            overlap(where, cw) and same_value(c["value"], c["unit"], value, unit, units)
            for c, cw in cands
        ):
            score.matched += 1
            score.full += 1
        else:
            score.missed.append(f"{quote} = {value} {unit}")
    for cand, cw in cands:
        if any(
            overlap(w, cw) and same_value(cand["value"], cand["unit"], v, u, units)
            for _, v, u, w in placed
        ):
            score.correct += 1
        else:
            score.wrong.append(f"{cand['quote']} = {cand['value']} {cand['unit']}")
    return score


def ledger_observations(data: dict[str, Any], source_id: str) -> list[tuple[str, Any, str]]:
    """(quote, value, unit) of every observation and baseline whose evidence is this source."""
    found: list[tuple[str, Any, str]] = []
    for pledge in data.get("pledges") or []:
        unit = (pledge.get("metric") or {}).get("unit") or ""
        items = list(pledge.get("progress") or [])
        if isinstance(pledge.get("baseline"), dict):
            items.append(pledge["baseline"])
        for item in items:
            if not isinstance(item, dict) or not isinstance(item.get("value"), int | float):
                continue
            for evidence in item.get("evidence") or []:
                if (
                    isinstance(evidence, dict)
                    and evidence.get("source") == source_id
                    and evidence.get("quote")
                ):
                    found.append(
                        (str(evidence["quote"]), item["value"], str(item.get("unit") or unit))
                    )
                    break
    return found


def source_text(path: Path, data: dict[str, Any], ledger: Path, sources: Path | None) -> str | None:
    archive = str((data.get("source") or {}).get("archive") or "")
    if archive and (ledger / archive).is_file():
        return (ledger / archive).read_text(encoding="utf-8")
    if sources is None or not sources.is_dir():
        return None
    quotes = [normal(str(p.get("quote", ""))) for p in data.get("pledges") or []]
    best: tuple[int, str] | None = None
    for candidate in sorted(sources.glob("*.txt")):
        text = candidate.read_text(encoding="utf-8")
        hay = normal(text)
        hits = sum(1 for q in quotes if q and q in hay)
        if best is None or hits > best[0]:
            best = (hits, text)
    return best[1] if best and best[0] else None


def load_units(ledger: Path) -> dict[str, Unit]:
    units = dict(BUILTIN_UNITS)
    path = ledger / "units.yaml"
    if path.is_file():
        for item in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("units") or []:
            units[item["id"]] = Unit(
                item["id"],
                item.get("name", ""),
                item.get("name_en", ""),
                item["dimension"],
                float(item.get("factor", 1)),
            )
    return units


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ledger", type=Path, default=ROOT / "ledger")
    parser.add_argument("--sources", type=Path, default=ROOT.parent / "shared" / "seeds")
    parser.add_argument(
        "--show", type=int, default=0, help="print up to N misses and wrong candidates"
    )
    args = parser.parse_args(argv)
    units = load_units(args.ledger)
    total = Score("overall")
    total_out = Score("overall")
    rows: list[str] = []
    out_rows: list[str] = []
    for path in sorted(args.ledger.rglob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or "pledges" not in data:
            continue
        text = source_text(path, data, args.ledger, args.sources)
        source_id = str((data.get("source") or {}).get("id"))
        if text is None:
            print(f"extract_eval: no source text for {path}", file=sys.stderr)
            continue
        left = [q for s, q, _ in LEFT_OUT if s == source_id]
        _, candidates = extract_pledges(text, units=units)
        score = score_pledges(
            source_id,
            text,
            data["pledges"],
            [c.entry() | {"quote": c.quote} for c in candidates],
            units,
            left,
        )
        total.add(score)
        rows.append(score.row())
        outcomes = extract_outcomes(text, units=units)
        out = score_outcomes(
            source_id,
            text,
            ledger_observations(data, source_id),
            [o.entry() for o in outcomes],
            units,
        )
        total_out.add(out)
        out_rows.append(out.row())
        if args.show:
            for line in [*score.missed[: args.show], "--", *score.wrong[: args.show]]:
                print(f"  {source_id}: {line}", file=sys.stderr)
    header = (
        "| document | ledger | candidates | recall | full recall | precision |\n"
        "|---|---|---|---|---|---|"
    )
    print("Pledges\n\n" + header + "\n" + "\n".join([*rows, total.row()]))
    print("\nOutcomes\n\n" + header + "\n" + "\n".join([*out_rows, total_out.row()]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
