#!/usr/bin/env bash
# Build Support Console for Linux from a checkout: a one-folder PyInstaller build, checked by
# running the frozen program, then packaged as
#
#   dist/support-console_<version>_amd64.deb
#   dist/support-console-<version>-linux-x86_64.tar.gz
#
# Usage: packaging/build.sh [--fresh]
#   --fresh            recreate the build venv (else it is reused when present)
# Environment:
#   PYTHON             the interpreter for the build venv (default: python3.11, else python3)
#   BUILD_DIR          where the venv and the intermediate files go (default: build/)
#   DEB_COMPRESSION    dpkg-deb compressor: zstd (default; dpkg >= 1.21.18, Debian 12,
#                      Ubuntu 21.10) or xz (older systems; slower to build)
#
# It builds on this machine's libraries: build on the oldest system you mean to support.
# Windows and macOS installers: packaging/ci/build-installers.yml (they cannot be built here).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${BUILD_DIR:-$ROOT/build}"
VENV="$BUILD/venv"
FREEZE_DIST="$BUILD/pyinstaller/dist"
FREEZE_WORK="$BUILD/pyinstaller/work"
DIST="$ROOT/dist"
START=$SECONDS

say() { printf '\n==> [%3ds] %s\n' "$((SECONDS - START))" "$*"; }
die() { printf 'build.sh: %s\n' "$*" >&2; exit 1; }

FRESH=0
for arg in "$@"; do
    case "$arg" in
        --fresh) FRESH=1 ;;
        -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
        *) die "unknown option $arg" ;;
    esac
done

for tool in dpkg-deb tar readelf; do
    command -v "$tool" >/dev/null || die "$tool is needed (apt-get install dpkg binutils tar)"
done

# --- the system libraries Qt needs at run time ----------------------------------------------
# The frozen program is checked below (smoke test) and the .deb's Depends are worked out from
# the libraries found here, so they must be installed before the build, not only after it.
RUNTIME_PACKAGES=(libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxkbcommon-x11-0 libegl1
                  libgl1 libfontconfig1 libdbus-1-3 fonts-dejavu-core)
MISSING=()
for package in "${RUNTIME_PACKAGES[@]}"; do
    status="$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)"
    [[ "$status" == *"ok installed"* ]] || MISSING+=("$package")
