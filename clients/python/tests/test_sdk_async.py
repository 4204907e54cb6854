"""The asyncio client against a live server."""

from __future__ import annotations

import asyncio
import uuid

from conftest import Live
from openani_client import ANIS, CAMPAIGNS, AsyncClient


def test_async_calls_and_pages(live: Live) -> None:
    async def scenario() -> None:
        async with AsyncClient(live.url, live.api_key) as client:
            campaign = "a-" + uuid.uuid4().hex[:8]
            group = "async-" + uuid.uuid4().hex[:6]
            await client.create(CAMPAIGNS, id=campaign, name="Async", type="Outbound")
            for i in range(4):
                await client.create(ANIS, country_code="+1", number=f"30555501{i:02d}",
                                    inbound_group_id=group)  # fmt: skip
            choices = await asyncio.gather(
                *(client.next_ani(campaign, f"305777{i:04d}", inventory_group_ids=[group])
                  for i in range(8))
            )  # fmt: skip
            assert {c.ani for c in choices} == {f"30555501{i:02d}" for i in range(4)}
            numbers = [a.number async for a in client.iter(ANIS, inbound_group_id=group, limit=3)]
            assert len(numbers) == 4
            logged = [row async for row in client.assignments(campaign=campaign, limit=3)]
            assert len(logged) == 8
            ani = await client.get(ANIS, "3055550100")
            assert ani.inbound_group_id == group

    asyncio.run(scenario())
