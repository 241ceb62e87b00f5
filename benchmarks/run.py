"""Time whole-process runs of `pledges` on synthetic ledgers of 1k and 10k pledges (100k
with --big): cold and warm, wall and CPU time, peak memory, against the targets.

    python benchmarks/run.py [--sizes 1000,10000] [--big] [--runs 5] [--out DIR]
                             [--only ROW,...] [--profile]
                             [--observations 20000] [--reordered 4000] [--scaling-only]
                             [--history-only] [--large]

For each size the ledger is generated with gen_ledger.py (or reused from DIR/<size> when
--out names a folder that already holds it). Every row is a separate process per run,
timed from start to exit; its CPU time (user + system, worker processes included) and peak
resident memory come from `os.wait4`. The report is Markdown: one table per size, then
how each command's time grows with the ledger (10x the pledges should cost about 10x).
Run it with the project's virtualenv Python: the executables are taken from the directory
of sys.executable.
"""

from __future__ import annotations

import argparse
import itertools
import os
import platform
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
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

# (row, size) -> (seconds, megabytes): the targets of the ledger-index issue
TARGETS: dict[tuple[str, int], tuple[float | None, float | None]] = {
    ("lint", 10_000): (0.3, None),
    ("lint", 100_000): (1.0, None),
    ("show", 10_000): (0.15, None),
    ("show", 100_000): (0.3, None),
    ("list-json", 100_000): (4.0, 400.0),
    ("status", 100_000): (4.0, None),
    ("lint-edit", 100_000): (1.5, None),
    ("observe", 10_000): (0.5, None),
    ("observe", 100_000): (1.5, 400.0),
    ("diff", 10_000): (0.5, None),
    ("site", 10_000): (60.0, None),
}
COLD_RATIO_TARGET = 15.0  # cold lint at 10k: at least this many times check-jsonschema's speed
TABLE_RATIO_TARGET = 1.3  # list and status tables from 10k on: at most this times list's JSON
TABLES = ("list-table", "status")

ROWS = (
    "check-jsonschema",
    "lint-no-cache",
    "lint-cold",
    "lint",
    "lint-edit",
    "list-json",
    "list-table",
    "status",
    "status-json",
    "show",
    "observe",
    "diff",
    "site",
)
LABELS = {
    "check-jsonschema": "check-jsonschema (every ledger file)",
    "lint-no-cache": "`lint --no-cache`",
    "lint-cold": "`lint`, no index yet (builds it)",
    "lint": "`lint`, warm",
    "lint-edit": "`lint` after editing one file",
    "list-json": "`list --format json`, warm",
    "list-table": "`list` (table, piped), warm",
    "status": "`status`, warm",
    "status-json": "`status --format json`, warm",
    "show": "`show ONE-ID`, warm",
    "observe": "`observe`, one edit, warm (the file restored before each run)",
    "diff": "`diff` of a one-file change",
    "site": "`site`, warm (every page written)",
}


@dataclass
class Timing:
    label: str
    seconds: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    peak_mb: float = 0.0
    exit_codes: set[int] = field(default_factory=set)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def median_cpu(self) -> float:
        return statistics.median(self.cpu)


def executable(name: str) -> str:
    local = Path(sys.executable).parent / name
    if local.exists():
        return str(local)
    found = shutil.which(name)
    if found is None:
        sys.exit(f"run.py: '{name}' not found next to {sys.executable} or on PATH")
    return found


def run_once(
    command: Sequence[str], env: dict[str, str], cwd: Path | None = None
) -> tuple[float, float, float, int]:
    """(wall s, CPU s, peak MB, exit code) of one process."""
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        process = subprocess.Popen(
            command, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=errors
        )
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        process.returncode = code = os.waitstatus_to_exitcode(status)
        if code not in (0, 1):
            errors.seek(0)
            sys.stderr.write(f"run.py: {' '.join(command[:3])} ... exited {code}\n")
            sys.stderr.write(errors.read().decode(errors="replace")[-2000:])
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, code


