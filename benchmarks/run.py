"""Time whole-process runs of `pledges` against a large synthetic ledger.

    python benchmarks/run.py [--pledges 10000] [--runs 5] [--out DIR] [--profile]
                             [--observations 20000] [--reordered 4000] [--scaling-only]
                             [--history-only] [--large]

Generates the ledger with gen_ledger.py (or reuses DIR when it already holds one), then
reports the median wall time of each command over --runs runs, its ratio to the reference
(check-jsonschema for lint and list, a bare typer app for --help), and whether each
performance target is met. Run it with the project's virtualenv Python: the executables
are taken from the directory of sys.executable.
"""

from __future__ import annotations

import argparse
import os
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = ROOT / "schema" / "ledger-file.schema.json"
BUNDLED = ROOT / "ledger"
AS_OF = "2026-01-01"
# A reference slower than this per run is timed twice at most: its median only sets ratios.
SLOW_REFERENCE_SECONDS = 10.0

BARE_TYPER_APP = '''\
import typer

app = typer.Typer()


@app.command()
def hello(name: str = "world") -> None:
    """Say hello."""
    print(f"hello {name}")


app()
'''


@dataclass
class Timing:
    label: str
    seconds: list[float]
    exit_code: int

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def executable(name: str) -> str:
    local = Path(sys.executable).parent / name
    if local.exists():
        return str(local)
    found = shutil.which(name)
    if found is None:
        sys.exit(f"run.py: '{name}' not found next to {sys.executable} or on PATH")
    return found


def run_once(command: Sequence[str], env: dict[str, str]) -> tuple[float, int]:
    started = time.perf_counter()
    done = subprocess.run(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        sys.stderr.write(f"run.py: {' '.join(command[:3])} ... exited {done.returncode}\n")
        sys.stderr.write(done.stderr.decode(errors="replace")[-2000:])
    return elapsed, done.returncode


def measure(
    label: str,
    command: Sequence[str],
    env: dict[str, str],
    runs: int,
    *,
    prime: bool = False,
    slow_limit: float | None = None,
    before: Callable[[], None] | None = None,
) -> Timing:
    """Median of `runs` runs; `before` runs (untimed) before each of them."""
    if prime:
        run_once(command, env)
    seconds: list[float] = []
    code = 0
    for _ in range(runs):
        if before is not None:
            before()
        elapsed, code = run_once(command, env)
        seconds.append(elapsed)
        if slow_limit is not None and elapsed > slow_limit and len(seconds) >= 2:
            break
    print(f"  {label}: {', '.join(f'{s:.3f}' for s in seconds)} s", file=sys.stderr)
    return Timing(label, seconds, code)


def ensure_ledger(out: Path | None, pledges: int, work: Path) -> Path:
    if out is not None and (out / "jurisdictions.yaml").is_file():
        print(f"reusing the ledger in {out}", file=sys.stderr)
        return out
    target = out or work / "ledger"
    print(f"generating {pledges} pledges in {target}", file=sys.stderr)
    subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "gen_ledger.py"), str(target), str(pledges)],
        check=True,
    )
    return target


def ledger_files(ledger: Path) -> list[str]:
    return sorted(str(p) for p in ledger.rglob("*.yaml") if p.parent != ledger)


