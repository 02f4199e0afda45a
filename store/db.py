"""Engine and session creation, the same code for SQLite (WAL) and PostgreSQL."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)


def make_engine(url: str, **kw: Any) -> Engine:
    if url.startswith("sqlite"):
        # A crawl process and the scheduler write to the same file: wait for the lock
        # instead of failing at once.
        kw.setdefault("connect_args", {"timeout": 30})
        engine = create_engine(url, **kw)
        database = engine.url.database or ""
        on_disk = database not in ("", ":memory:") and not database.startswith("file:")
        path = os.path.abspath(database) if on_disk else None

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, record: Any) -> None:
            if path is not None:
                record.info["sw_file"] = _file_id(path)
            cur = dbapi_conn.cursor()
            if ":memory:" not in url:
                cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()
            # pysqlite's own transaction handling emits no BEGIN before a SELECT or a SAVEPOINT,
            # so RELEASE of a `session.begin_nested()` savepoint would COMMIT the whole outer
            # transaction. Let SQLAlchemy emit BEGIN itself (the SQLAlchemy-documented recipe).
            dbapi_conn.isolation_level = None

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn: Any) -> None:
            # IMMEDIATE takes the write lock at BEGIN (waiting up to `timeout`): a transaction
            # that reads and then writes can never fail on a stale WAL snapshot because another
            # process wrote in between. Writers are serialised; keep transactions short.
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        @event.listens_for(engine, "checkout")
        def _sqlite_same_file(_dbapi_conn: Any, record: Any, _proxy: Any) -> None:
            # A pooled connection to a file that was deleted or replaced (restored from a
            # backup) would go on reading and writing the old, unlinked copy while the crawls
            # write to the new one: nothing they store would ever be routed. Reconnect instead.
            if path is not None and _file_id(path) != record.info.get("sw_file"):
                log.error("the database file %s was deleted or replaced: reopening it", path)
                raise DisconnectionError(f"the database file {path} was deleted or replaced")

        return engine
    kw.setdefault("pool_pre_ping", True)
    return create_engine(url, **kw)


def _file_id(path: str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error."""
    with factory() as session, session.begin():
        yield session
