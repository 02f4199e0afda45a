"""Alembic migration environment for the store (a package so it ships in the wheel)."""
