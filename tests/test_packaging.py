"""Fast checks of the packaging files (the real build is packaging/build.sh, minutes long).

The PyInstaller spec is executed here with stand-ins for PyInstaller's objects, so that what
it would hand to PyInstaller (hidden imports, data files, metadata) is checked without
PyInstaller installed and in milliseconds.
"""

from __future__ import annotations

import configparser
import functools
import os
import re
import shutil
import struct
import subprocess
import sys
import tomllib
import types
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import ClassVar

import pytest

import core
from core import settings as settings_module

ROOT = Path(__file__).resolve().parents[1]
PACKAGING = ROOT / "packaging"
SPEC = PACKAGING / "support-console.spec"
ISS = PACKAGING / "windows" / "support-console.iss"
EXAMPLE = PACKAGING / "config.example.toml"
DESKTOP = ROOT / "resources" / "support-console.desktop"
AUTOSTART = PACKAGING / "linux" / "support-console-autostart.desktop"
UNIT = PACKAGING / "linux" / "support-console-jobs.service"
ICONS = ROOT / "resources" / "icons"
PNG_SIZES = (16, 22, 24, 32, 48, 64, 128, 256)


def pyproject_version() -> str:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]


# ------------------------------------------------------------------------------- versions

def test_versions_agree():
    version = pyproject_version()
    assert core.__version__ == version
    iss = ISS.read_text(encoding="utf-8")
    match = re.search(r'#define MyAppVersion "([^"]+)"', iss)
    assert match, "the Inno Setup script has no default MyAppVersion"
    assert match.group(1) == version, "packaging/windows/support-console.iss MyAppVersion"
    # The spec, build.sh, the dmg recipe and the CI workflow read pyproject.toml themselves.
    for path in (SPEC, PACKAGING / "build.sh", PACKAGING / "macos" / "build-dmg.sh",
                 PACKAGING / "ci" / "build-installers.yml"):
        assert "pyproject.toml" in path.read_text(encoding="utf-8"), path


# ------------------------------------------------------------------------------- the spec

class _Recorder:
    """Stands in for Analysis, PYZ, EXE, COLLECT and BUNDLE: keeps what it was given."""

    made: ClassVar[list[_Recorder]] = []

    def __init__(self, kind, *args, **kwargs):
        self.kind, self.args, self.kwargs = kind, args, kwargs
        self.pure = self.scripts = self.binaries = self.datas = []
        _Recorder.made.append(self)


def run_spec(monkeypatch, platform: str) -> dict:
    """Execute the spec as PyInstaller would on `platform`; return what it built."""
    copied: list[str] = []
    hooks = types.ModuleType("PyInstaller.utils.hooks")
    hooks.collect_submodules = lambda package, filter=None: [package]
    hooks.copy_metadata = lambda name, recursive=False: (
        copied.append(name) or [(f"/site-packages/{name}.dist-info", f"{name}.dist-info")])
    for name in ("PyInstaller", "PyInstaller.utils"):
        monkeypatch.setitem(sys.modules, name, types.ModuleType(name))
    monkeypatch.setitem(sys.modules, "PyInstaller.utils.hooks", hooks)
    monkeypatch.setattr(sys, "platform", platform)
    monkeypatch.setattr(sys, "path", list(sys.path))
    _Recorder.made = []
    namespace = {"SPECPATH": str(PACKAGING), "__file__": str(SPEC)}
    for kind in ("Analysis", "PYZ", "EXE", "COLLECT", "BUNDLE"):
        namespace[kind] = functools.partial(_Recorder, kind)
    code = compile(SPEC.read_text(encoding="utf-8"), str(SPEC), "exec")
    exec(code, namespace)  # noqa: S102 - our own spec, as PyInstaller itself runs it
    made = {}
    for item in _Recorder.made:
        made.setdefault(item.kind, []).append(item)
    made["copied_metadata"] = copied
    made["namespace"] = namespace
    return made


@pytest.fixture
def linux_spec(monkeypatch):
    return run_spec(monkeypatch, "linux")


REQUIRED_HIDDEN = (
    "keyring.backends.SecretService", "keyring.backends.Windows", "keyring.backends.macOS",
    "keyring.backends.libsecret", "keyring.backends.kwallet",
    "psycopg", "psycopg_binary", "psycopg_binary.pq",
    "sqlalchemy.dialects.sqlite", "sqlalchemy.dialects.postgresql",
    "sqlalchemy.dialects.postgresql.psycopg",
    "alembic", "alembic.op", "alembic.context", "alembic.ddl.sqlite", "alembic.ddl.postgresql",
    "apscheduler.triggers.interval", "apscheduler.triggers.cron", "apscheduler.triggers.date",
    "apscheduler.executors.pool", "apscheduler.jobstores.memory",
    "pyqtgraph", "openpyxl", "jeepney", "secretstorage",
    "core", "jobs", "console",
)


