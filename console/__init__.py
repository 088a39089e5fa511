"""The PySide6 desktop console: main window, views, item models, background tasks, data bus."""

from console.refcount_guard import protect_singletons

protect_singletons()
