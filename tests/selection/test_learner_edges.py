"""The learner's parameters, its fit's arithmetic on one tally, and the edges of its pick."""

from __future__ import annotations

import dataclasses
from dataclasses import replace

import pytest

from openani.selection import ContactModel, DayTally, LearnerParams, fit
from openani.selection.learner import MATCH_CLASSES, first_usable_per_class, pick_learned

from .support import cand, used

LOCAL = frozenset({"561"})


def test_the_documented_defaults() -> None:
    assert LearnerParams() == LearnerParams(
        day_discount=0.8,
        prior_rate=0.15,
        prior_strength=50.0,
        class_strength=30.0,
        quality_strength=5.0,
        healthy_daily=50,
        volume_step=2,
        volume_backoff=0.9,
        warmup_days=0,
        shortlist_size=64,
    )


@pytest.mark.parametrize(
    ("kwargs", "reason"),
    [
        ({"day_discount": 0.0}, "day_discount must be in (0, 1], got 0.0"),
        ({"prior_rate": 1.0}, "prior_rate must be in (0, 1), got 1.0"),
        ({"class_strength": 0.0}, "class_strength must be > 0"),
        ({"healthy_daily": 0}, "healthy_daily must be >= 1, got 0"),
        ({"volume_step": -1}, "warmup_days, shortlist_size and volume_step must be >= 0"),
        ({"volume_backoff": 0.0}, "volume_backoff must be in (0, 1], got 0.0"),
    ],
)
def test_invalid_parameters_are_named(kwargs: dict[str, float], reason: str) -> None:
    with pytest.raises(ValueError) as caught:
        LearnerParams(**kwargs)  # type: ignore[arg-type]
    assert str(caught.value) == reason


def test_the_edges_of_the_valid_parameters() -> None:
    p = LearnerParams(
        prior_strength=0.5, class_strength=0.5, volume_step=0, volume_backoff=1.0, warmup_days=0
    )
    assert (p.prior_strength, p.volume_step, p.volume_backoff) == (0.5, 0, 1.0)


def test_tallies_params_and_models_are_immutable() -> None:
    for frozen, name in (
        (DayTally(0, 1, "561", 10, 1), "dials"),
        (LearnerParams(), "healthy_daily"),
        (ContactModel.empty(), "evidence"),
    ):
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(frozen, name, 3)


def test_the_empty_model_is_neutral_and_its_memo_is_no_part_of_it() -> None:
    m = ContactModel.empty()
    assert m.suspects == frozenset()
    assert m.class_lift == dict.fromkeys(MATCH_CLASSES, 1.0)
    other = ContactModel.empty()
    m.memo["seen"] = ()
    assert m == other
    assert "memo" not in repr(m)


def test_a_prediction_is_the_rate_times_the_quality() -> None:
    m = replace(ContactModel.empty(), quality={1: 2.0})
    assert m.predict(cand(1), "561", "local") == pytest.approx(0.30)
    assert m.predict(cand(2), "561", "local") == pytest.approx(0.15)


def test_once_warm_a_number_gets_its_learnt_volume() -> None:
    m = replace(
        ContactModel.empty(LearnerParams(warmup_days=3)), age_days={1: 3, 2: 2}, volumes={1: 80}
    )
    assert m.healthy_volume(1) == 80
    assert m.healthy_volume(2) == 37  # 50 x 3/4 while warming up


def test_the_fit_of_one_tally_by_hand() -> None:
    """100 dials, 30 contacts, today, local: every step of the shrinkage written out."""
    m = fit([DayTally(0, 1, "561", 100, 30)], {1: cand(1)}, {"561": LOCAL}, {"561": "FL"})
    g = (30 + 0.15 * 50) / (100 + 50)  # company rate, pulled to the prior by 50 dials
    area = (30 + g * 50) / (100 + 50)
    lift = (30 + g * 30) / (100 + 30) / g
    rate = (30 + area * lift * 30) / (100 + 30)
    assert m.area_base["561"] == pytest.approx(area, rel=1e-12)
    assert m.area_rates[("561", "local")] == pytest.approx(rate, rel=1e-12)
    assert m.quality[1] == pytest.approx((30 + 5) / (100 * rate + 5), rel=1e-12)
    assert (m.evidence, m.age_days) == (100, {1: 0})


def test_single_dials_and_unanswered_calls_are_evidence() -> None:
    numbers = {1: cand(1), 2: cand(2)}
    m = fit(
        [DayTally(4, 1, "561", 1, 1), DayTally(0, 2, "561", 100, 0)],
        numbers,
        {"561": LOCAL},
        {"561": "FL"},
    )
    assert m.evidence == 101
    assert m.age_days == {1: 4, 2: 0}
    assert m.quality[2] < 1.0 < m.quality[1]


def test_a_tally_without_dials_is_no_evidence_of_age() -> None:
    m = fit([DayTally(5, 1, "561", 0, 0)], {1: cand(1)}, {"561": LOCAL}, {"561": "FL"})
    assert (m.age_days, m.evidence, m.quality) == ({}, 0, {})


def test_pick_reads_every_candidate_and_names_the_distant_class() -> None:
    m = replace(ContactModel.empty(), quality={1: 1.0, 2: 0.5, 3: 2.0})
    found = pick_learned(
        [cand(1, "212", "NY"), cand(2, "212", "NY"), cand(3, "206", "WA")],
        lambda _: None,
        m,
        "561",
        LOCAL,
        "FL",
        within_healthy=True,
    )
    assert found is not None
    assert (found[0].ani_id, found[1]) == (3, "distant")


def test_a_tie_goes_to_the_local_number_before_a_lower_id() -> None:
    m = ContactModel.empty()
    found = pick_learned(
        [cand(1, "954"), cand(2, "561")], lambda _: None, m, "561", LOCAL, "FL", within_healthy=True
    )
    assert found is not None
    assert (found[0].ani_id, found[1]) == (2, "local")


def test_a_cap_of_one_leaves_room_for_an_unused_number() -> None:
    m = ContactModel.empty()
    numbers = [cand(1, "561", daily_cap=1), cand(2, "954", hourly_cap=1)]
    firsts = first_usable_per_class(numbers, lambda _: None, m, LOCAL, "FL")
    assert [c.ani_id for c in firsts] == [1, 2]
    for c in numbers:
        found = pick_learned([c], lambda _: None, m, "561", LOCAL, "FL", within_healthy=True)
        assert found is not None and found[0] == c
    # Used once, both are full.
    assert first_usable_per_class(numbers, lambda _: used(1, hour=1), m, LOCAL, "FL") == []


def test_a_number_without_history_warms_up_from_its_first_day() -> None:
    # Warm-up over 4 days: day 0 allows 10 dials (50 x 1/5), day 1 would allow 20.
    m = ContactModel.empty(LearnerParams(warmup_days=4))
    found = pick_learned(
        [cand(1)], lambda _: used(15), m, "561", LOCAL, "FL", within_healthy=True
    )
    assert found is None
