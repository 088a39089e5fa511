"""The PySide6 desktop console: main window, views, item models, background tasks, data bus."""
