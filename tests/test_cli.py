"""The `schoolwatch` command line: help everywhere, init, check-config, scrapy from the root."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from config import load_config
from schoolwatch.cli import main

ROOT = Path(__file__).resolve().parent.parent
COMMANDS = [
    "init", "check-config", "crawl", "sources", "classify", "explain", "evaluate", "train",
    "correct", "digest", "flush", "queue", "run", "demo",
]  # fmt: skip


@pytest.mark.parametrize("command", COMMANDS)
def test_every_subcommand_has_help(command: str, capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        main([command, "--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert f"schoolwatch {command}" in out and "--config" in out


def test_no_subcommand_prints_help_and_fails(capsys) -> None:
    assert main([]) == 2
    assert "check-config" in capsys.readouterr().out


def test_init_writes_a_valid_commented_config_and_will_not_overwrite(
    tmp_path: Path, capsys
) -> None:
    target = tmp_path / "schoolwatch.yaml"
    assert main(["init", str(target)]) == 0
    assert "#" in target.read_text() and load_config(target).schools
    assert main(["init", str(target)]) == 1
    assert "--force" in capsys.readouterr().err
    assert main(["init", str(target), "--force"]) == 0


def test_check_config_summarises(capsys) -> None:
    path = ROOT / "config" / "example" / "schoolwatch.yaml"
    assert main(["check-config", "--config", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Millbrook Church of England Primary School" in out
    assert "source parents-forum: page" in out
    assert "digest: 07:30 Europe/London on mon, tue, wed, thu, fri" in out
    # Short aliases need context beside them in a post: the admin is told which.
    assert "count only with school life beside them" in out
    assert "'St Aidans'" in out and "'Millbrook'" in out and "'MCEPS'" not in out


def test_check_config_warns_about_a_missing_logo_and_no_digest_readers(
    tmp_path: Path, capsys
) -> None:
    cfg = tmp_path / "c.yaml"
    cfg.write_text("schools: [{name: Alderbrook Academy, logos: [crest.png]}]\n")
    assert main(["check-config", "--config", str(cfg)]) == 0
    out = capsys.readouterr().out
    assert f"logo file not found: {tmp_path / 'crest.png'}" in out
    assert "no recipient has the slt role" in out


def test_crawl_names_an_unknown_source(tmp_path: Path) -> None:
    cfg = tmp_path / "c.yaml"
    db = tmp_path / "x.db"
    cfg.write_text(f"schools: [{{name: Alderbrook Academy}}]\nstorage: sqlite:///{db}\n")
    with pytest.raises(SystemExit, match="no source named 'nope'"):
        main(["crawl", "--config", str(cfg), "--source", "nope"])


def test_scrapy_list_works_from_the_project_root_without_a_config() -> None:
    env = {k: v for k, v in os.environ.items() if k != "SCHOOLWATCH_CONFIG"}
    out = subprocess.run(
        [sys.executable, "-m", "scrapy", "list"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == sorted(
        "article bluesky feed forum google_alerts google_news mastodon page reddit youtube".split()
    )  # one spider per source kind (config.schema.SourceKind)


@pytest.mark.parametrize("command", [["sources"], ["queue", "list"], ["flush"], ["crawl"]])
def test_an_unreachable_database_is_a_clear_error_not_a_traceback(
    command: list[str], tmp_path: Path, capsys
) -> None:
    cfg = tmp_path / "sw.yaml"
    cfg.write_text(
        "schools: [{name: Millbrook Primary School}]\n"
        "sources: [{name: news, kind: feed, url: 'http://127.0.0.1:9/rss'}]\n"
        "storage: postgresql://sw:s3cret@127.0.0.1:1/sw\n"
    )
    assert main([*command, "--config", str(cfg)]) == 3
    err = capsys.readouterr().err
    assert err.startswith("schoolwatch: database error\ncannot open the database at ")
    assert "sw:***@127.0.0.1:1/sw" in err and "s3cret" not in err
    assert "Traceback" not in err


def test_a_database_failing_mid_command_names_it(tmp_path: Path, capsys) -> None:
    db = tmp_path / "sw.db"
    cfg = tmp_path / "sw.yaml"
    cfg.write_text(f"schools: [{{name: Millbrook Primary School}}]\nstorage: sqlite:///{db}\n")
    assert main(["queue", "list", "--config", str(cfg)]) == 0
    import sqlite3

    with sqlite3.connect(db) as conn:  # a damaged database: a table has gone
        conn.execute("DROP TABLE comms_queue")
    capsys.readouterr()
    assert main(["queue", "list", "--config", str(cfg)]) == 3
    err = capsys.readouterr().err
    assert err.startswith(f"schoolwatch: database error\nthe database at sqlite:///{db}: ")
    assert "comms_queue" in err and "Traceback" not in err


def test_the_help_test_covers_every_subcommand() -> None:
    import argparse

    from schoolwatch.cli import _parser

    sub = next(a for a in _parser()._actions if isinstance(a, argparse._SubParsersAction))
    assert set(sub.choices) == set(COMMANDS)


def test_a_digest_preview_that_cannot_be_written_names_the_path(tmp_path: Path, capsys) -> None:
    cfg = tmp_path / "sw.yaml"
    cfg.write_text(
        f"schools: [{{name: Millbrook Primary School}}]\nstorage: sqlite:///{tmp_path}/d.db\n"
    )
    target = cfg / "preview.html"  # its folder is a file
    assert main(["digest", "--preview", str(target), "--config", str(cfg)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("schoolwatch digest: cannot write the preview: ") and str(cfg) in err
