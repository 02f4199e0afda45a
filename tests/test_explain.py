"""`schoolwatch explain` and the watchlist guard: what an admin sees when tuning."""

from __future__ import annotations

from pathlib import Path

import pytest

from config import ConfigError, load_config, load_config_text
from pipelines.match import Watchlist
from pipelines.post import Post
from schoolwatch.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "config" / "example" / "schoolwatch.yaml"


def test_explain_lists_every_candidate_with_its_verdict(capsys: pytest.CaptureFixture[str]) -> None:
    text = (
        "Mr Price and Mrs Okafer, Millbrook Primary; St Aidan's Catholic Academy in Bath. "
        "Walked round Millbrook Garden Centre."
    )
    assert main(["explain", "--config", str(EXAMPLE), text]) == 0
    out = capsys.readouterr().out
    assert "MATCH  staff  'David Price'" in out
    assert "'Mrs Okafer' score 83: title + surname fuzzy 83" in out
    assert "weak alias ignored: the post has an excluded phrase" in out
    assert "placed in 'Bath', not one of the school's location terms: a namesake" in out
    assert "seen   exclude 'Millbrook Garden Centre'" in out
    assert "=> relevant: 2 mention(s)" in out


def test_explain_says_why_a_famous_namesake_is_not_a_teacher(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    cfg = tmp_path / "sw.yaml"
    cfg.write_text("schools:\n  - name: Oakfield School\n    staff: [{name: Harry Kane}]\n")
    assert main(["explain", "--config", str(cfg), "Harry Kane scored twice for England."]) == 0
    out = capsys.readouterr().out
    assert "held   staff  'Harry Kane'" in out and "nothing ties the post to school" in out
    assert "=> not relevant: 1 held mention(s) dropped" in out


def test_explain_says_a_held_mention_is_kept_when_the_post_reads_as_safeguarding(
    capsys: pytest.CaptureFixture[str],
) -> None:
    text = "cant face st aidans again. nobody would notice if i wasnt here anymore"
    assert main(["explain", "--config", str(EXAMPLE), text]) == 0
    out = capsys.readouterr().out
    assert "held   school" in out and "needs location or school context" in out
    assert "=> relevant: 1 held mention(s) kept, as the post reads as safeguarding" in out


def test_explain_reads_one_post_of_a_classify_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    src = tmp_path / "posts.jsonl"
    src.write_text(
        '{"id": "1", "text": "nothing here"}\n'
        '{"id": "2", "title": "Mrs Okafor", "text": "Lovely assembly."}\n'
    )
    assert main(["explain", "--config", str(EXAMPLE), "--input", str(src), "--id", "2"]) == 0
    out = capsys.readouterr().out
    assert "post 2:" in out and "post 1:" not in out
    assert (
        "MATCH  staff  'Helen Okafor' (Millbrook Church of England Primary School) title:0-10"
        in out
    )


def test_explain_bad_input_line_is_named(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    src = tmp_path / "posts.jsonl"
    src.write_text('{"id": "1", "text": "ok"}\n{"id": "2"}\n')
    assert main(["explain", "--config", str(EXAMPLE), "--input", str(src)]) == 2
    assert f"{src}:2: field 'text': required but missing" in capsys.readouterr().err


def test_explain_a_bad_line_loses_no_other_post(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    src = tmp_path / "posts.jsonl"
    src.write_bytes(
        b'{"id": "1", "text": "caf\xe9"}\n'
        b"not json\n"
        b'{"id": "3", "title": "Mrs Okafor", "text": "Hi"}\n'
    )
    assert main(["explain", "--config", str(EXAMPLE), "--input", str(src), "--id", "3"]) == 2
    captured = capsys.readouterr()
    assert "post 3:" in captured.out and "MATCH  staff  'Helen Okafor'" in captured.out
    assert f"{src}:1: not UTF-8 text" in captured.err
    assert f"{src}:2: not valid JSON" in captured.err


def test_explain_no_candidate(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "--config", str(EXAMPLE), "The weather was fine."]) == 0
    assert "no candidate" in capsys.readouterr().out


def test_explained_candidates_match_find(tmp_path: Path) -> None:
    """explain() and find() are one implementation: the matched candidates are the mentions."""
    wl = Watchlist.from_config(load_config(EXAMPLE))
    post = Post(text="Mrs Okafor and Mr Ashworth at #MillbrookPrimaryStroud; Mr Smith too.")
    mentions = wl.find(post)
    matched = [c for c in wl.explain(post) if c.matched]
    assert [(c.kind, c.name, c.text, c.start) for c in matched] == [
        (m.kind, m.name, m.text, m.start) for m in mentions
    ]
    assert [m.text for m in mentions] == ["Mrs Okafor", "Mr Ashworth", "MillbrookPrimary"]


BAD = """\
schools:
  - name: Oakfield Primary School
    aliases: [Oakfield, School, X, "The Academy"]
    location_terms: [Leeds, the]
    exclude: [park]
    staff:
      - {name: Jo Bloggs, aliases: [Miss, Jo B]}
      - name: Ann Lee
        handles: ["@a", "@AnnLeeTeaches"]
"""


def test_guard_refuses_entries_that_match_everything_naming_file_line_field(
    tmp_path: Path,
) -> None:
    path = tmp_path / "sw.yaml"
    path.write_text(BAD)
    cfg = load_config(path)
    with pytest.raises(ConfigError) as err:
        Watchlist.from_config(cfg)
    lines = str(err.value).splitlines()
    assert lines == [
        f"{path}:3: schools[0].aliases[1]: alias 'School' is only common words (school): it "
        "would match nearly every post; write a longer, more specific phrase",
        f"{path}:3: schools[0].aliases[2]: alias 'X' is too short (under 3 letters): it would "
        "match nearly every post; write a longer, more specific phrase",
        f"{path}:3: schools[0].aliases[3]: alias 'The Academy' is only common words (the, "
        "academy): it would match nearly every post; write a longer, more specific phrase",
        f"{path}:4: schools[0].location_terms[1]: location term 'the' is only common words "
        "(the): it would count as the school's place in nearly every post",
        f"{path}:5: schools[0].exclude[0]: exclusion 'park' is only common words (park): it "
        "would veto nearly every mention",
        f"{path}:7: schools[0].staff[0].aliases[0]: staff alias 'Miss' is only common words "
        "(miss): it would match nearly every post; write a longer, more specific phrase",
        f"{path}:9: schools[0].staff[1].handles[0]: handle '@a' is too short (under 3 "
        "letters): it would match nearly every post; write a longer, more specific phrase",
    ]


def test_check_config_shows_the_refusal(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "sw.yaml"
    path.write_text(BAD)
    assert main(["check-config", "--config", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:3: schools[0].aliases[2]: alias 'X' is too short" in err


def test_guard_accepts_the_bundled_configs() -> None:
    for cfg in (
        EXAMPLE,
        ROOT / "config" / "starter.yaml",
        ROOT / "tests/fixtures/match/oakfield.yaml",
    ):
        Watchlist.from_config(load_config(cfg))


def test_guard_without_a_file_still_names_the_field() -> None:
    cfg = load_config_text("schools:\n  - name: Oakfield School\n    aliases: [the]\n")
    with pytest.raises(ConfigError, match=r"^<config>: schools\[0\]\.aliases\[0\]: alias 'the'"):
        Watchlist.from_config(cfg)
