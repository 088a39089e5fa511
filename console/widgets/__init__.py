"""Reusable widgets: tiles, charts, tables, the error banner and the busy indicator."""
