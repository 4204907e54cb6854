"""One rule for what a response's ``assignment_type`` says, whatever level served the call.

``assignment_type`` names the strategy in force: the one asked for, else the campaign's
default. ``auto`` names the local-presence rule it walked for this prospect (``zip`` when the
prospect has a ZIP, else ``area_code``); the learner answers ``highest_contact_rate``.
It does not change when the strategy falls back: ``match`` says which level gave the number
and ``fallback`` whether that was below the strategy's first level. (``zip`` falls back to the
area-code levels and ``tfn`` to the campaign's default strategy; both keep their own name.)
"""

from __future__ import annotations

import dataclasses

from openani.selection import Choice, Prospect
from openani.selection.ladder import resolve_strategy


def shown_strategy(strategy: str, prospect: Prospect) -> str:
    return resolve_strategy("auto", prospect) if strategy == "auto" else strategy


def labelled(choice: Choice, strategy: str, prospect: Prospect) -> Choice:
    shown = shown_strategy(strategy, prospect)
    if choice.assignment_type == shown:
        return choice
    return dataclasses.replace(choice, assignment_type=shown)  # type: ignore[arg-type]
