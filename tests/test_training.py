"""pipelines.training: cross-validation folds (hashed, or one writer's part left out)."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

import pipelines.training as training
from config import load_config
from pipelines.examples import SHIPPED_TRAIN, read_examples
from pipelines.model import LinearModel
from pipelines.training import EXAMPLE_CONFIG, Row, cross_validate, part_of


def test_part_of_is_the_id_prefix() -> None:
    assert part_of("trB-0042") == "trB"
    assert part_of("sw-0001") == "sw"
    assert part_of("plain") == "plain"


@pytest.mark.parametrize("by_part", [False, True])
def test_every_post_is_scored_once_by_a_model_that_never_saw_it(
    by_part: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    examples = read_examples(SHIPPED_TRAIN)
    # Two parts, a few relevant posts each: enough for every fold to have both classes.
    picked = [e for e in examples if e.relevant and part_of(e.id) == "sw"][:40]
    picked += [e for e in examples if e.relevant and part_of(e.id) == "trA"][:40]
    seen: list[set[str]] = []
    real_fit = training.fit

    def recording_fit(rows: Sequence[Row], **kw: object) -> LinearModel:
        seen.append({r.example.id for r in rows})
        return real_fit(rows)

    cfg = load_config(EXAMPLE_CONFIG)
    found = {r.example.id for r in training.featurise(picked, cfg)[0]}
    monkeypatch.setattr(training, "fit", recording_fit)
    report = cross_validate(picked, cfg, by_part=by_part)
    assert report.n == len(found)  # each post the matcher finds, scored once
    if by_part:
        assert len(seen) == 2  # one fold a part
        assert sorted(len({part_of(i) for i in trained}) for trained in seen) == [1, 1]
        assert seen[0] | seen[1] == found and not seen[0] & seen[1]
    else:
        assert len(seen) == training.FOLDS
        for trained in seen:  # a hashed fold keeps a part's siblings in training
            assert {part_of(i) for i in trained} == {"sw", "trA"}
        assert all(sum(i in trained for trained in seen) == training.FOLDS - 1 for i in found)


def test_by_part_without_cv_is_refused_with_a_clear_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as stop:
        training.main(["--by-part"])
    assert stop.value.code == 2
    assert "--by-part goes with --cv" in capsys.readouterr().err
