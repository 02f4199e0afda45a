"""Bring a database to the current schema with Alembic, configured in code.

No alembic.ini is read at run time: the scripts are found next to this module, so the same call
works from a checkout, an editable install or a wheel. An admin may still run
`alembic -c store/alembic.ini upgrade head` (URL from SCHOOLWATCH_DB_URL).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from store.db import make_engine, session_factory
from store.errors import StoreError, masked_url

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
CONNECT_TIMEOUT_SECONDS = 10

# Any constant works: it only has to be the same in every process that migrates this database.
_PG_MIGRATION_LOCK = 0x5C0017A7C4


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at; None for a database Alembic has never touched."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _upgrade_on(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        # Two processes starting on a fresh database (scheduler and a crawl) must not both
        # create the tables: the second waits, then finds the schema at head and does nothing.
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATION_LOCK})
    config = alembic_config()
    config.attributes["connection"] = conn
    command.upgrade(config, "head")


def upgrade(engine_or_url: Engine | str) -> None:
    """Migrate to the newest revision, in one transaction. Running it again does nothing.

    On SQLite the transaction starts with BEGIN IMMEDIATE (see store.db), which also keeps two
    processes from migrating at once. Raises StoreError naming the database on any failure.
    """
    engine = make_engine(engine_or_url) if isinstance(engine_or_url, str) else engine_or_url
    try:
        with engine.begin() as conn:
            _upgrade_on(conn)
    except SQLAlchemyError as e:
        raise StoreError(
            f"cannot migrate the database at {masked_url(engine.url)}: {_cause(e)}"
        ) from e
    finally:
        if isinstance(engine_or_url, str):
            engine.dispose()


def open_store(url: str) -> sessionmaker[Session]:
    """Connect to the database at `url`, migrate it to head and return a session factory."""
    options: dict[str, Any] = {}
    if url.startswith("postgresql") and "connect_timeout" not in url:
        # A host that drops packets would otherwise hang start-up for minutes.
        options["connect_args"] = {"connect_timeout": CONNECT_TIMEOUT_SECONDS}
    try:
        engine = make_engine(url, **options)
    except (SQLAlchemyError, ValueError, ImportError) as e:
        # A malformed URL or an unknown driver.
        raise StoreError(f"cannot open the database at {masked_url(url)}: {_cause(e)}") from e
    try:
        upgrade(engine)
    except StoreError as e:
        engine.dispose()
        hint = _sqlite_folder_problem(engine)
        raise StoreError(f"cannot open the database at {masked_url(url)}: {_cause(e)}{hint}") from e
    return session_factory(engine)


def _sqlite_folder_problem(engine: Engine) -> str:
    """SQLite says only "unable to open database file": say what is wrong with the folder."""
    db = engine.url.database
    if engine.dialect.name != "sqlite" or not db or db == ":memory:" or db.startswith("file:"):
        return ""
    folder = Path(db).absolute().parent
    if not folder.is_dir():
        return f" (the folder {folder} does not exist)"
    if not os.access(folder, os.W_OK):
        return f" (the folder {folder} is not writable)"
    return ""


def _cause(e: BaseException) -> str:
    """One line saying what went wrong, without SQLAlchemy's SQL echo and background link."""
    if isinstance(e, StoreError):
        inner = e.__cause__
        return _cause(inner) if inner is not None else str(e)
    orig = getattr(e, "orig", None)
    detail = str(orig if orig is not None else e).strip()
    first = detail.splitlines()[0] if detail else ""
    name = type(orig if orig is not None else e).__name__
    return f"{name}: {first}" if first else name