def measure(
    label: str,
    command: Sequence[str],
    env: dict[str, str],
    runs: int,
    *,
    prime: bool = False,
    before: Callable[[], None] | None = None,
    slow_limit: float | None = None,
    cwd: Path | None = None,
) -> Timing:
    if prime:
        if before is not None:
            before()
        run_once(command, env, cwd)
    timing = Timing(label)
    for _ in range(runs):
        if before is not None:
            before()
        elapsed, cpu, peak, code = run_once(command, env, cwd)
        timing.seconds.append(elapsed)
        timing.cpu.append(cpu)
        timing.peak_mb = max(timing.peak_mb, peak)
        timing.exit_codes.add(code)
        if slow_limit is not None and elapsed > slow_limit and len(timing.seconds) >= 2:
            break
    shown = ", ".join(f"{s:.3f}" for s in timing.seconds)
    print(f"  {label}: {shown} s, peak {timing.peak_mb:.0f} MB", file=sys.stderr)
    return timing


def ensure_ledger(out: Path | None, pledges: int, work: Path) -> Path:
    target = (out / str(pledges)) if out is not None else work / f"ledger-{pledges}"
    if (target / "jurisdictions.yaml").is_file():
        print(f"reusing the ledger in {target}", file=sys.stderr)
        return target
    print(f"generating {pledges} pledges in {target}", file=sys.stderr)
    subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "gen_ledger.py"), str(target), str(pledges)],
        check=True,
    )
    return target


def ledger_files(ledger: Path) -> list[str]:
    return sorted(str(p) for p in ledger.rglob("*.yaml") if p.parent != ledger)


def first_id(ledger: Path) -> str:
    for path in ledger_files(ledger):
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            if line.startswith("  - id: "):
                return line.removeprefix("  - id: ").strip()
    sys.exit("run.py: no pledge id found in the generated ledger")


