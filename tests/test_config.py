"""Config loading: one fixture per case in tests/fixtures/config, its expectation in line 1.

`# Expect-error: line N: TEXT` — loading fails; the error names the file, line N and TEXT.
`# Expect-ok: WHY` — loading succeeds.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from config import ConfigError, load_config
from config.schema import parse_duration

FIXTURES = Path(__file__).parent / "fixtures" / "config"
CASES = sorted(FIXTURES.glob("*.yaml"))
HEADER = re.compile(r"^# Expect-(error|ok): (?:line (\d+): )?(.*)$")


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_config_fixture(path: Path) -> None:
    m = HEADER.match(path.read_text(encoding="utf-8").splitlines()[0])
    assert m, (
        f"{path.name}: first line must be '# Expect-error: line N: TEXT' or '# Expect-ok: ...'"
    )
    kind, line, text = m.groups()
    if kind == "ok":
        load_config(path)
        return
    with pytest.raises(ConfigError) as err:
        load_config(path)
    message = str(err.value)
    assert f"{path}:{line}:" in message, message
    assert text in message, message


def test_every_config_error_reaches_the_command_line_with_a_non_zero_exit(capsys) -> None:
    from schoolwatch.cli import main

    for path in CASES:
        header = path.read_text(encoding="utf-8").splitlines()[0]
        if not header.startswith("# Expect-error"):
            continue
        assert main(["check-config", "--config", str(path)]) == 2, path.name
        err = capsys.readouterr().err
        assert f"{path}:" in err and "config error" in err, (path.name, err)


def test_all_problems_are_reported_together(tmp_path: Path) -> None:
    cfg = tmp_path / "two.yaml"
    cfg.write_text(
        "schools:\n  - name: Alderbrook Academy\n    recipents: []\ndigest: {time: '99:00'}\n"
    )
    with pytest.raises(ConfigError) as err:
        load_config(cfg)
    assert len(err.value.problems) == 2
    assert f"{cfg}:3: schools[0].recipents" in str(err.value)
    assert f"{cfg}:4: digest.time" in str(err.value)


def test_missing_file_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="schoolwatch init"):
        load_config(tmp_path / "nope.yaml")


def test_config_path_from_environment(tmp_path: Path, monkeypatch) -> None:
    cfg = tmp_path / "env.yaml"
    cfg.write_text("schools: [{name: Env School}]\n")
    monkeypatch.setenv("SCHOOLWATCH_CONFIG", str(cfg))
    assert load_config().schools[0].name == "Env School"


def test_relative_sqlite_path_resolves_against_the_config_folder(tmp_path: Path) -> None:
    cfg = tmp_path / "sub" / "c.yaml"
    cfg.parent.mkdir()
    cfg.write_text("schools: [{name: Alderbrook Academy}]\nstorage: sqlite:///data/sw.db\n")
    assert load_config(cfg).database_url == f"sqlite:///{tmp_path / 'sub' / 'data' / 'sw.db'}"


def test_postgres_url_uses_psycopg3() -> None:
    from config import load_config_text

    cfg = load_config_text(
        "schools: [{name: Alderbrook Academy}]\nstorage: postgresql://sw@db.local/sw\n"
    )
    assert cfg.database_url == "postgresql+psycopg://sw@db.local/sw"


@pytest.mark.parametrize(
    "text,seconds",
    [("30m", 1800), ("1h", 3600), ("2h30m", 9000), ("1d", 86400), ("90s", 90), (300, 300)],
)
def test_durations(text: str | int, seconds: int) -> None:
    assert parse_duration(text) == seconds


def test_bundled_configs_are_valid() -> None:
    root = Path(__file__).parent.parent / "config"
    for path in (root / "starter.yaml", root / "example" / "schoolwatch.yaml"):
        assert load_config(path).schools, path


def test_a_config_that_is_not_utf8_names_the_line(tmp_path: Path) -> None:
    cfg = tmp_path / "latin1.yaml"
    cfg.write_bytes(b"schools:\n  - name: Caf\xe9 Academy\n")
    with pytest.raises(ConfigError) as err:
        load_config(cfg)
    assert str(err.value) == f"{cfg}:2: not UTF-8 text (byte 0xe9): save it as UTF-8"


def test_a_config_path_that_is_a_folder_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=f"^{re.escape(str(tmp_path))}: cannot read: "):
        load_config(tmp_path)


def test_invisible_characters_pasted_into_watched_names_are_dropped() -> None:
    from config.loader import load_config_text
    from pipelines.match import Watchlist
    from pipelines.post import Post

    cfg = load_config_text(
        'schools:\n  - name: "Millbrook\\u200b Primary School"\n'
        '    aliases: ["Mill\\u00adbrook Academy"]\n    location_terms: ["Stro\\u00adud"]\n'
        '    staff: [{name: "Zoe\\u0308 Price\\ufeff", aliases: ["Mrs\\u2060 Price"]}]\n'
    )
    school = cfg.schools[0]
    assert (school.name, school.aliases, school.location_terms) == (
        "Millbrook Primary School",
        ["Millbrook Academy"],
        ["Stroud"],
    )
    assert (school.staff[0].name, school.staff[0].aliases) == ("Zoë Price", ["Mrs Price"])
    found = Watchlist.from_config(cfg).find(Post(text="Fun day at Millbrook Academy, Stroud."))
    assert "Millbrook Academy" in [m.text for m in found]
    with pytest.raises(ConfigError, match=r"<config>:2: schools\[0\]\.name: must not be empty"):
        load_config_text('schools:\n  - name: "\\u200b"\n')
