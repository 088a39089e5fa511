"""The settings dialog's tabs: one widget per tab, each with `load(settings)` and `values()`."""
