"""/dialer/next: resolve the prospect, choose with the pure policy, claim atomically, log it."""

from __future__ import annotations

import random
from collections.abc import Mapping
from datetime import UTC, datetime
from functools import partial
from typing import Any, Protocol, cast

from pydantic import Field

from openani.assign.holdout import arm_of
from openani.assign.labels import labelled
from openani.assign.models import (
    BATCH_RULES,
    LEAD_RULES,
    MAX_BATCH_LEADS,
    NEXT_RULES,
    BatchLead,
    NextAniRequest,
)
from openani.assign.prospects import ResolvedProspect, resolve_prospect
from openani.assign.refusal import refusal
from openani.assign.sink import NO_SINK, AssignSink
from openani.assign.snapshot import CompanySnapshot, SnapshotCache, off_loop
from openani.errors import NotFound, OpenAniError, ValidationFailed
from openani.geo.area_codes import AreaCodeIndex
from openani.lenient import clean
from openani.selection import (
    AssignmentType,
    CapMode,
    Choice,
    ContactModel,
    NoChoice,
    SelectionOptions,
    choose_ani,
)
from openani.selection.ladder import USES_MODEL, resolve_strategy
from openani.stats.keys import assignment_keys
from openani.store import campaigns as campaign_store
from openani.store import selection as store
from openani.store.claims import Claim, ClaimWriter
from openani.store.companies import Company
from openani.store.engine import Database
from openani.store.selection import CampaignConfig
from openani.validation import validate
from openani.wire import Input

# A claim fails only when another request took the number's last slot between our choice and
# our write; the number is then counted as capped and another chosen, a few times at most.
MAX_CLAIM_ATTEMPTS = 5


class NoAvailableAni(OpenAniError):
    code = "no_available_ani"
    status = 404

    def __init__(
        self, message: str, *, reason: str = "contended", groups: frozenset[str] | None = None
    ) -> None:
        super().__init__(message)
        self.reason = reason  # a NoChoiceCode, or "contended" (every claim lost a race)
        self.groups = groups

    def with_counts(self, counts: dict[str, int]) -> NoAvailableAni:
        self.extra["counts"] = counts
        return self


class _BatchEnvelope(Input):
    """The batch minus its leads, which are validated one by one for per-row errors."""

    outbound_campaign: Any
    assignment_type: Any = None
    use_branded: Any = None
    inventory_group_ids: Any = None
    leads: list[Any] = Field(min_length=1, max_length=MAX_BATCH_LEADS)


_UNDEFINED = "is not defined: served with the company's defaults"

# A campaign without a default strategy gets local presence that avoids suspected numbers.
DEFAULT_STRATEGY: AssignmentType = "auto"


class ContactModels(Protocol):
    """The learner's model per company. The learning service provides it; the application wires
    it in, so this feature does not reach into a sibling's service."""

    async def current(self, company_id: int, time_zone: str, now: datetime) -> ContactModel: ...