def table(rows: list[tuple[Timing, str, str, str]]) -> str:
    header = ("command", "runs", "median s", "ratio", "target", "met")
    body = [
        (t.label, str(len(t.seconds)), f"{t.median:.3f}", ratio, target, met)
        for t, ratio, target, met in rows
    ]
    widths = [max(len(r[i]) for r in [header, *body]) for i in range(len(header))]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
        for row in [header, *body]
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def benchmark(ledger: Path, runs: int, work: Path) -> str:
    pledges = executable("pledges")
    env = dict(os.environ, PLEDGES_CACHE_DIR=str(work / "cache"), NO_COLOR="1", COLUMNS="120")
    env.pop("PLEDGES_LEDGER", None)
    app = work / "bare_typer_app.py"
    app.write_text(BARE_TYPER_APP, encoding="utf-8")
    files = ledger_files(ledger)
    common = ["--ledger", str(ledger), "--as-of", AS_OF]

    reference = measure(
        "check-jsonschema",
        [executable("check-jsonschema"), "--schemafile", str(SCHEMA), *files],
        env,
        runs,
        slow_limit=SLOW_REFERENCE_SECONDS,
    )
    cold = measure("pledges lint --no-cache", [pledges, "lint", "--no-cache", *common], env, runs)
    warm = measure("pledges lint (warm cache)", [pledges, "lint", *common], env, runs, prime=True)
    listing = measure(
        "pledges list --format json (warm)",
        [pledges, "list", "--format", "json", *common],
        env,
        runs,
        prime=True,
    )
    # Each site run builds a new site: every page written, none left from the run before.
    site = measure(
        "pledges site (warm)",
        [pledges, "site", str(work / "site"), *common],
        env,
        runs,
        prime=True,
        before=lambda: shutil.rmtree(work / "site", ignore_errors=True),
    )
    bundled = measure(
        "pledges site, bundled ledger (warm)",
        [pledges, "site", str(work / "bundled-site"), "--ledger", str(BUNDLED), "--as-of", AS_OF],
        env,
        runs,
        prime=True,
        before=lambda: shutil.rmtree(work / "bundled-site", ignore_errors=True),
    )
    help_ = measure("pledges --help", [pledges, "--help"], env, runs, prime=True)
    bare = measure(
        "bare typer app --help", [sys.executable, str(app), "--help"], env, runs, prime=True
    )

    def faster(t: Timing) -> str:
        return f"{reference.median / t.median:.1f}x faster"

    rows = [
        (reference, "1.0x", "reference", "-"),
        (
            cold,
            faster(cold),
            ">=5x faster than check-jsonschema",
            yes(reference.median / cold.median >= 5),
        ),
        (warm, faster(warm), "< 1 s", yes(warm.median < 1.0)),
        (listing, faster(listing), "-", "-"),
        (site, "-", "< 60 s", yes(site.median < 60.0)),
        (bundled, "-", "< 5 s", yes(bundled.median < 5.0)),
        (
            help_,
            f"{help_.median / bare.median:.2f}x bare typer",
            "< 0.4 s",
            yes(help_.median < 0.4),
        ),
        (bare, "1.0x", "reference for --help", "-"),
    ]
    failed = [t.label for t, *_ in rows if t.exit_code != 0]
    note = f"\nnon-zero exit: {', '.join(failed)}" if failed else ""
    return (
        f"{len(files)} ledger files, {sum(os.path.getsize(f) for f in files) / 1e6:.1f} MB, "
        f"as of {AS_OF}\n\n{table(rows)}{note}"
    )


def scaling(work: Path, runs: int, observations: int, reordered: int) -> str:
    """Rows whose work grows with the observations of a pledge: PL243 and diff matching."""
    from scaling import diff_repository, overlap_ledger

    pledges = executable("pledges")
    env = dict(os.environ, PLEDGES_CACHE_DIR=str(work / "cache"), NO_COLOR="1", COLUMNS="120")
    env.pop("PLEDGES_LEDGER", None)
    overlap = overlap_ledger(work / "scaling", observations, 4)
    lint = measure(
        f"pledges lint --no-cache, {observations} observations on 4 sum pledges",
        [pledges, "lint", "--no-cache", "--ledger", str(overlap), "--as-of", AS_OF],
        env,
        runs,
        slow_limit=SLOW_REFERENCE_SECONDS,
    )
    rows = [(lint, "-", "-", "-")]
    if shutil.which("git"):
        repo = diff_repository(work / "scaling", reordered)
        command = [pledges, "diff", "HEAD", "--ledger", str(repo / "ledger"), "--as-of", AS_OF]
        label = f"pledges diff HEAD, {reordered} reordered observations"
        diffing = measure(label, command, env, runs, slow_limit=SLOW_REFERENCE_SECONDS)
        rows.append((diffing, "-", "-", "-"))
    failed = [t.label for t, *_ in rows if t.exit_code != 0]
    note = f"\nnon-zero exit: {', '.join(failed)}" if failed else ""
    return f"scaling with the observations of a pledge\n\n{table(rows)}{note}"


def observe_row(ledger: Path, env: dict[str, str], runs: int, work: Path) -> Timing:
    """`pledges observe` adding one observation, warm, the edited file restored each run."""
    pledges = executable("pledges")
    copy = work / "observe-ledger"
    if not copy.exists():
        shutil.copytree(ledger, copy)
    path = Path(ledger_files(copy)[0])
    text = path.read_text(encoding="utf-8")
    start = text.index("\n  - id: ") + len("\n  - id: ")
    ident = text[start : text.index("\n", start)]
    source = text.split("\n  id: ", 1)[1].split("\n", 1)[0]
    quote = text[start:].split("\n    quote: ", 1)[1].split("\n", 1)[0]  # in the archive
    command = [
        pledges, "observe", ident, "--period", "2030", "--value", "1", "--source", source,
        "--quote", quote, "--ledger", str(copy), "--as-of", AS_OF,
    ]  # fmt: skip
    run_once([pledges, "lint", "--ledger", str(copy), "--as-of", AS_OF], env)  # warms the cache
    seconds: list[float] = []
    code = 0
    for _ in range(runs):
        path.write_text(text, encoding="utf-8")
        elapsed, code = run_once(command, env)
        seconds.append(elapsed)
    path.write_text(text, encoding="utf-8")
    label = "pledges observe, one edit (warm)"
    print(f"  {label}: {', '.join(f'{s:.3f}' for s in seconds)} s", file=sys.stderr)
    return Timing(label, seconds, code)