done
if ((${#MISSING[@]})); then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "installing the libraries Qt needs: ${MISSING[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${MISSING[@]}" >/dev/null
    else
        die "first install: sudo apt-get install ${MISSING[*]}"
    fi
fi

# --- the interpreter and the version -------------------------------------------------------
if [ -z "${PYTHON:-}" ]; then
    PYTHON="$(command -v python3.11 || command -v python3 || true)"
fi
[ -n "$PYTHON" ] || die "no python3.11 found (set PYTHON=/path/to/python3.11)"
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
    || die "$PYTHON is older than Python 3.11"
VERSION="$("$PYTHON" -c 'import sys, tomllib; print(tomllib.load(open(sys.argv[1], "rb"))["project"]["version"])' "$ROOT/pyproject.toml")"
[ -n "$VERSION" ] || die "no version in pyproject.toml"
DEB="$DIST/support-console_${VERSION}_amd64.deb"
TARBALL="$DIST/support-console-${VERSION}-linux-x86_64.tar.gz"
say "Support Console $VERSION, built with $("$PYTHON" -V) from $ROOT"

# --- the build venv: the project, its dependencies, PyInstaller ----------------------------
if [ "$FRESH" = 1 ]; then rm -rf "$VENV"; fi
if [ ! -x "$VENV/bin/python" ]; then
    say "creating the build venv $VENV"
    mkdir -p "$BUILD"
    "$PYTHON" -m venv "$VENV"
fi
say "installing the project and PyInstaller into the build venv"
"$VENV/bin/python" -m pip install --quiet --upgrade pip
# Not editable: this also checks that the project builds as a package. The frozen program
# itself is made from this source tree (the spec puts it first on the path).
"$VENV/bin/python" -m pip install --quiet "${ROOT}[package]"

# --- freeze ---------------------------------------------------------------------------------
say "PyInstaller (one folder)"
rm -rf "$FREEZE_DIST"
(cd "$ROOT" && "$VENV/bin/pyinstaller" --noconfirm --clean --log-level WARN \
    --distpath "$FREEZE_DIST" --workpath "$FREEZE_WORK" packaging/support-console.spec)
APP="$FREEZE_DIST/support-console"
[ -x "$APP/support-console" ] || die "PyInstaller made no $APP/support-console"

# --- check the frozen program before packaging anything ------------------------------------
say "checking the frozen program"
CHECK="$(mktemp -d "${TMPDIR:-/tmp}/support-console-check.XXXXXX")"
trap 'rm -rf "$CHECK"' EXIT
run() {
    # From an unrelated folder, with nothing of this machine's settings or the user's.
    (cd "$CHECK" && env -u SUPPORT_CONSOLE_DB \
        HOME="$CHECK/home" XDG_CONFIG_HOME="$CHECK/home/.config" \
        XDG_DATA_HOME="$CHECK/home/.local/share" XDG_STATE_HOME="$CHECK/home/.local/state" \
        XDG_CACHE_HOME="$CHECK/home/.cache" \
        SUPPORT_CONSOLE_SITE_CONFIG="$CHECK/no-site-config.toml" \
        SUPPORT_CONSOLE_USER_CONFIG="$CHECK/no-user-config.toml" \
        PYTHON_KEYRING_BACKEND=keyring.backends.fail.Keyring \
        "$APP/support-console" "$@")
}
DB="sqlite:///$CHECK/check.db"

got="$(run --version)"
[ "$got" = "support-console $VERSION" ] || die "--version says '$got', expected 'support-console $VERSION'"
echo "  --version: $got"
run --db "$DB" init >"$CHECK/init.json" || die "init failed"
grep -q '"revision"' "$CHECK/init.json" || die "init did not report a schema revision"
echo "  init: schema created (Alembic migrations loaded from the bundle)"
run --db "$DB" demo --items 1500 >"$CHECK/demo.json" || die "demo failed"
echo "  demo: $(tr -d '\n ' <"$CHECK/demo.json")"
run --db "$DB" report sla >"$CHECK/sla.json" || die "report sla failed"
echo "  report sla: $(tr -d '\n ' <"$CHECK/sla.json" | cut -c1-100)..."
run --db "postgresql://nobody@127.0.0.1:1/none" report sla >/dev/null 2>"$CHECK/pg.err" || true
if grep -qiE "no module|driver missing|can't load plugin|NoSuchModuleError" "$CHECK/pg.err"; then
    die "the PostgreSQL driver is not in the bundle: $(cat "$CHECK/pg.err")"
fi
echo "  postgresql+psycopg: driver loads ($(cut -c1-80 "$CHECK/pg.err"))"

QT_QPA_PLATFORM=offscreen run --db "$DB" gui --smoke-test \
    || die "gui --smoke-test failed (QT_QPA_PLATFORM=offscreen)"
echo "  gui --smoke-test: passed (offscreen)"
run --db "$DB" jobs list >"$CHECK/jobs.json" || die "jobs list failed (APScheduler entry points?)"
echo "  jobs list: passed"
# As the console's scheduler runs a job (jobs/child_process.py): settings on stdin.
printf '{"db_url": "%s", "timezone": "UTC"}' "$DB" \
    | run jobs run check-sla-breaches --trigger catch-up --settings-stdin >"$CHECK/job.json" \
    || die "jobs run with the settings on stdin failed"
grep -q '"outcome": "ok"' "$CHECK/job.json" || die "jobs run did not report ok: $(cat "$CHECK/job.json")"
echo "  jobs run (as the console's scheduler runs it): ok"

# --- the .deb -------------------------------------------------------------------------------
say "packaging $DEB"
STAGE="$BUILD/deb/root"
rm -rf "$BUILD/deb"
mkdir -p "$STAGE/opt" "$STAGE/usr/bin" "$STAGE/usr/share/applications" \
    "$STAGE/usr/share/doc/support-console/examples" "$STAGE/lib/systemd/system" "$STAGE/DEBIAN"
cp -a "$APP" "$STAGE/opt/support-console"
ln -s /opt/support-console/support-console "$STAGE/usr/bin/support-console"
install -m 644 "$ROOT/resources/support-console.desktop" "$STAGE/usr/share/applications/"
for png in "$ROOT"/resources/icons/support-console-*.png; do
    size="$(basename "$png" .png)"; size="${size##*-}"
    install -D -m 644 "$png" "$STAGE/usr/share/icons/hicolor/${size}x${size}/apps/support-console.png"
done
install -D -m 644 "$ROOT/resources/icons/support-console.svg" \
    "$STAGE/usr/share/icons/hicolor/scalable/apps/support-console.svg"
install -m 644 "$ROOT/packaging/linux/support-console-jobs.service" "$STAGE/lib/systemd/system/"
install -m 644 "$ROOT/packaging/config.example.toml" "$STAGE/usr/share/doc/support-console/"
install -m 644 "$ROOT/docs/rollout.md" "$STAGE/usr/share/doc/support-console/"
install -m 644 "$ROOT/packaging/linux/support-console-autostart.desktop" \
    "$STAGE/usr/share/doc/support-console/examples/"
cat >"$STAGE/usr/share/doc/support-console/copyright" <<EOF
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: support-console
Files: *
License: MIT
Comment: /opt/support-console/_internal holds the Python runtime and the libraries the
 program was built with (Qt for Python under the LGPLv3, SQLAlchemy, Alembic, APScheduler,
 pyqtgraph, psycopg under the LGPLv3, keyring, openpyxl, ...), each under its own licence;
 their metadata is in the *.dist-info folders there.
EOF
for script in postinst prerm postrm; do
    install -m 755 "$ROOT/packaging/linux/debian/$script" "$STAGE/DEBIAN/$script"
done

# Dependencies: the libraries the bundle needs but does not carry (found with readelf), as
# Debian packages, on top of those Qt loads at run time (recipes.md).
find "$STAGE/opt/support-console" \( -type f -o -type l \) -name '*.so*' -printf '%f\n' | sort -u >"$BUILD/deb/bundled.txt"
find "$STAGE/opt/support-console" -type f \( -name '*.so*' -o -name support-console \) \
    -exec readelf -d {} + 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | sort -u >"$BUILD/deb/needed.txt"
EXTRA=""
while read -r soname; do
    case "$soname" in ld-linux*|libc.so*|libm.so*|libdl.so*|libpthread.so*|librt.so*|libresolv.so*|libutil.so*) continue ;; esac
    path="$(/sbin/ldconfig -p | awk -v s="$soname" '$1 == s && /x86-64/ && !found {print $NF; found = 1}')"  # no early exit: SIGPIPE + pipefail
    pkg=""
    if [ -n "$path" ] && command -v dpkg-query >/dev/null; then
        pkg="$(dpkg-query -S "$(readlink -f "$path")" 2>/dev/null | head -1 | cut -d: -f1 || true)"
    fi
    if [ -z "$pkg" ]; then
        echo "  warning: $soname is needed but neither bundled nor found in a package" >&2
        continue
    fi
    case ", $EXTRA, " in *", $pkg, "*) ;; *) EXTRA="${EXTRA:+$EXTRA, }$pkg" ;; esac
