"""core/ and jobs/ must stay free of Qt: they run headless (CLI, jobs, tests without a display);
core imports no layer above it and has no import cycle."""

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


LAYERS_ABOVE_CORE = {"jobs", "console", "cli"}


def _under_type_checking(tree):
    """The import nodes inside `if TYPE_CHECKING:` blocks (annotations only, never run)."""
    skipped = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped |= {id(inner) for stmt in node.body for inner in ast.walk(stmt)}
    return skipped


def imported_modules(path, package_root):
    """Every module a file imports, at any depth (lazy imports in functions included)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    skipped = _under_type_checking(tree)
    package = ".".join(path.relative_to(package_root).with_suffix("").parts[:-1])
    found = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parts + ([base] if base else []))
            found.add(base)
            found |= {f"{base}.{alias.name}" for alias in node.names}
    return found


def core_import_graph():
    graph = {}
    for path in sorted((ROOT / "core").glob("*.py")):
        name = "core" if path.stem == "__init__" else f"core.{path.stem}"
        graph[name] = imported_modules(path, ROOT)
    return graph


def find_cycle(graph):
    """One import cycle among the graph's own modules, or None."""
    state = {}

    def visit(node, trail):
        state[node] = "open"
        for target in sorted(graph[node]):
            if target == node or target not in graph:
                continue
            if state.get(target) == "open":
                return trail[trail.index(target):] + [target]
            if target not in state:
                cycle = visit(target, trail + [target])
                if cycle:
                    return cycle
        state[node] = "done"
        return None

    for start in sorted(graph):
        if start not in state:
            cycle = visit(start, [start])
            if cycle:
                return cycle
    return None


def test_the_cycle_finder_sees_a_cycle_through_a_lazy_import():
    graph = {"core.a": {"core.b"}, "core.b": {"core.c", "sqlalchemy"}, "core.c": {"core.a"}}
    assert find_cycle(graph) == ["core.a", "core.b", "core.c", "core.a"]
    assert find_cycle({"core.a": {"core.b"}, "core.b": set()}) is None


def test_core_imports_no_layer_above_it_and_has_no_import_cycle():
    graph = core_import_graph()
    assert "core.db" in graph["core.secrets"]  # the graph holds lazy imports too
    upward = sorted(f"{module} imports {target}" for module, targets in graph.items()
                    for target in targets if _top(target) in LAYERS_ABOVE_CORE)
    assert not upward, "core must not import jobs, console or cli:\n" + "\n".join(upward)
    assert find_cycle(graph) is None, f"import cycle in core: {' -> '.join(find_cycle(graph))}"
