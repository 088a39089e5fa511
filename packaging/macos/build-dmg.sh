#!/usr/bin/env bash
# Build "Support Console.app" and a .dmg on macOS (11 or newer, Python 3.11 from python.org
# or Homebrew). It cannot run on the Linux machines this project is developed on:
# packaging/ci/build-installers.yml runs it on macOS runners.
#
#   packaging/macos/build-dmg.sh
#     -> dist/Support Console.app
#     -> dist/support-console-<version>-macos-<arm64|x86_64>.dmg
#
# The build is for the machine's own architecture (arm64 on Apple silicon, x86_64 on Intel):
# build on each for both. Signing and notarization are optional:
#   CODESIGN_IDENTITY="Developer ID Application: ..."   sign the app (hardened runtime)
#   NOTARY_PROFILE=<keychain profile of notarytool>       notarize and staple the dmg
# Without them the app is unsigned: Gatekeeper asks users to open it with right-click, Open.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD="${BUILD_DIR:-$ROOT/build}"
PYTHON="${PYTHON:-python3.11}"
cd "$ROOT"

[ "$(uname -s)" = Darwin ] || { echo "build-dmg.sh: this runs on macOS only" >&2; exit 1; }
VERSION="$("$PYTHON" -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')"
ARCH="$(uname -m)"
APP="$ROOT/dist/Support Console.app"
DMG="$ROOT/dist/support-console-$VERSION-macos-$ARCH.dmg"

# The build venv: the project, its dependencies and PyInstaller.
[ -x "$BUILD/venv/bin/python" ] || "$PYTHON" -m venv "$BUILD/venv"
"$BUILD/venv/bin/python" -m pip install --quiet --upgrade pip
"$BUILD/venv/bin/python" -m pip install --quiet ".[package]"

# Freeze (the spec makes the .app on macOS).
rm -rf "$APP" "$ROOT/dist/support-console"
"$BUILD/venv/bin/pyinstaller" --noconfirm --clean --log-level WARN \
    --distpath "$ROOT/dist" --workpath "$BUILD/pyinstaller/work" packaging/support-console.spec

# Check the frozen program before packaging it, as build.sh does on Linux.
EXE="$APP/Contents/MacOS/support-console"
CHECK="$(mktemp -d)"
trap 'rm -rf "$CHECK"' EXIT
export SUPPORT_CONSOLE_SITE_CONFIG="$CHECK/none.toml" SUPPORT_CONSOLE_USER_CONFIG="$CHECK/none-user.toml"
got="$("$EXE" --version)"
[ "$got" = "support-console $VERSION" ] || { echo "--version says '$got'" >&2; exit 1; }
"$EXE" --db "sqlite:///$CHECK/check.db" init
"$EXE" --db "sqlite:///$CHECK/check.db" demo --items 1500
"$EXE" --db "sqlite:///$CHECK/check.db" report sla
"$EXE" --db "sqlite:///$CHECK/check.db" jobs list
QT_QPA_PLATFORM=offscreen "$EXE" --db "sqlite:///$CHECK/check.db" gui --smoke-test

# Sign (optional).
if [ -n "${CODESIGN_IDENTITY:-}" ]; then
    codesign --force --deep --options runtime --timestamp --sign "$CODESIGN_IDENTITY" "$APP"
    codesign --verify --deep --strict "$APP"
fi

# The disk image: the app, a link to /Applications, the example site config and the docs.
STAGE="$BUILD/dmg"
rm -rf "$STAGE" "$DMG"
mkdir -p "$STAGE"
cp -R "$APP" "$STAGE/"
ln -s /Applications "$STAGE/Applications"
cp packaging/config.example.toml "$STAGE/config.example.toml"
cp docs/rollout.md "$STAGE/Rolling out to a team.md"
hdiutil create -volname "Support Console $VERSION" -srcfolder "$STAGE" -ov -format UDZO "$DMG"

if [ -n "${NOTARY_PROFILE:-}" ]; then
    xcrun notarytool submit "$DMG" --keychain-profile "$NOTARY_PROFILE" --wait
    xcrun stapler staple "$DMG"
fi
echo "built $DMG"
