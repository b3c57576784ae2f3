"""hydria's version, kept in one place and cheap to import."""

__version__ = "0.1.0.dev0"
