"""The console on the desktop: tray, notifications, the embedded scheduler and the keyring."""