def test_spec_lists_the_dynamic_imports(linux_spec):
    (analysis,) = linux_spec["Analysis"]
    hidden = set(analysis.kwargs["hiddenimports"])
    missing = [name for name in REQUIRED_HIDDEN if name not in hidden]
    assert not missing, f"hidden imports missing from the spec: {missing}"
    assert {"APScheduler", "keyring"} <= set(linux_spec["copied_metadata"]), (
        "APScheduler and keyring find their plugins through entry points: copy_metadata")
    assert analysis.kwargs["pathex"] == [str(ROOT)]
    assert "PyQt5" in analysis.kwargs["excludes"] and "PyQt6" in analysis.kwargs["excludes"]


def test_spec_hidden_imports_exist():
    """Every module named in HIDDEN_IMPORTS is a real module (a typo would only warn)."""
    import importlib.util

    text = SPEC.read_text(encoding="utf-8")
    block = text.split("HIDDEN_IMPORTS = [", 1)[1].split("\n]", 1)[0]
    names = re.findall(r'^\s*"([\w.]+)",', block, flags=re.MULTILINE)
    assert len(names) > 30
    missing = [name for name in names if importlib.util.find_spec(name) is None]
    assert not missing, f"not importable here: {missing}"


def test_spec_ships_the_migrations_as_files(linux_spec):
    (analysis,) = linux_spec["Analysis"]
    datas = {(os.path.normpath(src), os.path.normpath(dest))
             for src, dest in analysis.kwargs["datas"]}
    migrations = ROOT / "core" / "migrations"
    wanted = [migrations / "env.py", migrations / "script.py.mako"]
    wanted += sorted((migrations / "versions").glob("*.py"))
    assert len(wanted) >= 3
    for path in wanted:
        dest = os.path.normpath(str(path.parent.relative_to(ROOT)))
        assert (os.path.normpath(str(path)), dest) in datas, f"{path} is not in the bundle"
    # The icons travel too (the console may load them at run time).
    assert (os.path.normpath(str(ICONS / "support-console.svg")),
            os.path.normpath("resources/icons")) in datas


def test_spec_program_names(monkeypatch, linux_spec):
    names = [exe.kwargs["name"] for exe in linux_spec["EXE"]]
    assert names == ["support-console"]
    assert linux_spec["EXE"][0].kwargs["console"] is True
    assert linux_spec["COLLECT"][0].kwargs["name"] == "support-console"
    assert "BUNDLE" not in linux_spec
    assert linux_spec["namespace"]["VERSION"] == pyproject_version()

    windows = run_spec(monkeypatch, "win32")
    assert [exe.kwargs["name"] for exe in windows["EXE"]] == [
        "support-console", "support-console-gui"]
    assert [exe.kwargs["console"] for exe in windows["EXE"]] == [True, False]
    assert all(exe.kwargs["icon"].endswith(".ico") for exe in windows["EXE"])
    assert "tzdata" in windows["Analysis"][0].kwargs["hiddenimports"]

    macos = run_spec(monkeypatch, "darwin")
    (bundle,) = macos["BUNDLE"]
    assert bundle.kwargs["name"] == "Support Console.app"
    assert bundle.kwargs["icon"].endswith(".icns") and os.path.isfile(bundle.kwargs["icon"])
    assert bundle.kwargs["info_plist"]["CFBundleShortVersionString"] == pyproject_version()


def test_inno_setup_installs_what_the_spec_builds():
    iss = ISS.read_text(encoding="utf-8")
    assert r'#define BuildDir "..\..\dist\support-console"' in iss
    assert '#define MyAppExe "support-console-gui.exe"' in iss
    for source in re.findall(r'Source: "([^"]+)"', iss):
        if source.startswith("{#BuildDir}"):
            continue
        path = (ISS.parent / source.replace("\\", "/")).resolve()
        assert path.is_file(), f"Inno Setup source {source} does not exist"
    assert "RemoveFromPath" in iss and "usPostUninstall" in iss  # the PATH entry goes away


# ------------------------------------------------------------------------------- desktop

def read_desktop(path: Path) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # keys are case-sensitive
    parser.read(path, encoding="utf-8")
    return parser["Desktop Entry"]


@pytest.mark.parametrize("path", [DESKTOP, AUTOSTART], ids=lambda p: p.name)
def test_desktop_entries_are_valid(path):
    entry = read_desktop(path)
    assert entry["Type"] == "Application"
    assert entry["Exec"].split()[0] == "support-console"
    assert entry["Icon"] == "support-console"
    assert entry["Terminal"] == "false"
    validator = shutil.which("desktop-file-validate")
    if validator:
        result = subprocess.run([validator, str(path)], capture_output=True, text=True,
                                check=False)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "error" not in result.stdout.lower(), result.stdout


