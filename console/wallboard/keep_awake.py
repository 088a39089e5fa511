"""Keeping the screen awake while the wallboard shows, where the platform lets us."""

from __future__ import annotations

import logging
import sys

log = logging.getLogger("support_console.wallboard")
DBUS_TIMEOUT_SECONDS = 2.0
ES_CONTINUOUS, ES_DISPLAY_REQUIRED = 0x80000000, 0x00000002


class ScreenAwake:
    """`hold()` asks the platform not to blank the screen; `release()` gives that back.
    Linux: the freedesktop ScreenSaver D-Bus service; Windows: SetThreadExecutionState.
    Elsewhere, or when the service is missing, it says so in the log and does nothing."""

    def __init__(self) -> None:
        self._connection = None
        self._cookie: int | None = None
        self.held = False

    def hold(self) -> bool:
        try:
            if sys.platform == "win32":
                import ctypes

                ctypes.windll.kernel32.SetThreadExecutionState(  # type: ignore[attr-defined]
                    ES_CONTINUOUS | ES_DISPLAY_REQUIRED)
            else:
                self._inhibit_over_dbus()
            self.held = True
        except Exception as exc:  # noqa: BLE001 - no way to keep it awake: not an error
            log.info("the screen may blank: cannot keep it awake here (%s)", exc)
            self.held = False
        return self.held

    def _inhibit_over_dbus(self) -> None:
        from jeepney import DBusAddress, new_method_call
        from jeepney.io.blocking import open_dbus_connection

        connection = open_dbus_connection("SESSION")
        try:
            address = DBusAddress("/org/freedesktop/ScreenSaver",
                                  bus_name="org.freedesktop.ScreenSaver",
                                  interface="org.freedesktop.ScreenSaver")
            reply = connection.send_and_get_reply(
                new_method_call(address, "Inhibit", "ss",
                                ("Support Console", "the wallboard is showing")),
                timeout=DBUS_TIMEOUT_SECONDS)
            if reply.header.message_type.name == "error":
                raise RuntimeError(f"ScreenSaver.Inhibit: {reply.body}")
        except BaseException:
            connection.close()
            raise
        # The inhibition lasts while this connection stays open.
        self._connection, self._cookie = connection, int(reply.body[0])

    def release(self) -> None:
        if sys.platform == "win32" and self.held:
            import ctypes

            ctypes.windll.kernel32.SetThreadExecutionState(ES_CONTINUOUS)  # type: ignore[attr-defined]
        if self._connection is not None:
            self._connection.close()
            self._connection = None
        self.held = False
