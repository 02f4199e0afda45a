"""Golden classify cases (tests/fixtures/classify/*.txt; header grammar in test_match.py) and
unit tests of the classifier and the analyser.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from test_match import EXAMPLE, FIXTURES, analyser_for, load_case

from config import ConfigError, load_config, load_config_text
from pipelines.analyse import Analyser
from pipelines.classify import THRESHOLD, THRESHOLDS, Classifier
from pipelines.post import LABELS, Mention, Post

CLASSIFY_CASES = sorted((FIXTURES / "classify").glob("*.txt"))


def test_there_are_enough_classify_cases() -> None:
    assert len(CLASSIFY_CASES) >= 40


@pytest.mark.parametrize("path", CLASSIFY_CASES, ids=lambda p: p.stem)
def test_classify_fixture(path: Path) -> None:
    case = load_case(path)
    assert case.labels is not None or case.not_labels or case.has_labels, (
        f"{path}: needs Labels:, Has-labels: or Not-labels:"
    )
    analysis = analyser_for(case.config).analyse(case.post())
    out = analysis.as_json()
    why = f"{case.description}\nreasons: {out['reasons']}\nscores: {out['scores']}"
    if case.labels is not None:
        assert sorted(out["labels"]) == sorted(case.labels), why  # type: ignore[call-overload]
    for label in case.not_labels:
        assert label not in out["labels"], why  # type: ignore[operator]
    for label in case.has_labels:
        assert label in out["labels"], why  # type: ignore[operator]
    if case.severity != "unset":
        assert out["severity"] == case.severity, why
    assert out["severity"] not in case.not_severity, why
    for words in case.reasons:
        assert any(words in r for r in out["reasons"]), why  # type: ignore[attr-defined]
    if not out["relevant"]:
        assert out["labels"] == [] and out["severity"] is None


@pytest.fixture(scope="module")
def analyser() -> Analyser:
    return Analyser(load_config(EXAMPLE))


def _mention(post: Post, text: str) -> Mention:
    start = post.text.index(text)
    return Mention("school", "S", "S", text, "text", start, start + len(text), 100.0, "test")


def test_scores_cover_every_label_and_stay_in_range() -> None:
    post = Post(text="Oakfield is a disgrace, my son was bullied, thank you for nothing")
    verdict = Classifier().classify(post, [_mention(post, "Oakfield")])
    assert set(verdict.scores) == set(LABELS)
    assert all(0.0 <= v <= 1.0 for v in verdict.scores.values())
    assert all(
        verdict.scores[label] >= THRESHOLDS.get(label, THRESHOLD) for label in verdict.labels
    )


def test_phrases_near_the_mention_count_more() -> None:
    filler = " The weather was fine and we walked the dog round the park for an hour." * 6
    near = Post(text="Oakfield is a disgrace." + filler)
    far = Post(text="Oakfield." + filler + " The bus station is a disgrace.")
    c = Classifier()
    s_near = c.classify(near, [_mention(near, "Oakfield")]).scores["reputation_risk"]
    s_far = c.classify(far, [_mention(far, "Oakfield")]).scores["reputation_risk"]
    assert s_near > s_far > 0


def test_repeating_a_phrase_does_not_pile_up() -> None:
    once = Post(text="Oakfield is awful.")
    many = Post(text="Oakfield is awful awful awful awful.")
    c = Classifier()
    assert (
        c.classify(once, [_mention(once, "Oakfield")]).scores
        == c.classify(many, [_mention(many, "Oakfield")]).scores
    )


def test_reasons_name_the_deciding_phrase(analyser: Analyser) -> None:
    out = analyser.analyse(Post(text="I'm going to hurt Mrs Okafor tomorrow", id="1")).as_json()
    assert out["severity"] == "urgent"
    assert any("threat of violence" in r and "hurt Mrs Okafor" in r for r in out["reasons"])


def test_analysis_carries_canonical_url_and_fingerprint(analyser: Analyser) -> None:
    post = Post(
        text="<p>Mrs Okafor&nbsp;said hello</p>",
        url="HTTPS://Example.COM:443/a?utm_source=x&b=2&a=1#top",
    )
    a = analyser.analyse(post)
    assert a.canonical_url == "https://example.com/a?a=1&b=2"
    assert a.post.text == "Mrs Okafor said hello"
    assert len(a.fingerprint) == 64
    again = analyser.analyse(Post(text="Mrs  Okafor said hello!"))
    assert again.fingerprint == a.fingerprint


def test_irrelevant_post_says_why(analyser: Analyser) -> None:
    a = analyser.analyse(Post(text="Half price compost at Millbrook Garden Centre"))
    assert not a.relevant and a.labels == [] and a.severity is None
    assert a.reasons


_TUNED = """
schools:
  - name: Millbrook Church of England Primary School
    aliases: [Millbrook C of E Primary]
    staff:
      - {name: Helen Okafor, aliases: [Mrs Okafor]}
    classify:
      phrases:
        reputation_risk: ["Bisley Road planning row"]
      ignore: ["Killer Quiz Night", "Drugs Bust escape room"]
      thresholds: {parental_complaint: 0.2}
