"""schoolwatch: watches the public web for what is said about a school."""

__version__ = "0.1.0"
