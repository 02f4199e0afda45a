"""Golden match cases (tests/fixtures/match/*.txt) and unit tests of the watchlist.

A fixture is a header, a line `---`, then the post's text:

    Description: what the case shows (required)
    Config: path under tests/fixtures/ (default: the bundled config/example/schoolwatch.yaml)
    Title: the post's title          Author: the post's author
    Expect: KIND "NAME" text "TEXT" [school "SCHOOL"] [field title|text|author]   (repeatable)
    Expect-none:                     the post mentions nothing
    Labels: a, b | none              Not-labels: a, b
    Has-labels: a, b                 (these at least; others only as Not-labels says)
    Severity: urgent|high|normal|low|null        Not-severity: urgent
    Reason: words that must appear in one of the reasons

Match cases list every mention they expect (in order); nothing else may be found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pytest

from config import ConfigError, load_config, load_config_text
from pipelines.analyse import Analyser
from pipelines.match import Watchlist
from pipelines.normalise import normalise
from pipelines.post import Post

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
EXAMPLE = ROOT / "config" / "example" / "schoolwatch.yaml"
_EXPECT = re.compile(
    r'^(?P<kind>school|staff|logo) "(?P<name>[^"]+)" text "(?P<text>[^"]+)"'
    r'(?: school "(?P<school>[^"]+)")?(?: field (?P<field>title|text|author))?$'
)
_KNOWN = {
    "Description", "Config", "Title", "Author", "Expect", "Expect-none", "Labels", "Not-labels",
    "Has-labels", "Severity", "Not-severity", "Reason",
}  # fmt: skip


@dataclass
class Case:
    path: Path
    description: str = ""
    config: Path = EXAMPLE
    title: str = ""
    author: str = ""
    text: str = ""
    expect: list[tuple[str, str, str, str | None, str]] = field(default_factory=list)
    expect_none: bool = False
    labels: list[str] | None = None
    not_labels: list[str] = field(default_factory=list)
    has_labels: list[str] = field(default_factory=list)
    severity: str | None = "unset"
    not_severity: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)

    def post(self) -> Post:
        return Post(text=self.text, id=self.path.stem, title=self.title, author=self.author)


def _names(value: str) -> list[str]:
    return [] if value.strip() in ("", "none") else [v.strip() for v in value.split(",")]


def load_case(path: Path) -> Case:
    """Parse one fixture; a malformed header fails naming FILE:LINE."""
    head, sep, body = path.read_text(encoding="utf-8").partition("\n---\n")
    if not sep:
        raise ValueError(f"{path}: no '---' line between header and text")
    case = Case(path, text=body.rstrip("\n"))
    for n, line in enumerate(head.splitlines(), 1):
        name, colon, value = line.partition(":")
        value = value.strip()
        if not colon or name not in _KNOWN:
            raise ValueError(f"{path}:{n}: unknown header line {line!r}")
        if name == "Description":
            case.description = value
        elif name == "Config":
            case.config = FIXTURES / value
        elif name == "Title":
            case.title = value
        elif name == "Author":
            case.author = value
        elif name == "Expect":
            m = _EXPECT.match(value)
            if not m:
                raise ValueError(f'{path}:{n}: expected KIND "NAME" text "TEXT", got {value!r}')
            case.expect.append((m["kind"], m["name"], m["text"], m["school"], m["field"] or "text"))
        elif name == "Expect-none":
            case.expect_none = True
        elif name == "Labels":
            case.labels = _names(value)
        elif name == "Not-labels":
            case.not_labels = _names(value)
        elif name == "Has-labels":
            case.has_labels = _names(value)
        elif name == "Severity":
            case.severity = None if value == "null" else value
        elif name == "Not-severity":
            case.not_severity = _names(value)
        elif name == "Reason":
            case.reasons.append(value)
    if not case.description:
        raise ValueError(f"{path}: a fixture needs a Description: line")
    return case


@cache
def analyser_for(config: Path) -> Analyser:
    return Analyser(load_config(config))


@cache
def watchlist_for(config: Path) -> Watchlist:
    return Watchlist.from_config(load_config(config))


def _cases(folder: str) -> list[Path]:
    return sorted((FIXTURES / folder).glob("*.txt"))


MATCH_CASES = [p for p in _cases("match") if not p.name.endswith("_nicknames.txt")]


def test_there_are_enough_match_cases() -> None:
    assert len(MATCH_CASES) >= 150


@pytest.mark.parametrize("path", MATCH_CASES, ids=lambda p: p.stem)
def test_match_fixture(path: Path) -> None:
    case = load_case(path)
    assert case.expect or case.expect_none, f"{path}: says neither Expect: nor Expect-none:"
    post = normalise(case.post())
    mentions, notes = watchlist_for(case.config).find_explained(post)
    found = []
    for m in mentions:
        # Offsets index into the normalised field and every mention explains itself.
        assert getattr(post, m.field)[m.start : m.end] == m.text
        assert m.reason and 0 < m.score <= 100
        found.append((m.kind, m.name, m.text, m.school, m.field))
    expected = [
        (k, n, t, s if s is not None else _school_of(found, k, n, t, f), f)
        for k, n, t, s, f in case.expect
    ]
    assert found == expected, f"{case.description}\nnotes: {notes}"
    said = [m.reason for m in mentions] + notes
    for reason in case.reasons:
        assert any(reason in r for r in said), f"{path}: no reason says {reason!r}: {said}"


def _school_of(found: list[tuple[str, str, str, str, str]], k: str, n: str, t: str, f: str) -> str:
    """A case that names no school accepts whichever school the matched entry belongs to."""
    return next((s for fk, fn, ft, s, ff in found if (fk, fn, ft, ff) == (k, n, t, f)), "?")


# -- unit tests ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def watchlist() -> Watchlist:
    return Watchlist.from_config(load_config(EXAMPLE))


def test_reason_explains_title_surname(watchlist: Watchlist) -> None:
    [m] = watchlist.find(normalise(Post(text="Mr Ashworth took the class.")))
    assert m.reason == "title + surname exact; unique among staff; school context 'class'"


def test_reason_gives_fuzzy_score(watchlist: Watchlist) -> None:
    [m] = watchlist.find(normalise(Post(text="Mr Ashwort took the class on a school trip.")))
    assert m.name == "Jonathan Ashworth"
    assert "surname fuzzy 93" in m.reason
    assert m.score == pytest.approx(93.3, abs=0.1)


def test_notes_say_why_a_short_alias_was_rejected(watchlist: Watchlist) -> None:
    mentions, notes = watchlist.find_explained(Post(text="Millbrook Primary won."))
    assert mentions == []
    assert any("needs location or school context" in n for n in notes)


def test_a_local_source_lets_a_short_alias_stand_alone(watchlist: Watchlist) -> None:
    """On a source marked `local` (the town's forum) "Millbrook Primary" alone is the school;
    from anywhere else, or from no source, it still needs a place or school words."""
    text = "Avoid Millbrook Primary. Just avoid."
    [m] = watchlist.find(Post(text=text, source="parents-forum"))
    assert m.text == "Millbrook Primary" and m.reason.endswith("+ local source")
    assert watchlist.find(Post(text=text, source="somewhere-else")) == []
    assert watchlist.find(Post(text=text)) == []


def test_a_local_source_does_not_make_a_village_the_school(watchlist: Watchlist) -> None:
    text = "Lovely walk from Millbrook over the hill this morning."
    post = Post(text=text, source="parents-forum")
    assert watchlist.find(post) == []


def test_a_local_source_ties_an_unusual_staff_name_only(watchlist: Watchlist) -> None:
    [m] = watchlist.find(Post(text="Mrs Adeyemi is a legend", source="parents-forum"))
    assert m.name == "Grace Adeyemi" and m.reason.endswith("; local source")
    assert watchlist.find(Post(text="Mrs Adeyemi is a legend")) == []
    # Price is a common surname: a Mr Price on the town forum is anyone's Mr Price.
    assert watchlist.find(Post(text="Mr Price is a legend", source="parents-forum")) == []


def test_notes_name_the_exclusion(watchlist: Watchlist) -> None:
    text = "Millbrook Garden Centre Millbrook Church of England Primary School"
    mentions, notes = watchlist.find_explained(Post(text="Millbrook Garden Centre"))
    assert mentions == []
    mentions, _ = watchlist.find_explained(Post(text=text))
    assert [m.text for m in mentions] == ["Millbrook Church of England Primary School"]


def test_offsets_point_into_the_normalised_text(watchlist: Watchlist) -> None:
    raw = Post(text="<div>Hello&nbsp;&nbsp;from   <em>Mrs</em> Okafor</div>")
    post = normalise(raw)
    [m] = watchlist.find(post)
    assert post.text[m.start : m.end] == "Mrs Okafor"


def test_repeated_words_use_the_fuzzy_cache(watchlist: Watchlist) -> None:
    post = Post(text="Mrs Okafer. " * 3 + "Okafer at the school.")
    first = watchlist.find(post)
    assert len(first) == 3
    assert "okafer" in watchlist._fuzzy_cache  # the lookup was done once and kept
    assert watchlist.find(post) == first


def test_bad_nickname_file_names_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "nick.txt").write_text("# ok\nGwendolyn: Wendy\nthis line is wrong\n")
    cfg = load_config_text(
        "schools:\n  - name: Oakfield School\n    nicknames_file: nick.txt\n",
        name=str(tmp_path / "sw.yaml"),
        base_dir=tmp_path,
    )
    with pytest.raises(ConfigError) as err:
        Watchlist.from_config(cfg)
    assert f"{tmp_path / 'nick.txt'}:3:" in str(err.value)


def test_missing_nickname_file_is_a_config_error(tmp_path: Path) -> None:
    cfg = load_config_text(
        "schools:\n  - name: Oakfield School\n    nicknames_file: nope.txt\n",
        name=str(tmp_path / "sw.yaml"),
        base_dir=tmp_path,
    )
    with pytest.raises(ConfigError, match="nope.txt"):
        Watchlist.from_config(cfg)


def test_builtin_nickname_list_is_well_formed_and_large() -> None:
    from pipelines._names import BUILTIN_NICKNAMES, Nicknames

    nick = Nicknames.load([BUILTIN_NICKNAMES])
    assert len(nick.short) >= 150
    assert {"liz", "beth", "lizzie", "betty"} <= nick.short["elizabeth"]
    assert "rebecca" in nick.formal["bex"]


def test_school_without_location_terms_accepts_short_alias() -> None:
    cfg = load_config_text(
        "schools:\n  - name: Hazelwood Primary School\n    aliases: [Hazelwood Primary]\n"
    )
    mentions = Watchlist.from_config(cfg).find(Post(text="Hazelwood Primary won the cup."))
    assert [m.text for m in mentions] == ["Hazelwood Primary"]


def test_a_name_wrapped_over_one_line_break_matches_but_not_over_a_blank_line(
    watchlist: Watchlist,
) -> None:
    wrapped = watchlist.find(Post(text="Well done Millbrook\nChurch of England Primary School"))
    assert [m.name for m in wrapped] == ["Millbrook Church of England Primary School"]
    assert watchlist.find(Post(text="Mrs\nOkafor"))[0].name == "Helen Okafor"
    assert watchlist.find(Post(text="We walked past Millbrook\n\nChurch of England hall")) == []