def test_menu_entry_has_a_category():
    categories = read_desktop(DESKTOP)["Categories"].rstrip(";").split(";")
    assert "Office" in categories


# ------------------------------------------------------------------------------- icons

def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", data[16:24])


def test_icons_are_all_there():
    ET.parse(ICONS / "support-console.svg")  # well-formed
    for size in PNG_SIZES:
        assert png_size(ICONS / f"support-console-{size}.png") == (size, size)
    ico = (ICONS / "support-console.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", ico[:6])
    assert (reserved, kind) == (0, 1) and count >= 5
    widths = {ico[6 + 16 * i] or 256 for i in range(count)}
    assert {16, 32, 48, 256} <= widths
    icns = (ICONS / "support-console.icns").read_bytes()
    assert icns[:4] == b"icns" and struct.unpack(">I", icns[4:8])[0] == len(icns)


# ------------------------------------------------------------------------------- site config

def test_example_site_config_parses_and_names_only_real_settings(monkeypatch):
    monkeypatch.setenv(settings_module.SITE_CONFIG_ENV, str(EXAMPLE))
    loaded = settings_module.load_settings(environ={})
    flat = settings_module.read_toml(EXAMPLE)
    locked = flat.pop("locked")
    for key in flat:
        assert key in settings_module.FIELD_TYPES, f"{key} is not a setting"
    for key in locked:
        assert key in settings_module.EDITABLE, f"locked {key} is not a setting"
    assert loaded.locked == tuple(locked)
    assert loaded.db_url.startswith("postgresql://")
    from sqlalchemy.engine import make_url

    assert make_url(loaded.db_url).password is None, "never a password in the site config"


def test_example_site_config_documents_every_setting():
    text = EXAMPLE.read_text(encoding="utf-8")
    active = set(settings_module.read_toml(EXAMPLE))
    commented = set(re.findall(r"^#\s*([a-z_]+)\s*=", text, flags=re.MULTILINE))
    unknown = commented - set(settings_module.FIELD_TYPES)
    assert not unknown, f"commented keys that are not settings: {unknown}"
    undocumented = set(settings_module.EDITABLE) - active - commented
    assert not undocumented, f"settings the example does not mention: {undocumented}"
    defaults = settings_module.Settings()
    for key in commented:  # a commented line shows the default
        line = re.search(rf"^#\s*{key}\s*=\s*(.+?)(\s+#.*)?$", text, flags=re.MULTILINE)
        value = tomllib.loads(f"v = {line.group(1)}")["v"]
        value = tuple(value) if isinstance(value, list) else value  # a TOML array: a tuple
        assert value == getattr(defaults, key), f"{key}: the comment shows {value!r}"


# ------------------------------------------------------------------------------- Linux bits

def test_systemd_unit_runs_jobs_serve():
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str
    parser.read(UNIT, encoding="utf-8")
    assert parser["Service"]["ExecStart"] == "/opt/support-console/support-console jobs serve"
    assert parser["Service"]["DynamicUser"] == "yes"
    assert parser["Install"]["WantedBy"] == "multi-user.target"


def test_deb_control_and_scripts():
    control = (PACKAGING / "linux" / "debian" / "control.in").read_text(encoding="utf-8")
    depends = re.search(r"^Depends: (.+)$", control, flags=re.MULTILINE).group(1)
    for lib in ("libxcb-cursor0", "libxcb-icccm4", "libxcb-keysyms1", "libxkbcommon-x11-0",
                "libegl1", "libfontconfig1", "libdbus-1-3"):
        assert lib in depends
    for script in ("postinst", "prerm", "postrm"):
        path = PACKAGING / "linux" / "debian" / script
        assert os.access(path, os.X_OK), f"{script} is not executable"
        assert path.read_text().startswith("#!/bin/sh\n")
        assert "systemctl enable" not in path.read_text(), "the jobs unit stays disabled"
        subprocess.run(["sh", "-n", str(path)], check=True)
    for script in ("build.sh", "macos/build-dmg.sh"):
        path = PACKAGING / script
        assert os.access(path, os.X_OK), f"{script} is not executable"
        subprocess.run(["bash", "-n", str(path)], check=True)


def test_rollout_doc_is_honest_about_other_systems():
    text = (ROOT / "docs" / "rollout.md").read_text(encoding="utf-8")
    assert "Rolling out to a team" in text
    assert re.search(r"cannot be built here", text)
    assert "/etc/support-console/config.toml" in text
