"""Alembic environment for the schoolwatch store.

Run programmatically by `store.migrate.upgrade`, which hands over an open connection in
`config.attributes["connection"]`; or by an admin with `alembic -c store/alembic.ini upgrade head`,
which takes the URL from the SCHOOLWATCH_DB_URL environment variable.
"""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy.engine import Connection

from store.db import make_engine
from store.models import Base

config = context.config
target_metadata = Base.metadata


def _configure_and_run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things: batch mode copies the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _url_from_environment() -> str:
    url = os.environ.get("SCHOOLWATCH_DB_URL") or config.get_main_option("sqlalchemy.url")
    if not url:
        raise SystemExit(
            "set SCHOOLWATCH_DB_URL to the database URL (e.g. sqlite:///schoolwatch.db)"
        )
    return url


def run_migrations_offline() -> None:
    """`alembic upgrade head --sql`: print the SQL instead of running it."""
    context.configure(
        url=_url_from_environment(),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=_url_from_environment().startswith("sqlite"),
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure_and_run(connection)
        return
    engine = make_engine(_url_from_environment())
    try:
        with engine.begin() as conn:
            _configure_and_run(conn)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
