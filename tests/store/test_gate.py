"""The SQLite write gate: one writer at a time, claims before ordinary writers, re-entrant."""

from __future__ import annotations

import threading
import time

from openani.store.gate import WriteGate


def _waiting(gate: WriteGate, count: int) -> None:
    """Until ``count`` threads wait at the gate."""
    while len(gate._condition._waiters) < count:  # type: ignore[attr-defined]
        time.sleep(0.001)


def test_an_urgent_writer_goes_before_ordinary_ones_already_waiting() -> None:
    gate = WriteGate()
    order: list[str] = []

    def write(name: str, urgent: bool) -> None:
        with gate.held(urgent=urgent):
            order.append(name)

    with gate.held():
        ordinary = threading.Thread(target=write, args=("results batch", False))
        ordinary.start()
        _waiting(gate, 1)
        urgent = threading.Thread(target=write, args=("claim", True))
        urgent.start()
        _waiting(gate, 2)
    ordinary.join()
    urgent.join()
    assert order == ["claim", "results batch"]


def test_the_holder_may_enter_again_and_others_wait_for_the_outer_exit() -> None:
    gate = WriteGate()
    entered = threading.Event()

    def other() -> None:
        with gate.held():
            entered.set()

    with gate.held():
        with gate.held(urgent=True):
            thread = threading.Thread(target=other)
            thread.start()
            _waiting(gate, 1)
        assert not entered.is_set()  # the inner exit does not let the other thread in
    thread.join()
    assert entered.is_set()
