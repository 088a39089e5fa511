"""Support Console domain: data model, rules as services, settings, import/export. No Qt."""

__version__ = "0.1.0"
