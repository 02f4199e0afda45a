"""Alembic revisions, oldest first. A package so it ships in the wheel."""
