"""An outbound call that shows the prospect the caller ID openani chooses.

The telephony side is any Twilio-style API (``client.calls.create(to=, from_=, url=)``): with
Twilio itself (``pip install twilio``),

    OPENANI_URL=http://127.0.0.1:8080 OPENANI_KEY=oak_... \\
    TWILIO_ACCOUNT_SID=AC... TWILIO_AUTH_TOKEN=... \\
    python examples/outbound_call.py --campaign c123 --to +15617778888 --zip 33432 \\
        --twiml https://example.com/voice.xml

When the call is over, report its result so openani learns which numbers reach people
(``report_call`` below; a status callback of the telephony API is the usual place for it).
"""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from openani_client import Client, NoAvailableAni, ResultOutcome


class Calls(Protocol):
    def create(self, *, to: str, from_: str, url: str) -> Any: ...


class Telephony(Protocol):
    calls: Calls


@dataclass(frozen=True)
class PlacedCall:
    sid: str
    caller_id: str  # E.164, as sent to the telephony API
    why: str


def place_call(
    openani: Client,
    telephony: Telephony,
    *,
    campaign: str,
    to: str,
    twiml_url: str,
    prospect_zip: str | None = None,
) -> PlacedCall:
    """Ask openani for the caller ID, then place the call from it."""
    choice = openani.next_ani(campaign, to, prospect_zip)
    call = telephony.calls.create(to=to, from_=choice.e164, url=twiml_url)
    why = f"{choice.assignment_type} / {choice.match}" + (" (fallback)" if choice.fallback else "")
    return PlacedCall(sid=str(call.sid), caller_id=choice.e164, why=why)


def report_call(
    openani: Client,
    placed: PlacedCall,
    *,
    campaign: str,
    to: str,
    dispo: str,
    duration_s: int,
    agent_id: str | None = None,
) -> ResultOutcome:
    """The call's result, keyed by the telephony call id (a retry is recognised, not counted)."""
    return openani.report_result(
        call_id=placed.sid,
        campaign_id=campaign,
        agent_id=agent_id,
        ani=placed.caller_id,
        dispo=dispo,
        prospect_phone=to,
        call_datetime=datetime.now(UTC).isoformat(timespec="seconds"),
        duration_s=duration_s,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--campaign", required=True)
    parser.add_argument("--to", required=True, help="the prospect's number")
    parser.add_argument("--zip", default=None, help="the prospect's ZIP or postal code")
    parser.add_argument("--twiml", required=True, help="URL of the call's instructions")
    args = parser.parse_args()

    from twilio.rest import Client as Twilio  # type: ignore[import-not-found]

    telephony = Twilio(os.environ["TWILIO_ACCOUNT_SID"], os.environ["TWILIO_AUTH_TOKEN"])
    with Client(
        os.environ.get("OPENANI_URL", "http://127.0.0.1:8080"), os.environ["OPENANI_KEY"]
    ) as openani:
        try:
            placed = place_call(
                openani, telephony, campaign=args.campaign, to=args.to,
                twiml_url=args.twiml, prospect_zip=args.zip,
            )  # fmt: skip
        except NoAvailableAni as exc:
            raise SystemExit(f"no caller ID available: {exc.message}") from None
        print(f"calling {args.to} from {placed.caller_id} ({placed.why}); call {placed.sid}")


if __name__ == "__main__":
    main()
