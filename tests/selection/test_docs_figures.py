"""The learner's figures quoted in docs/selection.md are the code's defaults, not a copy that
drifts: change a default and this test names the sentence to update."""

from __future__ import annotations

from pathlib import Path

from openani.learning.service import REFIT_S, WINDOW_DAYS
from openani.selection.learner import LearnerParams

DOC = (Path(__file__).resolve().parents[2] / "docs" / "selection.md").read_text(encoding="utf-8")
# The prose wraps lines; compare it as one line.
PROSE = " ".join(DOC.split())


def test_the_learners_figures_in_the_docs_are_its_defaults() -> None:
    params = LearnerParams()
    quoted = [
        f"Evidence fades by {params.day_discount} a day over a {WINDOW_DAYS}-day window",
        "refits from those statistics once a minute" if REFIT_S == 60 else f"{REFIT_S:g} s",
        f"The healthy volume starts at {params.healthy_daily} dials a day",
        f"it may take {params.volume_step} more dials the next day",
        f"it comes back at {params.volume_backoff:.0%} of its busiest recent day "
        f"(never under {params.healthy_daily})",
    ]
    assert [sentence for sentence in quoted if sentence not in PROSE] == []
