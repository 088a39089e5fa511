"""core/ and jobs/ must stay free of Qt: they run headless (CLI, jobs, tests without a display)."""

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEADLESS_PACKAGES = ("core", "jobs")
FORBIDDEN = {"PySide6", "shiboken6", "pyqtgraph"}
DYNAMIC_IMPORTERS = {"import_module", "__import__"}


def _top(module_name):
    return module_name.split(".")[0]


def forbidden_imports(path):
    """(line, module) for every import of a forbidden package in one file, at any depth."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if _top(a.name) in FORBIDDEN]
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0 and node.module and _top(node.module) in FORBIDDEN:
                found.append((node.lineno, node.module))
        elif isinstance(node, ast.Call) and node.args:
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            arg = node.args[0]
            if (
                name in DYNAMIC_IMPORTERS
                and isinstance(arg, ast.Constant)
                and isinstance(arg.value, str)
                and _top(arg.value) in FORBIDDEN
            ):
                found.append((node.lineno, arg.value))
    return sorted(found)


def test_checker_sees_lazy_and_dynamic_imports(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import os\n"
        "def f():\n"
        "    from PySide6.QtCore import QObject\n"
        "    import pyqtgraph as pg\n"
        "    import importlib; importlib.import_module('shiboken6')\n"
        "from .PySide6 import x\n"
    )
    assert forbidden_imports(sample) == [(3, "PySide6.QtCore"), (4, "pyqtgraph"), (5, "shiboken6")]


def test_core_and_jobs_do_not_import_qt():
    files = [p for pkg in HEADLESS_PACKAGES for p in sorted((ROOT / pkg).rglob("*.py"))]
    assert files, "no Python files found under core/ or jobs/"
    violations = [
        f"{path.relative_to(ROOT)}:{line}: imports {module}"
        for path in files
        for line, module in forbidden_imports(path)
    ]
    assert not violations, "Qt imported from headless code:\n" + "\n".join(violations)


def test_importing_core_and_jobs_does_not_load_qt():
    code = (
        "import sys, core, jobs\n"
        f"forbidden = {sorted(FORBIDDEN)!r}\n"
        "print(' '.join(sorted(m for m in sys.modules if m.split('.')[0] in forbidden)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", f"importing core/jobs loaded: {result.stdout.strip()}"


def test_a_report_loads_neither_the_orm_nor_qt_nor_alembic(sqlite_url):
    """A report is a short process: its start-up cost is part of every figure asked for."""
    subprocess.run([sys.executable, "-m", "cli", "init", "--db", sqlite_url], cwd=ROOT,
                   capture_output=True, check=True, timeout=120)
    code = (
        "import sys, contextlib, io\n"
        "from cli.main import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    code = main(['report', 'comparison', '--db', {sqlite_url!r}])\n"
        "heavy = ('sqlalchemy.orm', 'alembic', 'PySide6', 'pyqtgraph', 'jobs', 'console')\n"
        "print(code, ' '.join(sorted(m for m in sys.modules\n"
        "                             if any(m == h or m.startswith(h + '.') for h in heavy))))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["0"], f"exit code and heavy modules: {result.stdout}"
