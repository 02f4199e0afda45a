"""The one analysis used everywhere, and how its identity feeds dedupe in the store."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from config import load_config
from pipelines.analyse import KEPT_HELD, Analyser
from pipelines.post import Post
from store.items import count_items, save_analysis

EXAMPLE = Path(__file__).resolve().parent.parent / "config" / "example" / "schoolwatch.yaml"
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
THREAD = "https://forum.example/threads/millbrook?utm_source=x"


@pytest.fixture(scope="module")
def analyser() -> Analyser:
    return Analyser(load_config(EXAMPLE))


def _post(text: str, *, permalink: bool) -> Post:
    return Post(text=text, url=THREAD, source="forum", permalink=permalink)


def test_posts_without_their_own_link_are_told_apart_by_text(analyser: Analyser, store) -> None:
    first = analyser.analyse(
        _post(
            "Mrs Okafor at Millbrook Church of England Primary School "
            "was brilliant at the nativity.",
            permalink=False,
        )
    )
    second = analyser.analyse(
        _post(
            "Millbrook Church of England Primary School still has not "
            "answered my email about the trip.",
            permalink=False,
        )
    )
    assert first.canonical_url == second.canonical_url == ""
    with store() as session, session.begin():
        a = save_analysis(session, first, source="forum", seen_at=NOW)
        b = save_analysis(session, second, source="forum", seen_at=NOW)
    assert a.created and b.created and a.item_id != b.item_id
    with store() as session:
        assert count_items(session) == 2


def test_a_posts_own_link_is_its_identity(analyser: Analyser, store) -> None:
    text = "Millbrook Church of England Primary School won the county cross-country."
    one = analyser.analyse(_post(text, permalink=True))
    edited = analyser.analyse(_post(text + " Well done all!", permalink=True))
    assert one.canonical_url == edited.canonical_url == "https://forum.example/threads/millbrook"
    with store() as session, session.begin():
        save_analysis(session, one, source="forum", seen_at=NOW)
        again = save_analysis(session, edited, source="forum", seen_at=NOW)
    assert not again.created


def test_irrelevant_posts_get_no_labels_or_severity(analyser: Analyser) -> None:
    result = analyser.analyse(Post(text="Millbrook Garden Centre opens late on Thursdays."))
    assert not result.relevant and result.labels == [] and result.severity is None


@pytest.mark.parametrize(
    "text",
    [
        # A pupil's post with only a weak alias, no school life round it: kept, since a child
        # may be at risk.
        "cant face st aidans again. same people, same names, nobody would notice if i "
        "wasnt here anymore",
        # A titled staff name nothing ties to school, in a threat (with "my son" beside it,
        # the rare surname would be the child's teacher: pipelines._decide).
        "If Mr Ashworth puts his hands on my brother again I'm going to batter him, I mean it",
    ],
)
def test_a_weak_mention_held_for_want_of_context_is_kept_for_safeguarding(
    analyser: Analyser, text: str
) -> None:
    a = analyser.analyse(Post(text=text))
    assert a.mentions, a.reasons
    assert "safeguarding" in a.labels
    assert KEPT_HELD in a.reasons
    assert any("held for want of context" in m.reason for m in a.mentions)


@pytest.mark.parametrize(
    "text",
    [
        "St Aidans was mental today, took half an hour to get out",  # no risk: dropped
        "Mr Gallagher from the chip shop does the best chips",  # a namesake, no risk
        "Apparently Stroud Brewery's new pale ale is called Millbrook. Tastes like pond water",
    ],
)
def test_a_weak_mention_held_for_want_of_context_is_dropped_without_a_risk(
    analyser: Analyser, text: str
) -> None:
    a = analyser.analyse(Post(text=text))
    assert not a.mentions and not a.labels
    assert KEPT_HELD not in a.reasons
