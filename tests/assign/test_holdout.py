"""The holdout's arm: stable per prospect, the configured share, off at 0."""

from __future__ import annotations

from openani.assign.holdout import arm_of


def test_share_zero_is_all_default() -> None:
    assert {arm_of(1, f"561{i:07d}", 0.0) for i in range(1000)} == {"default"}


def test_the_arm_is_stable_and_differs_between_companies() -> None:
    phones = [f"561{i:07d}" for i in range(2000)]
    first = [arm_of(7, p, 0.2) for p in phones]
    assert first == [arm_of(7, p, 0.2) for p in phones]
    assert first != [arm_of(8, p, 0.2) for p in phones]


def test_the_share_of_prospects_held_out() -> None:
    # 20,000 prospects at 10%: the binomial sd is 42, so 5 sd is 210.
    held = sum(arm_of(3, f"212{i:07d}", 0.1) == "holdout" for i in range(20_000))
    assert abs(held - 2000) < 210


def test_a_larger_share_keeps_everyone_already_held_out() -> None:
    phones = [f"305{i:07d}" for i in range(3000)]
    small = {p for p in phones if arm_of(5, p, 0.05) == "holdout"}
    large = {p for p in phones if arm_of(5, p, 0.3) == "holdout"}
    assert small and small < large
