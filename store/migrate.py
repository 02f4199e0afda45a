"""Bring a database to the current schema.

TEMPORARY until the Alembic revisions land: creates the tables from the models.
"""

from __future__ import annotations

from sqlalchemy import Engine

from store.models import Base


def upgrade(engine: Engine) -> None:
    Base.metadata.create_all(engine)