done < <(grep -vxFf "$BUILD/deb/bundled.txt" "$BUILD/deb/needed.txt")
GLIBC="$(find "$STAGE/opt/support-console" -type f \( -name '*.so*' -o -name support-console \) \
    -exec readelf -V {} + 2>/dev/null | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -1)"
INSTALLED_SIZE="$(du -sk --exclude=DEBIAN "$STAGE" | cut -f1)"
sed -e "s/@VERSION@/$VERSION/" -e "s/@INSTALLED_SIZE@/$INSTALLED_SIZE/" \
    -e "s/libc6 (>= [0-9.]*)/libc6 (>= ${GLIBC:-2.36})/" \
    -e "s/@EXTRA_DEPENDS@/${EXTRA:+, $EXTRA}/" \
    "$ROOT/packaging/linux/debian/control.in" >"$STAGE/DEBIAN/control"
# Drop the packages that are already listed.
"$PYTHON" - "$STAGE/DEBIAN/control" <<'PY'
import sys
path = sys.argv[1]
lines = open(path, encoding="utf-8").read().splitlines()
for i, line in enumerate(lines):
    if line.startswith("Depends:"):
        seen, deps = set(), []
        for dep in line[len("Depends:"):].split(","):
            name = dep.strip().split(" ")[0]
            if name and name not in seen:
                seen.add(name)
                deps.append(dep.strip())
        lines[i] = "Depends: " + ", ".join(deps)
open(path, "w", encoding="utf-8").write("\n".join(lines) + "\n")
PY
grep '^Depends' "$STAGE/DEBIAN/control" | fold -w 100 | sed 's/^/  /'
find "$STAGE" -type d -exec chmod 755 {} +
mkdir -p "$DIST"
rm -f "$DEB"
dpkg-deb --build --root-owner-group -Z"${DEB_COMPRESSION:-zstd}" "$STAGE" "$DEB" >/dev/null
dpkg-deb --info "$DEB" >/dev/null

# --- the tarball ----------------------------------------------------------------------------
say "packaging $TARBALL"
TSTAGE="$BUILD/tar/support-console-$VERSION"
rm -rf "$BUILD/tar"
mkdir -p "$TSTAGE"
cp -a "$APP/." "$TSTAGE/"
mkdir -p "$TSTAGE/share"
cp -a "$STAGE/usr/share/applications" "$STAGE/usr/share/icons" "$STAGE/usr/share/doc" "$TSTAGE/share/"
install -D -m 644 "$ROOT/packaging/linux/support-console-jobs.service" "$TSTAGE/share/systemd/support-console-jobs.service"
cat >"$TSTAGE/INSTALL.txt" <<EOF
Support Console $VERSION for Linux x86-64 (glibc $GLIBC or newer).

Run it in place:      ./support-console --help
Install it for all:   sudo cp -a . /opt/support-console
                      sudo ln -s /opt/support-console/support-console /usr/local/bin/
                      sudo cp -r share/applications share/icons /usr/local/share/
The .deb does all of this (and removes it cleanly): prefer it on Debian and Ubuntu.
Rollout to a team: share/doc/support-console/rollout.md
EOF
tar --sort=name --owner=0 --group=0 --numeric-owner -C "$BUILD/tar" \
    -czf "$TARBALL" "support-console-$VERSION"

say "done"
du -sh "$APP" | awk '{print "  one-folder build: " $1}'
ls -l "$DEB" "$TARBALL" | awk '{printf "  %s  %d MB\n", $NF, $5 / 1048576}'