def ratio(timing: Timing, reference: Timing) -> str:
    return f"{timing.median / reference.median:.2f}x"


def history_rows(pledges_count: int, runs: int, work: Path, ledger: Path | None) -> str:
    """History, diff, table and edit rows: git repositories built from a generated ledger."""
    from histories import diff_repository, history_repository

    pledges = executable("pledges")
    env = dict(os.environ, PLEDGES_CACHE_DIR=str(work / "cache"), NO_COLOR="1", COLUMNS="120")
    env.pop("PLEDGES_LEDGER", None)
    print(f"building git histories of {pledges_count} pledges", file=sys.stderr)
    out = work / f"git-{pledges_count}"
    history = history_repository(out, pledges_count)
    repo = diff_repository(out, pledges_count)
    ident = (history / "tracked-id").read_text(encoding="utf-8").strip()
    at = ["--as-of", AS_OF]
    in_history = ["--ledger", str(history / "ledger")]
    in_diff = ["--ledger", str(repo / "ledger"), *at]

    def time(label: str, *args: str) -> Timing:
        return measure(label, [pledges, *args], env, runs, prime=True)

    walked = time("pledges history ID, 50 commits (warm)", "history", ident, *in_history)
    cold = time(
        "pledges history ID, 50 commits (--no-cache)", "history", ident, "--no-cache", *in_history
    )
    one = time("pledges diff base one (one file)", "diff", "base", "one", *in_diff)
    renamed = time("pledges diff base renamed (every id)", "diff", "base", "renamed", *in_diff)
    touched = time("pledges diff base touched (every file)", "diff", "base", "touched", *in_diff)
    tree = time("pledges diff base (work tree, one file)", "diff", "base", *in_diff)
    table_rows: list[tuple[Timing, str, str, str]] = [
        (walked, "-", "<= 2 s at 10k, 10 s at 100k", yes(walked.median <= target(pledges_count))),
        (cold, "-", "-", "-"),
        (one, "1.00x", "reference for diff", "-"),
        (renamed, ratio(renamed, one), "<= 1.2x a one-file diff",
         yes(renamed.median <= 1.2 * one.median)),
        (touched, ratio(touched, one), "-", "-"),
        (tree, ratio(tree, one), "-", "-"),
    ]  # fmt: skip
    if ledger is not None:
        common = ["--ledger", str(ledger), *at]
        json_list = time("pledges list --format json (warm)", "list", "--format", "json", *common)
        table_list = time("pledges list, table (warm)", "list", *common)
        status = time("pledges status, table (warm)", "status", *common)
        observe = observe_row(ledger, env, runs, work)
        table_rows += [
            (json_list, "1.00x", "reference for tables", "-"),
            (table_list, ratio(table_list, json_list), "<= 1.3x list --format json",
             yes(table_list.median <= 1.3 * json_list.median)),
            (status, ratio(status, json_list), "<= 1.3x list --format json",
             yes(status.median <= 1.3 * json_list.median)),
            (observe, "-", "<= 0.5 s at 10k", yes(observe.median <= 0.5)),
        ]  # fmt: skip
    failed = [t.label for t, *_ in table_rows if t.exit_code != 0]
    note = f"\nnon-zero exit: {', '.join(failed)}" if failed else ""
    return (
        f"history, diff, tables and edits at {pledges_count} pledges\n\n{table(table_rows)}{note}"
    )


def target(pledges_count: int) -> float:
    return 2.0 if pledges_count <= 10000 else 10.0


def yes(met: bool) -> str:
    return "yes" if met else "NO"


