"""Asked to stop (`stopping.py`): a network wait in flight gets `settle` seconds more, then is
cancelled and `Stopped` raised; work that ends first keeps its result."""

from __future__ import annotations

import asyncio

import pytest

from aggregator.stopping import Stop, Stopped, until_cut


def test_a_stop_is_unset_until_set() -> None:
    stop = Stop(settle=0)
    assert not stop.is_set()
    stop.set()
    assert stop.is_set()


def test_without_a_stop_the_work_runs_as_it_is() -> None:
    async def work() -> int:
        return 7

    assert asyncio.run(until_cut(None, work())) == 7


def test_work_that_ends_before_the_cut_keeps_its_result() -> None:
    async def go() -> str:
        stop = Stop(settle=5)

        async def work() -> str:
            stop.set()  # asked to stop while this is in flight
            await asyncio.sleep(0.01)
            return "done"

        return await until_cut(stop, work())

    assert asyncio.run(go()) == "done"


def test_a_wait_longer_than_the_settle_is_cancelled() -> None:
    cancelled: list[bool] = []

    async def go() -> None:
        stop = Stop(settle=0.01)

        async def work() -> None:
            try:
                await asyncio.sleep(30)
            except asyncio.CancelledError:
                cancelled.append(True)
                raise

        async def stopper() -> None:
            await asyncio.sleep(0.01)
            stop.set()

        asyncio.get_running_loop().create_task(stopper())
        await until_cut(stop, work())

    with pytest.raises(Stopped):
        asyncio.run(asyncio.wait_for(go(), timeout=10))
    assert cancelled == [True]


def test_an_error_of_the_work_is_its_own() -> None:
    async def work() -> None:
        raise ValueError("broken")

    with pytest.raises(ValueError, match="broken"):
        asyncio.run(until_cut(Stop(), work()))