class OneFileEdit:
    """Toggles one ledger file between its text and a version with one title changed."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.texts = [path.read_text(encoding="utf-8")]
        self.texts.append(self.texts[0].replace("    title: ", "    title: Edited ", 1))
        self.state = 0

    def __call__(self) -> None:
        self.state = 1 - self.state
        self.path.write_text(self.texts[self.state], encoding="utf-8")

    def restore(self) -> None:
        self.path.write_text(self.texts[0], encoding="utf-8")


def git_copy(ledger: Path, work: Path) -> tuple[Path, OneFileEdit]:
    """The ledger in a new git repository (one commit), and an edit of one of its files."""
    top = work / "repo"
    shutil.rmtree(top, ignore_errors=True)
    shutil.copytree(ledger, top / "ledger")
    env = dict(os.environ, GIT_AUTHOR_NAME="bench", GIT_AUTHOR_EMAIL="bench@example.org")
    env.update(GIT_COMMITTER_NAME="bench", GIT_COMMITTER_EMAIL="bench@example.org")
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-qm", "ledger"]):
        subprocess.run(["git", *args], cwd=top, env=env, check=True)
    copied = sorted((top / "ledger").rglob("*.yaml"))
    files = [p for p in copied if p.parent != top / "ledger"]
    return top / "ledger", OneFileEdit(files[len(files) // 2])


def benchmark_size(
    ledger: Path, runs: int, work: Path, only: set[str], reference: bool
) -> dict[str, Timing]:
    pledges = executable("pledges")
    base_env = dict(os.environ, NO_COLOR="1", COLUMNS="120")
    base_env.pop("PLEDGES_LEDGER", None)
    base_env.pop("PLEDGES_NO_INDEX", None)
    warm_env = dict(base_env, PLEDGES_CACHE_DIR=str(work / "cache-warm"))
    common = ["--ledger", str(ledger), "--as-of", AS_OF]
    files = ledger_files(ledger)
    found: dict[str, Timing] = {}

    def wanted(row: str) -> bool:
        return not only or row in only

    if reference and wanted("check-jsonschema"):
        found["check-jsonschema"] = measure(
            LABELS["check-jsonschema"],
            [executable("check-jsonschema"), "--schemafile", str(SCHEMA), *files],
            base_env,
            runs,
            slow_limit=SLOW_REFERENCE_SECONDS,
        )
    if wanted("lint-no-cache"):
        found["lint-no-cache"] = measure(
            LABELS["lint-no-cache"],
            [pledges, "lint", "--no-cache", *common],
            dict(base_env, PLEDGES_CACHE_DIR=str(work / "cache-none")),
            runs,
        )
    if wanted("lint-cold"):
        cold_dirs = iter(range(10_000))
        cold_env = dict(base_env)

        def fresh_cache() -> None:
            cold_env["PLEDGES_CACHE_DIR"] = str(work / f"cache-cold-{next(cold_dirs)}")

        found["lint-cold"] = measure(
            LABELS["lint-cold"], [pledges, "lint", *common], cold_env, runs, before=fresh_cache
        )
    simple = {
        "lint": ["lint"],
        "list-json": ["list", "--format", "json"],
        "list-table": ["list"],
        "status": ["status"],
        "status-json": ["status", "--format", "json"],
        "show": ["show", first_id(ledger)],
    }
    for row in ("lint", "lint-edit", "list-json", "list-table", "status", "status-json", "show"):
        if not wanted(row):
            continue
        if row == "lint-edit":
            edit = OneFileEdit(Path(files[len(files) // 2]))
            try:
                found[row] = measure(
                    LABELS[row], [pledges, "lint", *common], warm_env, runs, prime=True, before=edit
                )
            finally:
                edit.restore()
            continue
        found[row] = measure(
            LABELS[row], [pledges, *simple[row], *common], warm_env, runs, prime=True
        )
    # the table has no diff at 100k: run it there only when asked for by --only
    if wanted("diff") and shutil.which("git") and (len(files) <= 1000 or "diff" in only):
        repo_ledger, edit = git_copy(ledger, work)
        edit()
        found["diff"] = measure(
            LABELS["diff"],
            [pledges, "diff", "HEAD", "--ledger", str(repo_ledger)],
            dict(base_env, PLEDGES_CACHE_DIR=str(work / "cache-diff")),
            runs,
            prime=True,
        )
    if wanted("observe"):
        found["observe"] = observe_row(ledger, warm_env, runs, work)
    # each site run builds a new site: every page written, none left from the run before
    if wanted("site") and (len(files) <= 1000 or "site" in only):
        found["site"] = measure(
            LABELS["site"],
            [pledges, "site", str(work / "site"), *common],
            warm_env,
            runs,
            prime=True,
            before=lambda: shutil.rmtree(work / "site", ignore_errors=True),
        )
    return found


def _target(row: str, size: int, timing: Timing, found: dict[str, Timing]) -> tuple[str, str]:
    if row == "lint-no-cache" and size == 10_000 and "check-jsonschema" in found:
        ratio = found["check-jsonschema"].median / timing.median
        return f">= {COLD_RATIO_TARGET:.0f}x check-jsonschema", yes(ratio >= COLD_RATIO_TARGET)
    seconds, megabytes = TARGETS.get((row, size), (None, None))
    if row in TABLES and size >= 10_000 and "list-json" in found:
        ratio = timing.median / found["list-json"].median
        text = f"<= {TABLE_RATIO_TARGET:g}x list-json"
        met = ratio <= TABLE_RATIO_TARGET
        if seconds is not None:
            text += f", <= {seconds:g} s"
            met = met and timing.median <= seconds
        return text, yes(met)
    if seconds is None:
        return "-", "-"
    text = f"<= {seconds:g} s" + (f", <= {megabytes:g} MB" if megabytes else "")
    met = timing.median <= seconds and (megabytes is None or timing.peak_mb <= megabytes)
    return text, yes(met)


def yes(met: bool) -> str:
    return "yes" if met else "NO"


def report(size: int, ledger: Path, found: dict[str, Timing]) -> str:
    files = ledger_files(ledger)
    megabytes = sum(os.path.getsize(f) for f in files) / 1e6
    lines = [
        f"### {size:,} pledges ({len(files)} files, {megabytes:.1f} MB), as of {AS_OF}",
        "",
        "| command | runs | median s | median CPU s | peak MB | ratio | target | met |",
        "|---|---:|---:|---:|---:|---|---|---|",
    ]
    reference = found.get("check-jsonschema")
    for row in ROWS:
        timing = found.get(row)
        if timing is None:
            continue
        ratio = "-"
        if row == "check-jsonschema":
            ratio = "1.0x"
        elif row == "lint-no-cache" and reference is not None:
            ratio = f"{reference.median / timing.median:.1f}x faster"
        elif row in (*TABLES, "status-json") and "list-json" in found:
            ratio = f"{timing.median / found['list-json'].median:.2f}x list-json"
        target, met = _target(row, size, timing, found)
        odd = timing.exit_codes - {0, 1}
        note = f" (exit {', '.join(map(str, sorted(odd)))})" if odd else ""
        lines.append(
            f"| {timing.label}{note} | {len(timing.seconds)} | {timing.median:.3f} | "
            f"{timing.median_cpu:.3f} | {timing.peak_mb:.0f} | {ratio} | {target} | {met} |"
        )
    return "\n".join(lines)


def growth(results: dict[int, dict[str, Timing]]) -> str:
    sizes = sorted(results)
    if len(sizes) < 2:
        return ""
    steps = list(itertools.pairwise(sizes))
    header = " | ".join(f"{a:,} → {b:,} pledges: time x (CPU x)" for a, b in steps)
    lines = [
        "### Growth with the ledger (linear: the same factor as the pledges)",
        "",
        f"| command | {header} |",
        "|---|" + "---:|" * len(steps),
    ]
    for row in ROWS:
        cells = []
        for a, b in steps:
            small, large = results[a].get(row), results[b].get(row)
            if small is None or large is None:
                cells.append("-")
            else:
                cells.append(
                    f"{large.median / small.median:.1f} ({large.median_cpu / small.median_cpu:.1f})"
                )
        if any(c != "-" for c in cells):
            lines.append(f"| {LABELS[row]} | {' | '.join(cells)} |")
    return "\n".join(lines)


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = ", ".join(f"{v:.2f}" for v in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    return (
        f"{os.cpu_count()} cores ({model}), Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}; load average {load}"
    )


def bundled_site(runs: int, work: Path) -> str:
    env = dict(os.environ, NO_COLOR="1", PLEDGES_CACHE_DIR=str(work / "cache-bundled"))
    env.pop("PLEDGES_LEDGER", None)
    site = work / "bundled-site"
    timing = measure(
        "`site`, bundled ledger, warm",
        [executable("pledges"), "site", str(site), "--ledger", str(BUNDLED), "--as-of", AS_OF],
        env,
        runs,
        prime=True,
        before=lambda: shutil.rmtree(site, ignore_errors=True),
    )
    return (
        "| command | median s | median CPU s | target | met |\n|---|---:|---:|---|---|\n"
        f"| {timing.label} | {timing.median:.3f} | {timing.median_cpu:.3f} | < 5 s | "
        f"{yes(timing.median < 5.0)} |"
    )


def scaling(work: Path, runs: int, observations: int, reordered: int) -> str:
    """Rows whose work grows with the observations of a pledge: PL243 and diff matching."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from scaling import diff_repository, overlap_ledger

    pledges = executable("pledges")
    env = dict(os.environ, PLEDGES_CACHE_DIR=str(work / "cache"), NO_COLOR="1", COLUMNS="120")
    env.pop("PLEDGES_LEDGER", None)
    overlap = overlap_ledger(work / "scaling", observations, 4)
    rows = [
        measure(
            f"`lint --no-cache`, {observations} observations on 4 sum pledges",
            [pledges, "lint", "--no-cache", "--ledger", str(overlap), "--as-of", AS_OF],
            env,
            runs,
            slow_limit=SLOW_REFERENCE_SECONDS,
        )
    ]
    if shutil.which("git"):
        repo = diff_repository(work / "scaling", reordered)
        command = [pledges, "diff", "HEAD", "--ledger", str(repo / "ledger"), "--as-of", AS_OF]
        label = f"`diff HEAD`, {reordered} reordered observations"
        rows.append(measure(label, command, env, runs, slow_limit=SLOW_REFERENCE_SECONDS))
    lines = [
        "### Scaling with the observations of a pledge",
        "",
        "| command | runs | median s | median CPU s | peak MB |",
        "|---|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {t.label} | {len(t.seconds)} | {t.median:.3f} | {t.median_cpu:.3f} | {t.peak_mb:.0f} |"
        for t in rows
    ]
    return "\n".join(lines)