"""


@pytest.fixture(scope="module")
def tuned() -> Analyser:
    return Analyser(load_config_text(_TUNED))


def test_a_schools_own_phrase_counts_and_is_named_in_the_reasons(tuned: Analyser) -> None:
    post = Post(text="Millbrook C of E Primary is part of the Bisley Road planning row now.")
    out = tuned.analyse(post).as_json()
    assert "reputation_risk" in out["labels"]
    assert any("school phrase 'Bisley Road planning row'" in r for r in out["reasons"])
    plain = Analyser(load_config(EXAMPLE)).analyse(post).as_json()
    assert "reputation_risk" not in plain["labels"]


def test_a_schools_ignored_phrase_is_never_evidence(tuned: Analyser) -> None:
    text = (
        "Mrs Okafor says the Drugs Bust escape room at the Millbrook C of E Primary fete is back."
    )
    assert tuned.analyse(Post(text=text)).labels == []
    untuned = Analyser(load_config_text(_TUNED.replace('"Drugs Bust escape room"', '"x y z"')))
    assert "safeguarding" in untuned.analyse(Post(text=text)).labels  # "drugs" otherwise


def test_a_schools_threshold_moves_a_label(tuned: Analyser) -> None:
    post = Post(text="Millbrook C of E Primary parents evening slots were a bit short.")
    assert "parental_complaint" in tuned.analyse(post).labels  # this school hears mild grumbles
    default = Analyser(load_config_text(_TUNED.replace("parental_complaint: 0.2", "")))
    assert "parental_complaint" not in default.analyse(post).labels


def test_bad_per_school_settings_are_config_errors_naming_the_line() -> None:
    bad = _TUNED.replace("parental_complaint: 0.2", "parental_complaint: 1.5")
    with pytest.raises(ConfigError, match=r"thresholds.*between 0 and 1"):
        load_config_text(bad, name="s.yaml")
    with pytest.raises(ConfigError, match=r"s.yaml:\d+: .*classify.*phrases"):
        load_config_text(_TUNED.replace("reputation_risk:", "gossip:"), name="s.yaml")


def test_reasons_carry_the_models_strongest_features(analyser: Analyser) -> None:
    out = analyser.analyse(
        Post(text="Still no reply from Millbrook C of E Primary about my son's SEN meeting.")
    ).as_json()
    assert "parental_complaint" in out["labels"]
    reason = next(r for r in out["reasons"] if r.startswith("parental_complaint"))
    assert "model:" in reason and "complaint 'Still no reply'" in reason


def test_hyperbole_fixtures_are_never_urgent(analyser: Analyser) -> None:
    cases = [load_case(p) for p in CLASSIFY_CASES if p.stem.startswith("hyperbole_")]
    assert len(cases) >= 7
    for case in cases:
        assert analyser.analyse(case.post()).severity != "urgent", case.description


def test_shipped_test_part_holds_the_measured_safeguarding_figures() -> None:
    """A guard against falling back, not the bar: on the blind held-out part (`t15a-` to
    `t15h-` and `t16a-` to `t16h-`: 957 posts in sixteen voices: parents and carers, young
    people, the community and the press, staff and posts about staff, the hard cases, reviews,
    complaints from parents and others, a busy term, grandparents and kinship, foster and young
    carers; each part written by someone who had seen no rule or example) safeguarding was
    measured, classifier alone (posts labelled relevant that the matcher finds, held mentions
    kept included), at recall 0.935 (243 of 260), precision 0.856; end to end (every post
    labelled relevant: a post the matcher misses is a miss) at recall 0.927. Issue 4 asks for
    recall >= 0.95 at precision >= 0.8: not met. The floors leave room for one post. A change
    that loses more fails; one that gains should raise these floors."""
    from pipelines.examples import SHIPPED_TEST, read_examples
    from pipelines.scoring import score

    a = Analyser(load_config(EXAMPLE))
    pairs = [(ex, a.analyse(ex.post())) for ex in read_examples(SHIPPED_TEST)]
    alone = score([(ex, an) for ex, an in pairs if ex.relevant and an.relevant])
    sg = alone.labels["safeguarding"]
    assert sg.support >= 255
    assert sg.recall >= 0.93 and sg.precision >= 0.85, (sg.recall, sg.precision)
    end_to_end = score([(ex, an) for ex, an in pairs if ex.relevant]).labels["safeguarding"]
    assert end_to_end.recall >= 0.92, end_to_end.recall


def test_the_same_post_gets_the_same_verdict_whatever_the_hash_seed() -> None:
    """Cues (hyperbole, jest, sarcasm, asking ...) are a set; the model sums features in order
    (float32: the order can move a score), so their order must not follow the hash seed."""
    import subprocess
    import sys

    script = (
        "import json;from pipelines.classify import Classifier;from pipelines.match import "
        "Watchlist;from pipelines.normalise import normalise;from pipelines.post import Post;"
        "from config import load_config;from pipelines.training import EXAMPLE_CONFIG;"
        "w=Watchlist.from_config(load_config(EXAMPLE_CONFIG));c=Classifier();out=[]\n"
        "for t in ["
        "'Oh great, another INSET day at Millbrook C of E Primary 🙄 I could kill whoever "
        "planned it lol. Does anyone know if the breakfast club is open?',"
        "'Not a complaint, but Mrs Okafor at MCEPS was brilliant as usual 🙄 killer results!']:\n"
        " p=normalise(Post(text=t));m,_=w.find_explained(p);v=c.classify(p,m)\n"
        " out.append([v.labels,v.scores,v.severity,v.reasons,list(c.evidence(p,m).features)])\n"
        "print(json.dumps(out))"
    )
    runs = {
        subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True, text=True, check=True,
            env={**os.environ, "PYTHONHASHSEED": str(seed)},
        ).stdout
        for seed in (0, 1, 2, 3)
    }  # fmt: skip
    assert len(runs) == 1, runs
