"""Shared fixtures: a fresh database per test, on SQLite and on the local PostgreSQL.

PostgreSQL tests skip with a reason when the server is not reachable, except when
SCHOOLWATCH_REQUIRE_PG=1 (set by .ci/run), where an unreachable server fails them:
CI must run them.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from smtp_fixtures import sink, tls_cert  # noqa: F401  (shared email-test fixtures)
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from store.db import make_engine, session_factory

PG_URL = os.environ.get("SCHOOLWATCH_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _pg_unreachable_reason() -> str | None:
    try:
        engine = make_engine(PG_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
        return None
    except Exception as e:  # any failure to connect means "not reachable"
        return f"PostgreSQL not reachable at {PG_URL}: {type(e).__name__}: {e}".splitlines()[0]


@pytest.fixture(scope="session")
def pg_available() -> str | None:
    return _pg_unreachable_reason()


def migrate(engine: Engine) -> None:
    """Bring a fresh database to the current schema the way production does."""
    from store.migrate import upgrade

    upgrade(engine)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path, pg_available) -> Iterator[str]:
    """A URL of an empty database: a SQLite file, or a private schema on the local PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    if pg_available:
        if os.environ.get("SCHOOLWATCH_REQUIRE_PG") == "1":
            pytest.fail(pg_available)
        pytest.skip(pg_available)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in PG_URL else "?"
    try:
        yield f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = make_engine(db_url)
    migrate(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def store(engine: Engine) -> sessionmaker[Session]:
    """A sessionmaker on a freshly migrated database (SQLite and PostgreSQL)."""
    return session_factory(engine)
