from __future__ import annotations

import random

import pytest

from .support import FakeAreas, fresh_areas


@pytest.fixture
def areas() -> FakeAreas:
    return fresh_areas()


@pytest.fixture
def rng() -> random.Random:
    return random.Random(20240601)