class NextAniService:
    def __init__(
        self,
        db: Database,
        snapshots: SnapshotCache,
        learning: ContactModels,
        rng: random.Random | None = None,
        sink: AssignSink = NO_SINK,
    ):
        self._db = db
        self._sink = sink
        self._claims = ClaimWriter(db)
        self._snapshots = snapshots
        self._learning = learning
        self._areas = AreaCodeIndex()
        self._rng = rng or random.Random()

    def close(self) -> None:
        """Finish the claims being written and stop the claim writer's threads."""
        self._claims.close()

    async def next_ani(
        self, company: Company, body: Mapping[str, Any], now: datetime | None = None
    ) -> dict[str, Any]:
        data, warnings = clean(body, NEXT_RULES)
        request = validate(NextAniRequest, data)
        now = now or datetime.now(UTC)
        try:
            return await self._assign(company, request, now, warnings)
        except NoAvailableAni as exc:
            self._refused(company, request.outbound_campaign, exc, now)
            raise

    async def next_batch(
        self, company: Company, body: Mapping[str, Any], now: datetime | None = None
    ) -> tuple[list[dict[str, Any]], list[str]]:
        """The rows, and the warnings about the batch as a whole."""
        cleaned, batch_warnings = clean(body, BATCH_RULES)
        envelope = validate(_BatchEnvelope, cleaned)
        shared = {k: v for k, v in cleaned.items() if k != "leads"}
        # The shared part is checked once, so a bad campaign or strategy is one clear 4xx
        # rather than a thousand identical row errors.
        validate(NextAniRequest, {**shared, "prospect_phone": "0"})
        now = now or datetime.now(UTC)
        campaign_id = str(shared["outbound_campaign"])
        self._campaign(await self._campaign_snapshot(company, campaign_id, now), campaign_id)
        results = []
        for index, raw in enumerate(envelope.leads):
            row_id = _row_id(raw, index)
            try:
                if not isinstance(raw, dict):
                    raise ValidationFailed({f"leads.{index}": "must be an object"})
                data, warnings = clean(raw, LEAD_RULES)
                lead = validate(BatchLead, data)
                request = validate(
                    NextAniRequest,
                    {
                        **shared,
                        "prospect_phone": lead.prospect_phone,
                        "prospect_zip": lead.prospect_zip,
                    },
                )
                answer = await self._assign(company, request, now, warnings)
                results.append({"row_id": lead.row_id, **answer})
            except OpenAniError as exc:
                if isinstance(exc, NoAvailableAni):
                    self._refused(company, campaign_id, exc, now)
                error: dict[str, Any] = {"code": exc.code, "message": exc.message}
                if exc.fields:
                    error["fields"] = exc.fields
                error.update(exc.extra)
                results.append({"row_id": row_id, "error": error})
        return results, batch_warnings

    async def _assign(
        self, company: Company, request: NextAniRequest, now: datetime, warnings: list[str]
    ) -> dict[str, Any]:
        resolved = resolve_prospect(request.prospect_phone, request.prospect_zip)
        if resolved.postal_ignored is not None:
            warnings.append(
                f"prospect_zip: {request.prospect_zip!r} {resolved.postal_ignored}: the phone's "
                "area code was used"
            )
        snapshot = await self._snapshots.current(company.id, now)
        if request.outbound_campaign not in snapshot.campaigns:
            snapshot = await self._campaign_snapshot(company, request.outbound_campaign, now)
        try:
            return await self._assign_from(snapshot, company, request, resolved, now, warnings)
        except (NotFound, NoAvailableAni):
            # Refusals are checked against the newest inventory: another process may have just
            # added the campaign or the numbers this request needs.
            fresh = await self._snapshots.current(company.id, now, force_check=True)
            if fresh is snapshot:
                raise
            return await self._assign_from(fresh, company, request, resolved, now, warnings)

    async def _campaign_snapshot(
        self, company: Company, campaign_id: str, now: datetime
    ) -> CompanySnapshot:
        """A snapshot that knows the campaign if anything can: another process may just have
        created it, and with the company setting unknown_campaign ``serve`` a campaign nobody
        defined is created here, with the company's defaults."""
        snapshot = await self._snapshots.current(company.id, now)
        if campaign_id in snapshot.campaigns:
            return snapshot
        snapshot = await self._snapshots.current(company.id, now, force_check=True)
        if campaign_id in snapshot.campaigns or snapshot.defaults.unknown_campaign != "serve":
            return snapshot
        await off_loop(partial(self._create_unknown, company, campaign_id, now))
        self._snapshots.invalidate(company.id)
        return await self._snapshots.current(company.id, now, force_check=True)

    def _create_unknown(self, company: Company, campaign_id: str, now: datetime) -> None:
        with self._db.write() as conn:
            campaign_store.create_unknown(conn, company.id, campaign_id, now)

    async def _assign_from(
        self,
        snapshot: CompanySnapshot,
        company: Company,
        request: NextAniRequest,
        resolved: ResolvedProspect,
        now: datetime,
        warnings: list[str],
    ) -> dict[str, Any]:
        campaign = self._campaign(snapshot, request.outbound_campaign)
        if campaign.auto_created and not any(_UNDEFINED in w for w in warnings):
            warnings.append(
                f"outbound_campaign: campaign {campaign.ext_id} {_UNDEFINED} (listed by "
                "GET /dialer/campaigns/unknown)"
            )
        groups = _groups(request, campaign)
        pool = snapshot.pool(groups, campaign)
        defaults = snapshot.defaults
        sticky_id = None
        if campaign.sticky_ani:
            sticky_id = await off_loop(partial(self._last_ani, company, resolved.phone.number))
        default = cast("AssignmentType", campaign.default_assignment_type or DEFAULT_STRATEGY)
        strategy = request.assignment_type or default
        arm = None
        if strategy == "auto":
            arm = arm_of(company.id, resolved.phone.number, defaults.holdout_share)
        # The holdout arm gets the plain local-presence rule: no model, nothing reordered.
        rule = resolve_strategy(strategy, resolved.prospect) if arm == "holdout" else strategy
        learned = rule in USES_MODEL or (rule == "tfn" and default in USES_MODEL)
        options = SelectionOptions(
            assignment_type=rule,
            default_assignment_type=default,
            model=await self._learning.current(company.id, defaults.time_zone, now)
            if learned
            else None,
            use_branded=request.use_branded,
            cap_mode=cast("CapMode", campaign.cap_mode or defaults.cap_mode),
            nearest_radius_km=defaults.nearest_radius_km,
            preferred_ani_id=sticky_id,
        )

        for _attempt in range(MAX_CLAIM_ATTEMPTS):
            choice = choose_ani(
                resolved.prospect,
                pool,
                snapshot.usage,
                options,
                areas=self._areas,
                rng=self._rng,
                winners=snapshot.winners,
            )
            if isinstance(choice, NoChoice):
                message, counts = refusal(
                    snapshot, campaign, groups, resolved.prospect.country_code, choice, now
                )
                raise NoAvailableAni(
                    message, reason=choice.code or "no_inventory", groups=groups
                ).with_counts(counts)
            choice = labelled(choice, strategy, resolved.prospect)
            candidate = choice.candidate
            # Counted here at once, so requests choosing while this claim is being written see
            # the number as just used; the database's answer below replaces the guess.
            snapshot.reserve(candidate.ani_id, now)
            counters = await self._claims.claim(
                Claim(
                    company_id=company.id,
                    campaign_id=campaign.id,
                    ani_id=candidate.ani_id,
                    day=snapshot.day,
                    hour=snapshot.hour,
                    now=now,
                    daily_cap=candidate.daily_cap,
                    hourly_cap=candidate.hourly_cap,
                    enforce=not choice.over_cap,
                    prospect_phone=resolved.phone.number,
                    prospect_country_code=resolved.phone.country_code,
                    prospect_zip=resolved.postal_code,
                    requested_assignment_type=request.assignment_type,
                    assignment_type=choice.assignment_type,
                    match=choice.match,
                    fallback=choice.fallback,
                    over_cap=choice.over_cap,
                    arm=arm,
                    stats_keys=assignment_keys(
                        candidate.country_code + candidate.number,
                        campaign.ext_id,
                        resolved.prospect.area_code,
                        resolved.phone.state,
                        arm,
                    ),
                )
            )
            if counters is None:
                snapshot.capped(candidate.ani_id, candidate.daily_cap, candidate.hourly_cap)
                continue
            snapshot.absorb(
                candidate.ani_id, snapshot.day, counters[0], snapshot.hour, counters[1], now
            )
            self._sink.picked(company, campaign.ext_id, candidate, choice, counters, now)
            return _response(request, resolved, choice, warnings)
        raise NoAvailableAni(
            "every candidate ANI was taken by concurrent requests; retry", groups=groups
        )

    def _last_ani(self, company: Company, prospect_phone: str) -> int | None:
        with self._db.read() as conn:
            return store.last_ani_for_prospect(conn, company.id, prospect_phone)

    def _refused(self, company: Company, campaign: str, exc: NoAvailableAni, now: datetime) -> None:
        self._sink.refused(company, campaign, exc.groups, exc.reason, exc.message, now)

    @staticmethod
    def _campaign(snapshot: CompanySnapshot, campaign_id: str) -> CampaignConfig:
        campaign = snapshot.campaigns.get(campaign_id)
        if campaign is None:
            raise NotFound(
                f"campaign {campaign_id} not found (the company setting unknown_campaign is "
                "reject)",
                fields={"outbound_campaign": "no such campaign"},
            )
        if campaign.type == "Inbound":
            raise ValidationFailed(
                {"outbound_campaign": f"campaign {campaign_id} is an Inbound campaign"}
            )
        return campaign


def _row_id(raw: Any, index: int) -> str | int:
    """The lead's row_id to echo, when it is one (a string or an integer); else its position."""
    row_id = raw.get("row_id") if isinstance(raw, dict) else None
    if isinstance(row_id, str | int) and not isinstance(row_id, bool):
        return row_id
    return index


def _groups(request: NextAniRequest, campaign: CampaignConfig) -> frozenset[str] | None:
    if request.inventory_group_ids:
        return frozenset(request.inventory_group_ids)
    if campaign.inbound_pool_id:
        return frozenset((campaign.inbound_pool_id,))
    return None


def _response(
    request: NextAniRequest, resolved: ResolvedProspect, choice: Choice, warnings: list[str]
) -> dict[str, Any]:
    candidate = choice.candidate
    return {
        "prospect_phone": request.prospect_phone,
        "ani": candidate.number,
        "assignment_type": choice.assignment_type,
        "country_code": candidate.country_code,
        "requested_assignment_type": request.assignment_type,
        "fallback": choice.fallback,
        "match": choice.match,
        "branded": candidate.branded,
        "over_cap": choice.over_cap,
        "brand_filter_ignored": choice.brand_filter_ignored,
        **({"warnings": warnings} if warnings else {}),
    }
