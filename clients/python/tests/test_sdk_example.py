"""The outbound-call example against a live server, with a recording Twilio-style client."""

from __future__ import annotations

import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from conftest import Live
from openani_client import ANIS, CAMPAIGNS, DISPOS, Client

sys.path.insert(0, str(Path(__file__).parents[1] / "examples"))
from outbound_call import place_call, report_call


@dataclass
class Call:
    sid: str


@dataclass
class RecordingCalls:
    placed: list[dict[str, Any]] = field(default_factory=list)

    def create(self, *, to: str, from_: str, url: str) -> Call:
        self.placed.append({"to": to, "from_": from_, "url": url})
        return Call(sid="CA" + uuid.uuid4().hex)


@dataclass
class RecordingTelephony:
    calls: RecordingCalls = field(default_factory=RecordingCalls)


def test_an_outbound_call_shows_the_chosen_number(live: Live) -> None:
    telephony = RecordingTelephony()
    with Client(live.url, live.api_key) as openani:
        campaign = "ex-" + uuid.uuid4().hex[:8]
        group = "ex-" + uuid.uuid4().hex[:6]
        openani.create(CAMPAIGNS, id=campaign, name="Example", type="Outbound",
                       inbound_pool_id=group)  # fmt: skip
        openani.create(ANIS, country_code="+1", number="4155550111", inbound_group_id=group)
        openani.create(DISPOS, id="answered-" + group, name="Answered " + group, type="System",
                       contact=True, success=False)  # fmt: skip
        placed = place_call(openani, telephony, campaign=campaign, to="+14157778888",
                            twiml_url="https://example.com/voice.xml")  # fmt: skip
        (call,) = telephony.calls.placed
        assert call["from_"] == "+14155550111" == placed.caller_id
        assert call["to"] == "+14157778888"
        outcome = report_call(openani, placed, campaign=campaign, to="+14157778888",
                              dispo="answered-" + group, duration_s=75)  # fmt: skip
        assert outcome.status == "stored"
        (stored,) = openani.results(call_id=placed.sid)
        assert (stored["ani"], stored["contact"], stored["duration_s"]) == ("4155550111", True, 75)
