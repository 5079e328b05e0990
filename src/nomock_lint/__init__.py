"""nomock: a linter that enforces a no-mock testing policy."""

__version__ = "0.1.0"
