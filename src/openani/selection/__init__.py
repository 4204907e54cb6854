"""Pure caller-ID selection policy: candidates + counters + options -> choice with a reason.

No I/O, clock or global state; see ``policy.choose_ani``. ``auto`` and ``highest_contact_rate``
read a ``ContactModel`` fitted by ``learner.fit``; ``burn.detect_burned`` flags numbers whose
contact rate collapsed.
"""

from .burn import BurnParams, BurnSignal, detect_burned
from .learner import ContactModel, DayTally, LearnerParams, MatchClass, fit, local_area_codes
from .policy import choose_ani
from .pool import CandidatePool
from .types import (
    ASSIGNMENT_TYPES,
    AreaCodeMap,
    AssignmentType,
    Candidate,
    CapMode,
    Choice,
    Match,
    NoChoice,
    NoChoiceCode,
    Prospect,
    SelectionOptions,
    Usage,
    UsageGetter,
    normalize_country_code,
)

__all__ = [
    "ASSIGNMENT_TYPES",
    "AreaCodeMap",
    "AssignmentType",
    "BurnParams",
    "BurnSignal",
    "Candidate",
    "CandidatePool",
    "CapMode",
    "Choice",
    "ContactModel",
    "DayTally",
    "LearnerParams",
    "Match",
    "MatchClass",
    "NoChoice",
    "NoChoiceCode",
    "Prospect",
    "SelectionOptions",
    "Usage",
    "UsageGetter",
    "choose_ani",
    "detect_burned",
    "fit",
    "local_area_codes",
    "normalize_country_code",
]