def import_profile(env: dict[str, str], top: int) -> str:
    """The slowest imports of `pledges --help` by cumulative time (python -X importtime)."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "pledges", "--help"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        check=False,
    )
    entries: list[tuple[int, str]] = []
    for line in done.stderr.decode(errors="replace").splitlines():
        parts = line.removeprefix("import time:").split("|")
        if len(parts) == 3 and parts[1].strip().isdigit():
            entries.append((int(parts[1]), parts[2].strip()))
    entries.sort(reverse=True)
    lines = [f"{us / 1000:9.1f} ms  {name}" for us, name in entries[:top]]
    return "\n".join(lines)


# Frames of the interpreter and of typer/click that only wrap the command.
_WRAPPERS = (
    "runpy",
    "typer/",
    "click/",
    "<string>",
    "pledges/__main__.py",
    "built-in method builtins.exec",
)


def command_profile(command: list[str], env: dict[str, str], work: Path, top: int) -> str:
    """Top functions of one `pledges` run under cProfile, by cumulative and by own time."""
    output = work / "lint.prof"
    subprocess.run(
        [sys.executable, "-m", "cProfile", "-o", str(output), "-m", "pledges", *command],
        env=env,
        stdout=subprocess.DEVNULL,
        check=False,
    )
    raw: dict[tuple[str, int, str], tuple[int, int, float, float, object]]
    raw = pstats.Stats(str(output)).stats  # type: ignore[attr-defined]
    total = max(entry[3] for entry in raw.values())
    rows: list[tuple[float, float, int, str]] = [
        (cumulative, own, calls, _where(key)) for key, (_, calls, own, cumulative, _) in raw.items()
    ]
    rows = [r for r in rows if not any(w in r[3] for w in _WRAPPERS)]
    lines = [f"whole run {total:.2f} s", "  cumulative s  own s     calls  function"]
    for title, order in (("by cumulative time", 0), ("by own time", 1)):
        lines.append(f"  -- {title}")
        for cumulative, own, calls, where in sorted(rows, key=lambda r: -float(r[order]))[:top]:
            lines.append(f"  {cumulative:12.3f}  {own:5.3f}  {calls:8d}  {where}")
    return "\n".join(lines)


def _where(key: tuple[str, int, str]) -> str:
    file, line, function = key
    if file == "~":
        return function
    marker = "site-packages/"
    short = file.split(marker, 1)[1] if marker in file else file.split("/src/", 1)[-1]
    return f"{short}:{line}({function})"


def profiles(ledger: Path, work: Path, top: int) -> str:
    env = dict(os.environ, PLEDGES_CACHE_DIR=str(work / "profile-cache"), NO_COLOR="1")
    common = ["lint", "--ledger", str(ledger), "--as-of", AS_OF]
    cold = command_profile([*common, "--no-cache"], env, work, top)
    command_profile(common, env, work, top)  # primes the cache
    warm = command_profile(common, env, work, top)
    listing = command_profile(["list", "--format", "json", *common[1:]], env, work, top)
    return (
        f"python -X importtime -m pledges --help (top {top}, cumulative):\n"
        f"{import_profile(env, top)}\n\n"
        f"cProfile, pledges lint --no-cache (top {top}):\n{cold}\n\n"
        f"cProfile, pledges lint with a warm cache (top {top}):\n{warm}\n\n"
        f"cProfile, pledges list --format json with a warm cache (top {top}):\n{listing}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark pledges on a synthetic ledger.")
    parser.add_argument("--pledges", type=int, default=10000, help="pledges to generate")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per command")
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="ledger directory to reuse, or to generate into (kept)",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="also print import times of --help and cProfile tops of lint",
    )
    parser.add_argument(
        "--observations", type=int, default=20000, help="observations of the PL243 row"
    )
    parser.add_argument("--reordered", type=int, default=4000, help="observations of the diff row")
    parser.add_argument(
        "--scaling-only", action="store_true", help="only the rows that scale with observations"
    )
    parser.add_argument(
        "--history-only",
        action="store_true",
        help="only the history, diff, table and edit rows",
    )
    parser.add_argument(
        "--large",
        action="store_true",
        help="also the history and diff rows at 100,000 pledges (minutes to build)",
    )
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    with tempfile.TemporaryDirectory(prefix="pledges-bench-") as folder:
        work = Path(folder)
        only = args.scaling_only or args.history_only
        if not args.scaling_only:
            ledger = ensure_ledger(args.out, args.pledges, work)
            if not only:
                print(benchmark(ledger, args.runs, work))
                print()
            print(history_rows(args.pledges, args.runs, work, ledger))
            print()
            if args.large:
                print(history_rows(100000, args.runs, work, None))
                print()
        if not args.history_only:
            print(scaling(work, args.runs, args.observations, args.reordered))
        if args.profile and not only:
            print()
            print(profiles(ledger, work, 15))
    return 0


if __name__ == "__main__":
    sys.exit(main())
