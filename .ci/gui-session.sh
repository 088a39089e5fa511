#!/usr/bin/env bash
# The desktop the tests run in. Run it inside a private session bus:
#     dbus-run-session -- bash .ci/gui-session.sh [pytest args]
# Starts Xvfb, trayer (XEmbed tray), dunst (org.freedesktop.Notifications) and an
# unlocked gnome-keyring (org.freedesktop.secrets, keyrings in a throwaway dir; HOME is
# left alone), exports SUPPORT_CONSOLE_DESKTOP_SESSION=1, runs `python -m pytest`,
# stops what it started and exits with pytest's exit code.
set -euo pipefail

if [[ -z ${DBUS_SESSION_BUS_ADDRESS:-} ]]; then
    echo "error: run me inside dbus-run-session (see the header of $0)" >&2
    exit 2
fi

WORK=$(mktemp -d /tmp/sc-gui-session.XXXXXX)
PIDS=()

# shellcheck disable=SC2317  # called through trap
cleanup() {
    local rc=$? i
    trap - EXIT INT TERM
    # Clients first, the X server last.
    for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
        kill "${PIDS[i]}" 2>/dev/null || true
        wait "${PIDS[i]}" 2>/dev/null || true
    done
    rm -rf -- "$WORK"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

fail() {
    echo "error: $*" >&2
    for log in "$WORK"/*.log; do
        [[ -s $log ]] && { echo "--- $log" >&2; tail -n 30 "$log" >&2; }
    done
    exit 1
}

wait_for() {  # wait_for SECONDS DESCRIPTION COMMAND...
    local deadline=$((SECONDS + $1)) what=$2
    shift 2
    until "$@" >/dev/null 2>&1; do
        ((SECONDS < deadline)) || fail "timed out waiting for $what"
        sleep 0.05
    done
}

# shellcheck disable=SC2317  # called through wait_for
bus_has() {
    dbus-send --session --print-reply=literal --dest=org.freedesktop.DBus \
        /org/freedesktop/DBus org.freedesktop.DBus.NameHasOwner "string:$1" | grep -q true
}

# Private runtime dir (Qt warns when XDG_RUNTIME_DIR is missing or not 0700).
export XDG_RUNTIME_DIR="$WORK/runtime"
mkdir -m 700 "$XDG_RUNTIME_DIR"

# --- X server
Xvfb -displayfd 3 -screen 0 1400x900x24 -nolisten tcp 3>"$WORK/display" >"$WORK/xvfb.log" 2>&1 &
PIDS+=($!)
wait_for 15 "Xvfb" test -s "$WORK/display"
DISPLAY=":$(tr -d '[:space:]' <"$WORK/display")"
export DISPLAY

# --- tray and notification daemon
trayer --edge top --align right --widthtype request --height 24 \
    --SetDockType true --transparent false >"$WORK/trayer.log" 2>&1 &
PIDS+=($!)
dunst >"$WORK/dunst.log" 2>&1 &
PIDS+=($!)
wait_for 15 "dunst to own org.freedesktop.Notifications" bus_has org.freedesktop.Notifications

# --- keyring: unlocked login keyring in a throwaway dir, HOME untouched
export SUPPORT_CONSOLE_TEST_KEYRING_HOME="$WORK/keyring-home"
mkdir -m 700 "$SUPPORT_CONSOLE_TEST_KEYRING_HOME"
printf '%s' "sc-ci-keyring" |
    env HOME="$SUPPORT_CONSOLE_TEST_KEYRING_HOME" \
        XDG_DATA_HOME="$SUPPORT_CONSOLE_TEST_KEYRING_HOME/.local/share" \
        gnome-keyring-daemon --foreground --unlock --components=secrets \
        >"$WORK/gnome-keyring.log" 2>&1 &
PIDS+=($!)
wait_for 15 "gnome-keyring to own org.freedesktop.secrets" bus_has org.freedesktop.secrets

# --- the tray must really be there (checked with the same Qt the tests use)
QT_QPA_PLATFORM=xcb python - >"$WORK/tray-check.log" 2>&1 <<'PY' || fail "no system tray on $DISPLAY"
import sys, time
from PySide6.QtWidgets import QApplication, QSystemTrayIcon
app = QApplication([])
deadline = time.monotonic() + 15
while not QSystemTrayIcon.isSystemTrayAvailable():
    if time.monotonic() > deadline:
        sys.exit(1)
    app.processEvents()
    time.sleep(0.05)
PY

echo "desktop session: DISPLAY=$DISPLAY, tray, notifications, keyring ready"
export SUPPORT_CONSOLE_DESKTOP_SESSION=1

rc=0
python -m pytest "$@" || rc=$?
exit "$rc"
