"""One rule for what a response's ``assignment_type`` says, whatever level served the call.

``assignment_type`` names the strategy in force: the one asked for, else the campaign's
default; the learner (``auto``, ``highest_contact_rate``) answers ``highest_contact_rate``.
It does not change when the strategy falls back: ``match`` says which level gave the number
and ``fallback`` whether that was below the strategy's first level. (``zip`` falls back to the
area-code levels and ``tfn`` to the campaign's default strategy; both keep their own name.)
"""

from __future__ import annotations

import dataclasses

from openani.selection import Choice
from openani.selection.ladder import LEARNED

LEARNED_NAME = "highest_contact_rate"


def shown_strategy(strategy: str) -> str:
    return LEARNED_NAME if strategy in LEARNED else strategy


def labelled(choice: Choice, strategy: str) -> Choice:
    shown = shown_strategy(strategy)
    if choice.assignment_type == shown:
        return choice
    return dataclasses.replace(choice, assignment_type=shown)  # type: ignore[arg-type]
