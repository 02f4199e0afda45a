"""store.migrate: Alembic from an empty database to exactly the models' schema, on both backends."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from setuptools import find_packages
from sqlalchemy import inspect, text

from store import StoreError
from store.db import make_engine
from store.migrate import current_revision, head_revision, open_store, upgrade
from store.models import Base, Item

REPO = Path(__file__).resolve().parents[1]


def schema_diff(engine) -> list:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)


def test_there_is_one_head_and_it_is_0001() -> None:
    assert head_revision() == "0003"


def test_upgrade_from_empty_gives_exactly_the_models(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        assert current_revision(engine) is None
        upgrade(engine)
        assert current_revision(engine) == head_revision()
        assert schema_diff(engine) == []
        tables = set(inspect(engine).get_table_names())
        assert tables == set(Base.metadata.tables) | {"alembic_version"}
    finally:
        engine.dispose()


def test_upgrading_twice_changes_nothing(db_url: str) -> None:
    upgrade(db_url)  # by URL: makes and disposes its own engine
    engine = make_engine(db_url)
    try:
        # PostgreSQL lists tables in no fixed order: compare them sorted.
        def columns() -> str:
            return repr(
                {
                    t: inspect(engine).get_columns(t)
                    for t in sorted(inspect(engine).get_table_names())
                }
            )

        before = columns()
        upgrade(engine)
        assert columns() == before
        with engine.connect() as conn:
            versions = conn.execute(text("SELECT version_num FROM alembic_version")).all()
        assert versions == [(head_revision(),)]
    finally:
        engine.dispose()


def test_postgres_version_table_lands_in_the_search_path_schema(db_url: str) -> None:
    if not db_url.startswith("postgresql"):
        pytest.skip("search_path is a PostgreSQL matter")
    schema = db_url.rsplit("search_path%3D", 1)[1]
    upgrade(db_url)
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            found = conn.execute(
                text(
                    "SELECT table_schema FROM information_schema.tables"
                    " WHERE table_name IN ('alembic_version', 'items')"
                )
            ).all()
        assert sorted(found) == [(schema,), (schema,)]
    finally:
        engine.dispose()


def test_open_store_migrates_and_returns_a_session_factory(db_url: str) -> None:
    factory = open_store(db_url)
    try:
        with factory() as session:
            assert session.query(Item).count() == 0
        assert current_revision(factory.kw["bind"]) == head_revision()
    finally:
        factory.kw["bind"].dispose()


def test_open_store_on_an_unreachable_database_names_it() -> None:
    url = "postgresql+psycopg://postgres:s3cret@127.0.0.1:1/x"
    with pytest.raises(StoreError) as caught:
        open_store(url)
    message = str(caught.value)
    assert "postgresql+psycopg://postgres:***@127.0.0.1:1/x" in message
    assert "s3cret" not in message
    assert "OperationalError" in message and "127.0.0.1" in message


def test_open_store_on_an_unopenable_sqlite_file_names_it(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'missing-dir' / 'db.sqlite'}"
    with pytest.raises(StoreError, match=r"missing-dir/db\.sqlite: .*unable to open") as caught:
        open_store(url)
    # SQLite's own message does not say why: the folder is named.
    assert f"(the folder {tmp_path / 'missing-dir'} does not exist)" in str(caught.value)


def test_open_store_with_a_malformed_url_names_it() -> None:
    with pytest.raises(StoreError, match="cannot open the database at nonsense"):
        open_store("nonsense")


def test_admin_can_run_alembic_with_the_ini_file(tmp_path: Path) -> None:
    """`alembic -c store/alembic.ini upgrade head` with the URL from SCHOOLWATCH_DB_URL."""
    url = f"sqlite:///{tmp_path / 'admin.db'}"
    env = {**os.environ, "SCHOOLWATCH_DB_URL": url}
    done = subprocess.run(
        [sys.executable, "-m", "alembic", "-c", str(REPO / "store/alembic.ini"), "upgrade", "head"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    engine = make_engine(url)
    try:
        assert current_revision(engine) == head_revision()
        assert schema_diff(engine) == []
    finally:
        engine.dispose()


def test_migration_scripts_ship_as_package_data() -> None:
    """pyproject.toml must put the Alembic scripts into a wheel, or upgrade() finds nothing."""
    import tomllib

    project = tomllib.loads((REPO / "pyproject.toml").read_text())
    setuptools = project["tool"]["setuptools"]
    assert any(pattern.startswith("store") for pattern in setuptools["packages"]["find"]["include"])
    data = setuptools["package-data"]
    patterns = {p for key in ("*", "store", "store.migrations") for p in data.get(key, [])}
    assert "*.mako" in patterns
    packages = find_packages(str(REPO), include=setuptools["packages"]["find"]["include"])
    assert {"store", "store.migrations", "store.migrations.versions"} <= set(packages)
