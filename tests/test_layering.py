"""The package layout keeps its import rules (docs/architecture.md)."""

from __future__ import annotations

from pathlib import Path

from tests.layering.checker import Violation, check

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "pledges"


def test_the_package_follows_the_import_rules() -> None:
    assert check(PACKAGE) == []


def test_no_module_is_over_500_lines() -> None:
    long = {
        str(path.relative_to(PACKAGE)): n
        for path in PACKAGE.rglob("*.py")
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > 500
    }
    assert long == {}


def test_the_checker_catches_each_kind_of_wrong_import(tmp_path: Path) -> None:
    files = {
        "__init__.py": '__version__ = "0"\n',
        "__main__.py": "from pledges.cli import main\n",
        "model/__init__.py": "",
        "model/ledger.py": "from pledges import __version__\n",
        "model/up.py": "def f() -> None:\n    from pledges.cli.common import app\n",
        "read/__init__.py": "",
        "read/loader.py": "import rich.console\nfrom pledges.model.ledger import x\n",
        "judge/__init__.py": "",
        "judge/peek.py": "from pledges.read.loader import _private, public\n",
        "present/__init__.py": "",
        "present/side.py": "from pledges.edit import splice\n",
        "edit/__init__.py": "",
        "edit/splice.py": "from . import helper\nfrom .helper import _own_package_private\n",
        "check/__init__.py": "",
        "check/app.py": "import typer\nfrom pledges import judge\n",
        "cli/__init__.py": "from pledges.present import side\n",
    }
    root = tmp_path / "pledges"
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert check(root) == [
        Violation("pledges/check/app.py", 1, "pledges.check.app imports typer"),
        Violation(
            "pledges/edit/splice.py",
            2,
            "pledges.edit.splice imports private pledges.edit.helper._own_package_private",
        ),
        Violation(
            "pledges/judge/peek.py",
            1,
            "pledges.judge.peek imports private pledges.read.loader._private",
        ),
        Violation(
            "pledges/model/up.py", 2, "pledges.model.up (model) imports pledges.cli.common (cli)"
        ),
        Violation(
            "pledges/present/side.py",
            1,
            "pledges.present.side (present) imports pledges.edit (edit)",
        ),
        Violation("pledges/read/loader.py", 1, "pledges.read.loader imports rich"),
    ]