def observe_row(ledger: Path, env: dict[str, str], runs: int, work: Path) -> Timing:
    """`pledges observe` adding one observation, warm, the edited file restored each run."""
    pledges = executable("pledges")
    copy = work / "observe-ledger" / ledger.name
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

    def restore() -> None:
        path.write_text(text, encoding="utf-8")

    try:
        return measure(LABELS["observe"], command, env, runs, before=restore)
    finally:
        path.write_text(text, encoding="utf-8")


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

    walked = time("`history ID`, 50 commits, warm", "history", ident, *in_history)
    cold = time(
        "`history ID`, 50 commits, `--no-cache`", "history", ident, "--no-cache", *in_history
    )
    one = time("`diff base one` (one file)", "diff", "base", "one", *in_diff)
    renamed = time("`diff base renamed` (every id)", "diff", "base", "renamed", *in_diff)
    touched = time("`diff base touched` (every file)", "diff", "base", "touched", *in_diff)
    tree = time("`diff base` (work tree, one file)", "diff", "base", *in_diff)
    table_rows: list[tuple[Timing, str, str, str]] = [
        (walked, "-", "<= 2 s at 10k, 10 s at 100k", yes(walked.median <= target(pledges_count))),
        (cold, "-", "-", "-"),
        (one, "1.00x", "reference for diff", "-"),
        (renamed, ratio(renamed, one), "<= 1.2x a one-file diff",
         yes(renamed.median <= 1.2 * one.median)),
        (touched, ratio(touched, one), "-", "-"),
        (tree, ratio(tree, one), "-", "-"),
    ]  # fmt: skip
    lines = [
        f"### History and diff at {pledges_count:,} pledges",
        "",
        "| command | median s | median CPU s | peak MB | ratio | target | met |",
        "|---|---:|---:|---:|---:|---|---|",
    ]
    for t, rel, goal, met in table_rows:
        lines.append(
            f"| {t.label} | {t.median:.3f} | {t.median_cpu:.3f} | {t.peak_mb:.0f} | {rel} | "
            f"{goal} | {met} |"
        )
    failed = sorted({t.label for t, *_ in table_rows if t.exit_codes - {0, 1}})
    if failed:
        lines.append(f"\nnon-zero exit: {', '.join(failed)}")
    return "\n".join(lines)


