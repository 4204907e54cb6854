"""Pure caller-ID selection policy: candidates + counters + options -> choice with a reason.

No I/O, clock or global state; see ``policy.choose_ani``.
"""

from .contact_rate import estimate, headroom, posterior
from .policy import choose_ani
from .pool import CandidatePool
from .types import (
    ASSIGNMENT_TYPES,
    AreaCodeMap,
    AssignmentType,
    BetaPrior,
    Candidate,
    CapMode,
    Choice,
    Match,
    NoChoice,
    NoChoiceCode,
    Prospect,
    SelectionOptions,
    Usage,
    normalize_country_code,
)

__all__ = [
    "ASSIGNMENT_TYPES",
    "AreaCodeMap",
    "AssignmentType",
    "BetaPrior",
    "Candidate",
    "CandidatePool",
    "CapMode",
    "Choice",
    "Match",
    "NoChoice",
    "NoChoiceCode",
    "Prospect",
    "SelectionOptions",
    "Usage",
    "choose_ani",
    "estimate",
    "headroom",
    "normalize_country_code",
    "posterior",
]
