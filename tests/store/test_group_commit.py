"""Group commit: what arrives in one turn of the event loop is written together, each item
answered with its own outcome, after its write returned."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from openani.store.group_commit import GroupCommit


class Recorder:
    """A write that records its batches and answers each item doubled, or fails the item 13."""

    def __init__(self) -> None:
        self.batches: list[list[int]] = []
        self.threads: set[int] = set()

    def __call__(self, items: list[int]) -> list[int | BaseException]:
        self.batches.append(list(items))
        self.threads.add(threading.get_ident())
        return [ValueError(f"item {i}") if i == 13 else 2 * i for i in items]


async def _submit_all(group: GroupCommit[int, int], items: list[int]) -> list[object]:
    return await asyncio.gather(*(group.submit(i) for i in items), return_exceptions=True)


def test_one_turn_is_one_write_and_each_item_gets_its_own_outcome() -> None:
    write = Recorder()
    group: GroupCommit[int, int] = GroupCommit(write)
    outcomes = asyncio.run(_submit_all(group, [1, 13, 2]))
    assert write.batches == [[1, 13, 2]]
    assert outcomes[0] == 2 and outcomes[2] == 4
    assert isinstance(outcomes[1], ValueError) and str(outcomes[1]) == "item 13"
    assert threading.get_ident() not in write.threads  # not on the event loop


def test_a_write_that_raises_fails_its_whole_batch() -> None:
    def broken(items: list[int]) -> list[int | BaseException]:
        raise RuntimeError("the database is gone")

    group: GroupCommit[int, int] = GroupCommit(broken)
    outcomes = asyncio.run(_submit_all(group, [1, 2]))
    assert [type(o) for o in outcomes] == [RuntimeError, RuntimeError]


def test_groups_of_a_key_are_written_apart_and_fail_apart() -> None:
    batches: list[list[int]] = []

    def write(items: list[int]) -> list[int | BaseException]:
        batches.append(list(items))
        if 3 in items:
            raise RuntimeError("group of odd numbers")
        return items

    group: GroupCommit[int, int] = GroupCommit(write, key=lambda i: i % 2)
    outcomes = asyncio.run(_submit_all(group, [1, 2, 3, 4]))
    assert batches == [[1, 3], [2, 4]]  # in order of first arrival, each keeping its order
    assert outcomes[1] == 2 and outcomes[3] == 4
    assert isinstance(outcomes[0], RuntimeError) and isinstance(outcomes[2], RuntimeError)


def test_items_arriving_while_the_writes_in_flight_are_at_the_limit_gather_into_one_batch() -> None:
    started, release = threading.Event(), threading.Event()
    batches: list[list[int]] = []

    def write(items: list[int]) -> list[int | BaseException]:
        batches.append(list(items))
        started.set()
        release.wait()
        return items

    async def scenario() -> list[object]:
        with ThreadPoolExecutor(max_workers=4) as executor:
            group: GroupCommit[int, int] = GroupCommit(write, executor=executor, max_in_flight=1)
            first = asyncio.ensure_future(group.submit(0))
            await asyncio.get_running_loop().run_in_executor(None, started.wait)
            later = [asyncio.ensure_future(group.submit(i)) for i in (1, 2, 3)]
            for _ in range(10):  # turns of the event loop: nothing more may start
                await asyncio.sleep(0)
            assert batches == [[0]]
            release.set()
            return list(await asyncio.gather(first, *later))

    assert asyncio.run(scenario()) == [0, 1, 2, 3]
    assert batches == [[0], [1, 2, 3]]


def test_inline_writes_run_on_the_event_loop() -> None:
    write = Recorder()
    group: GroupCommit[int, int] = GroupCommit(write, inline=True)

    async def scenario() -> tuple[list[object], int]:
        return await _submit_all(group, [5, 6]), threading.get_ident()

    outcomes, loop_thread = asyncio.run(scenario())
    assert outcomes == [10, 12]
    assert write.threads == {loop_thread}


def test_an_answer_waits_for_its_write() -> None:
    release = threading.Event()
    done: list[int] = []

    def write(items: list[int]) -> list[int | BaseException]:
        release.wait()
        done.extend(items)
        return items

    async def scenario() -> None:
        group: GroupCommit[int, int] = GroupCommit(write)
        pending = asyncio.ensure_future(group.submit(7))
        for _ in range(10):
            await asyncio.sleep(0)
        assert not pending.done()
        release.set()
        assert await pending == 7
        assert done == [7]

    asyncio.run(scenario())


@pytest.mark.parametrize("inline", [False, True])
def test_an_item_whose_request_gave_up_is_skipped(inline: bool) -> None:
    write = Recorder()
    group: GroupCommit[int, int] = GroupCommit(write, inline=inline)

    async def scenario() -> object:
        gone = asyncio.ensure_future(group.submit(1))
        kept = asyncio.ensure_future(group.submit(2))
        await asyncio.sleep(0)
        gone.cancel()
        return await kept

    assert asyncio.run(scenario()) == 4