def target(pledges_count: int) -> float:
    return 2.0 if pledges_count <= 10000 else 10.0


def help_rows(runs: int, work: Path) -> str:
    env = dict(os.environ, NO_COLOR="1")
    app = work / "bare_typer_app.py"
    app.write_text(BARE_TYPER_APP, encoding="utf-8")
    help_ = measure("`pledges --help`", [executable("pledges"), "--help"], env, runs, prime=True)
    bare = measure(
        "bare typer app `--help`", [sys.executable, str(app), "--help"], env, runs, prime=True
    )
    run = measure(
        "bare typer app, one command run",
        [sys.executable, str(app), "--name", "x"],
        env,
        runs,
        prime=True,
    )
    return "\n".join(
        [
            "### Start-up",
            "",
            "| command | median s | median CPU s | target | met |",
            "|---|---:|---:|---|---|",
            f"| {help_.label} | {help_.median:.3f} | {help_.median_cpu:.3f} | < 0.4 s | "
            f"{yes(help_.median < 0.4)} |",
            f"| {bare.label} | {bare.median:.3f} | {bare.median_cpu:.3f} | - | - |",
            f"| {run.label} | {run.median:.3f} | {run.median_cpu:.3f} | - | - |",
        ]
    )


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
    command_profile(common, env, work, top)  # builds the index
    warm = command_profile(common, env, work, top)
    listing = command_profile(["list", "--format", "json", *common[1:]], env, work, top)
    return (
        f"python -X importtime -m pledges --help (top {top}, cumulative):\n"
        f"{import_profile(env, top)}\n\n"
        f"cProfile, pledges lint --no-cache (top {top}):\n{cold}\n\n"
        f"cProfile, pledges lint with a warm index (top {top}):\n{warm}\n\n"
        f"cProfile, pledges list --format json, first run on the index (top {top}):\n{listing}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark pledges on synthetic ledgers.")
    parser.add_argument("--sizes", default="1000,10000", help="pledge counts, comma-separated")
    parser.add_argument("--big", action="store_true", help="also 100,000 pledges")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per command")
    parser.add_argument(
        "--out", type=Path, default=None, help="folder to keep the ledgers in (one per size)"
    )
    parser.add_argument(
        "--only", default="", help=f"rows to run, comma-separated, of: {', '.join(ROWS)}"
    )
    parser.add_argument(
        "--no-reference",
        action="store_true",
        help="skip check-jsonschema (slow: minutes per run at 100k)",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="also print import times of --help and cProfile tops of lint (largest size)",
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
        help="with --big, also the history, diff, table and edit rows at 100,000 pledges",
    )
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    sizes = sorted({int(s) for s in args.sizes.split(",") if s.strip()})
    if args.big:
        sizes = sorted({*sizes, 100_000})
    only = {r.strip() for r in args.only.split(",") if r.strip()}
    unknown = only - set(ROWS)
    if unknown:
        parser.error(f"--only: unknown rows {', '.join(sorted(unknown))}")
    print(f"Machine: {machine()}\n")
    results: dict[int, dict[str, Timing]] = {}
    with tempfile.TemporaryDirectory(prefix="pledges-bench-") as folder:
        work = Path(folder)
        if args.scaling_only:
            print(scaling(work, args.runs, args.observations, args.reordered))
            return 0
        if args.history_only:
            for size in sizes:
                ledger = ensure_ledger(args.out, size, work)
                print(history_rows(size, args.runs, work, ledger) + "\n", flush=True)
            return 0
        for size in sizes:
            ledger = ensure_ledger(args.out, size, work)
            size_work = work / f"run-{size}"
            size_work.mkdir()
            results[size] = benchmark_size(
                ledger, args.runs, size_work, only, not args.no_reference
            )
            print(report(size, ledger, results[size]) + "\n", flush=True)
        print(growth(results) + "\n")
        if not only:
            for size in sizes:
                if size <= 10_000 or args.large:
                    ledger = ensure_ledger(args.out, size, work)
                    print(history_rows(size, args.runs, work, ledger) + "\n", flush=True)
            print(bundled_site(args.runs, work) + "\n")
            print(scaling(work, args.runs, args.observations, args.reordered) + "\n")
        print(help_rows(args.runs, work))
        print(f"\nMachine at the end: {machine()}")
        if args.profile:
            print()
            print(profiles(ensure_ledger(args.out, sizes[-1], work), work, 15))
    return 0


if __name__ == "__main__":
    sys.exit(main())
