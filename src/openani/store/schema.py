"""Table definitions: the single description of the schema that migrations are checked against.

Every tenant-owned table carries ``company_id`` and every lookup goes through it, so no query can
reach another company's rows by an identifier alone. Rows that statistics will refer to are never
physically deleted: ``deleted_at`` hides them from the API while their internal ``id`` stays valid
for history (dial results, assignments).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    text,
    true,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

# Deterministic constraint names keep Alembic migrations identical on SQLite and PostgreSQL.
metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out, on every backend.

    SQLite has no time zone type and hands back naive values; storing naive UTC everywhere and
    re-attaching UTC on the way out gives one behaviour for both databases.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to UTCDateTime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC)


def _timestamps() -> list[Column[Any]]:
    return [
        Column("created_at", UTCDateTime(), nullable=False),
        Column("updated_at", UTCDateTime(), nullable=False),
        Column("deleted_at", UTCDateTime(), nullable=True),
    ]


companies = Table(
    "companies",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("guid", String(36), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("time_zone", String(64), nullable=False, server_default="America/New_York"),
    Column("created_at", UTCDateTime(), nullable=False),
    # Company-wide selection defaults; campaigns and ANIs may override the caps.
    Column("daily_cap", Integer, nullable=False, server_default="75"),
    Column("hourly_cap", Integer, nullable=True),
    Column("cap_mode", String(8), nullable=False, server_default="soft"),
    Column("nearest_radius_km", Float, nullable=False, server_default="250"),
    # Burned numbers: "auto" rests them, "recommend" (the default since migration 0011) only
    # flags them, and the default strategy then takes them last; how long a rest lasts, how
    # much of the pool may rest at once, how long a rested number is watched afterwards.
    Column("automation", String(16), nullable=False, server_default="recommend"),
    Column("rest_days", Integer, nullable=False, server_default="7"),
    Column("max_resting_share", Float, nullable=False, server_default="0.2"),
    Column("probation_days", Integer, nullable=False, server_default="3"),
    # /dialer/next for a campaign that is not defined: "serve" (create it with the company's
    # defaults, marked auto_created) or "reject" (404).
    Column("unknown_campaign", String(8), nullable=False, server_default="serve"),
    # Share of prospects whose default-strategy (auto) calls go to the plain local-presence
    # rule instead, so the default's uplift can be measured on the company's own traffic.
    Column("holdout_share", Float, nullable=False, server_default="0.05"),
    # Bumped by every change that alters which ANIs /dialer/next may pick, so each server
    # process knows when its in-memory pool is stale.
    Column("inventory_version", Integer, nullable=False, server_default="0"),
)

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", Integer, primary_key=True),
    # The public half of a key: shown in listings, used to find the row without scanning hashes.
    Column("key_id", String(32), nullable=False, unique=True),
    Column("company_id", ForeignKey("companies.id"), nullable=False, index=True),
    # SHA-256 of the secret half. Keys carry 256 random bits, so a fast hash is enough: there is
    # nothing to brute-force that a slow hash would protect.
    Column("secret_hash", String(64), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("revoked_at", UTCDateTime(), nullable=True),
    Column("last_used_at", UTCDateTime(), nullable=True),
)

campaigns = Table(
    "campaigns",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("company_id", ForeignKey("companies.id"), nullable=False),
    Column("ext_id", String(64), nullable=False),
    Column("name", String(200), nullable=False),
    Column("type", String(16), nullable=False),
    Column("inbound_pool_id", String(64), nullable=True),
    Column("daily_cap", Integer, nullable=True),
    Column("hourly_cap", Integer, nullable=True),
    Column("cap_mode", String(8), nullable=True),
    Column("default_assignment_type", String(24), nullable=True),
    Column("sticky_ani", Boolean, nullable=False, server_default=false()),
    # Created by /dialer/next for a campaign the dialer named but nobody defined; cleared when
    # an operator creates or updates it.
    Column("auto_created", Boolean, nullable=False, server_default=false()),
    *_timestamps(),
    UniqueConstraint("company_id", "ext_id"),
)

dispositions = Table(
    "dispositions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("company_id", ForeignKey("companies.id"), nullable=False),
    Column("ext_id", String(64), nullable=False),
    Column("name", String(200), nullable=False),
    Column("type", String(16), nullable=False),
    Column("contact", Boolean, nullable=False),
    Column("success", Boolean, nullable=False),
    # human, voicemail, no_answer, busy, blocked, invalid_number, other: what block and
    # no-answer rates are computed from.
    Column("category", String(16), nullable=True),
    # The name as results match it (case-folded): unique among a company's live dispositions.
    # Always written; nullable only because migrating SQLite to NOT NULL would rebuild the table.
    Column("name_key", String(200), nullable=True),
    *_timestamps(),
    UniqueConstraint("company_id", "ext_id"),
    Index(
        "uq_dispositions_company_id_name_key",
        "company_id",
        "name_key",
        unique=True,
        sqlite_where=text("deleted_at IS NULL"),
        postgresql_where=text("deleted_at IS NULL"),
    ),
)

anis = Table(
    "anis",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("company_id", ForeignKey("companies.id"), nullable=False),
    Column("country_code", String(4), nullable=False),
    Column("number", String(15), nullable=False),
    Column("inbound_group_id", String(64), nullable=False),
    Column("is_branded", Boolean, nullable=False, server_default=false()),
    Column("brand_name", String(200), nullable=True),
    Column("carrier_id", String(64), nullable=True),
    # Facts derived from the number once, at write time, so selection never re-parses it.
    Column("region", String(2), nullable=True),
    Column("area_code", String(8), nullable=True),
    Column("state", String(2), nullable=True),
    Column("place", String(100), nullable=True),
    Column("time_zone", String(64), nullable=True),
    Column("toll_free", Boolean, nullable=False, server_default=false()),
    Column("warnings", Text, nullable=False, server_default="[]"),
    # active, paused, suspected_label, resting or probation (see lifecycle/status.py);
    # paused_until ends a pause or a rest.
    Column("status", String(16), nullable=False, server_default="active"),
    Column("paused_until", UTCDateTime(), nullable=True),
    Column("status_reason", Text, nullable=True),
    Column("status_changed_at", UTCDateTime(), nullable=True),
    Column("daily_cap", Integer, nullable=True),
    Column("hourly_cap", Integer, nullable=True),
    *_timestamps(),
    UniqueConstraint("company_id", "country_code", "number"),
    Index("ix_anis_company_number", "company_id", "number"),
    Index("ix_anis_company_area_code", "company_id", "area_code"),
)


# The live counters that caps and rotation read: one row per ANI, rolled over in place when the
# company's day or hour changes. Kept apart from the ANI row so the hot update touches a narrow
# row and never conflicts with inventory edits.
ani_usage = Table(
    "ani_usage",
    metadata,
    Column("ani_id", ForeignKey("anis.id"), primary_key=True),
    Column("company_id", ForeignKey("companies.id"), nullable=False, index=True),
    Column("day", String(10), nullable=False),  # YYYY-MM-DD in the company's time zone
    Column("dials_today", Integer, nullable=False),
    Column("hour", String(13), nullable=False),  # YYYY-MM-DDTHH in the company's time zone
    Column("dials_this_hour", Integer, nullable=False),
    Column("last_assigned_at", UTCDateTime(), nullable=False),
)

# Every answer of /dialer/next: for statistics, stickiness and "why did it pick this?".
assignments = Table(
    "assignments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("company_id", ForeignKey("companies.id"), nullable=False),
    Column("campaign_id", ForeignKey("campaigns.id"), nullable=False),
    Column("ani_id", ForeignKey("anis.id"), nullable=False),
    Column("prospect_phone", String(15), nullable=False),
    Column("prospect_country_code", String(4), nullable=False),
    Column("prospect_zip", String(10), nullable=True),
    Column("requested_assignment_type", String(24), nullable=True),
    Column("assignment_type", String(24), nullable=False),
    Column("match", String(16), nullable=False),
    Column("fallback", Boolean, nullable=False),
    Column("over_cap", Boolean, nullable=False),
    # For calls of the default strategy: "default" or "holdout" (the plain local-presence rule).
    Column("arm", String(8), nullable=True),
    Column("created_at", UTCDateTime(), nullable=False),
    Index("ix_assignments_company_prospect", "company_id", "prospect_phone", "id"),
    Index("ix_assignments_ani_created", "ani_id", "created_at"),
)

# Dial results as the dialer reported them, one row per (company, call id): a retry of the same
# call is recognised, a re-disposition replaces the row. ``counted_*`` remember how the row was
# counted into daily_stats, so any later change (new dispo, re-disposition, a dispo created after
# the fact) moves the statistics by the difference instead of rescanning results.
dial_results = Table(
    "dial_results",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("company_id", ForeignKey("companies.id"), nullable=False),
    Column("call_id", String(128), nullable=False),
    Column("campaign", String(64), nullable=False),
    Column("agent_id", String(64), nullable=True),
    Column("ani", String(15), nullable=False),
    Column("ani_country_code", String(4), nullable=False),
    Column("ani_id", ForeignKey("anis.id"), nullable=True),
    Column("dispo", String(64), nullable=False),
    # Lower-cased dispo, so a disposition created or renamed later finds its results by index.
    Column("dispo_lookup", String(64), nullable=False),
    Column("disposition_id", ForeignKey("dispositions.id"), nullable=True),
    Column("prospect_phone", String(15), nullable=False),
    Column("prospect_area_code", String(8), nullable=True),
    Column("prospect_state", String(2), nullable=True),
    Column("call_at", UTCDateTime(), nullable=False),
    Column("call_day", String(10), nullable=False),  # the company's local day of the call
    Column("call_type", String(32), nullable=True),
    Column("duration_s", Integer, nullable=True),
    Column("zip", String(16), nullable=True),
    Column("lead_created", String(64), nullable=True),
    Column("attempts", Integer, nullable=True),
    Column("skill", String(128), nullable=True),
    Column("lead_source", String(128), nullable=True),
    Column("kpis", Text, nullable=False, server_default="{}"),
    Column("counted_contact", Boolean, nullable=False),
    Column("counted_success", Boolean, nullable=False),
    Column("counted_category", String(16), nullable=True),
    # The experiment arm of the call's assignment (the prospect's latest one with an arm).
    Column("arm", String(8), nullable=True),
    Column("received_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    UniqueConstraint("company_id", "call_id"),
    Index("ix_dial_results_company_dispo_lookup", "company_id", "dispo_lookup"),
    # Partial: only results whose disposition or ANI is unknown, for the endpoints listing them.
    Index(
        "ix_dial_results_unmapped_dispo",
        "company_id",
        "dispo",
        sqlite_where=text("disposition_id IS NULL"),
        postgresql_where=text("disposition_id IS NULL"),
    ),
    Index(
        "ix_dial_results_unknown_ani",
        "company_id",
        "ani",
        sqlite_where=text("ani_id IS NULL"),
        postgresql_where=text("ani_id IS NULL"),
    ),
)

# Counters per company, dimension and local day, maintained as results and assignments arrive.
# One table for every dimension, so one upsert and one query path serve them all. The
# dimensions (ani, campaign, area, area_local, ani_campaign, ani_area, agent, arm), the key of
# each and the counters are declared in openani.stats.keys; every statement on the table is in
# store.daily_stats.
daily_stats = Table(
    "daily_stats",
    metadata,
    Column("company_id", ForeignKey("companies.id"), primary_key=True),
    Column("dimension", String(16), primary_key=True),
    Column("key", String(96), primary_key=True),
    Column("day", String(10), primary_key=True),
    Column("state", String(2), nullable=True),  # area dimension: the area code's state
    Column("assigned", Integer, nullable=False, server_default="0"),
    Column("dials", Integer, nullable=False, server_default="0"),
    Column("contacts", Integer, nullable=False, server_default="0"),
    Column("successes", Integer, nullable=False, server_default="0"),
    Column("blocked", Integer, nullable=False, server_default="0"),
    Column("no_answers", Integer, nullable=False, server_default="0"),
    Column("talk_seconds", Integer, nullable=False, server_default="0"),
    Column("short_calls", Integer, nullable=False, server_default="0"),
    Column("last_dialed_at", UTCDateTime(), nullable=True),
    Index("ix_daily_stats_company_dimension_day", "company_id", "dimension", "day"),
)

# Who changed what: every change to campaigns, dispositions, ANIs (including pauses) and
# settings, with the API key that made it (null: the command line or the service itself).
audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("company_id", ForeignKey("companies.id"), nullable=False),
    Column("key_id", String(32), nullable=True),
    Column("action", String(16), nullable=False),
    Column("resource", String(16), nullable=False),
    Column("identifier", String(64), nullable=True),
    Column("changes", Text, nullable=False, server_default="{}"),
    Column("at", UTCDateTime(), nullable=False),
    Index("ix_audit_log_company_id", "company_id", "id"),
)

# Every change of an ANI's status, by hand (actor: the API key id) or by the burned-number
# detector (actor: "detector"), with its reason; from_status is the effective status before.
ani_status_history = Table(
    "ani_status_history",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("company_id", ForeignKey("companies.id"), nullable=False),
    Column("ani_id", ForeignKey("anis.id"), nullable=False),
    Column("from_status", String(16), nullable=False),
    Column("to_status", String(16), nullable=False),
    Column("reason", Text, nullable=True),
    Column("actor", String(32), nullable=False),
    Column("at", UTCDateTime(), nullable=False),
    Index("ix_ani_status_history_company_id", "company_id", "id"),
    Index("ix_ani_status_history_ani_id", "ani_id", "id"),
)

# Webhooks: where a company's events are delivered (at most 5 per company), which events, with
# which extra headers. Soft-deleted like the inventory, so the delivery log keeps its target.
webhooks = Table(
    "webhooks",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("public_id", String(32), nullable=False, unique=True),  # "wh_" + 16 hex digits
    Column("company_id", ForeignKey("companies.id"), nullable=False, index=True),
    Column("url", String(2048), nullable=False),
    Column("events", Text, nullable=False, server_default='["*"]'),  # JSON list; "*": all
    Column("headers", Text, nullable=False, server_default="{}"),  # JSON object
    Column("enabled", Boolean, nullable=False, server_default=true()),
    Column("description", String(200), nullable=True),
    # openani (its own delivery of events) or outboundiq (the commercial SDKs' dial.batch).
    Column("format", String(16), nullable=False, server_default="openani"),
    *_timestamps(),
)

# One signing secret per company; after a rotation the previous one also signs deliveries until
# previous_expires_at, so receivers can be moved to the new secret without losing any.
webhook_signing_secrets = Table(
    "webhook_signing_secrets",
    metadata,
    Column("company_id", ForeignKey("companies.id"), primary_key=True),
    Column("secret", String(64), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("previous_secret", String(64), nullable=True),
    Column("previous_expires_at", UTCDateTime(), nullable=True),
)

# The outbox: events written in the same transaction as the change they report (or, for
# observations of /dialer/next, within a second of it), until a delivery pass turns them into
# deliveries and deletes them.
webhook_events = Table(
    "webhook_events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("company_id", ForeignKey("companies.id"), nullable=False),
    Column("event_id", String(40), nullable=False),  # "evt_" + 32 hex digits
    Column("type", String(32), nullable=False),
    Column("payload", Text, nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
)

# One POST of 1-100 events to one webhook, retried until answered 2xx or out of time. The body
# is fixed when the delivery is made, so every attempt sends the same bytes.
webhook_deliveries = Table(
    "webhook_deliveries",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("public_id", String(40), nullable=False, unique=True),  # "dlv_" + 32 hex digits
    Column("company_id", ForeignKey("companies.id"), nullable=False),
    Column("webhook_id", ForeignKey("webhooks.id"), nullable=False),
    Column("body", Text, nullable=False),
    Column("event_count", Integer, nullable=False),
    Column("event_types", String(200), nullable=False),  # distinct types, comma-separated
    # pending, delivered, failed (retries exhausted) or cancelled (webhook deleted)
    Column("status", String(12), nullable=False),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("next_attempt_at", UTCDateTime(), nullable=True),
    # A process sending it holds it until then; past it (the process died), another may.
    Column("leased_until", UTCDateTime(), nullable=True),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("last_attempt_at", UTCDateTime(), nullable=True),
    Column("last_status_code", Integer, nullable=True),
    Column("last_error", String(500), nullable=True),
    Column("delivered_at", UTCDateTime(), nullable=True),
    Index("ix_webhook_deliveries_status_next_attempt_at", "status", "next_attempt_at"),
    Index("ix_webhook_deliveries_company_id", "company_id", "id"),
)

webhook_attempts = Table(
    "webhook_attempts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("delivery_id", ForeignKey("webhook_deliveries.id"), nullable=False),
    Column("attempt", Integer, nullable=False),
    Column("at", UTCDateTime(), nullable=False),
    Column("status_code", Integer, nullable=True),
    Column("error", String(500), nullable=True),
    Column("duration_ms", Integer, nullable=False),
    Index("ix_webhook_attempts_delivery_id", "delivery_id", "id"),
)

# Remediation requests for a number's reputation (a label put on it by carriers' analytics):
# at most one per number every 30 days, as carriers and registries expect.
ani_remediations = Table(
    "ani_remediations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("company_id", ForeignKey("companies.id"), nullable=False),
    Column("ani_id", ForeignKey("anis.id"), nullable=False),
    Column("carrier", String(64), nullable=False),
    Column("note", Text, nullable=True),
    Column("actor", String(32), nullable=False),
    Column("requested_at", UTCDateTime(), nullable=False),
    Index("ix_ani_remediations_ani_id", "ani_id", "requested_at"),
    Index("ix_ani_remediations_company_id", "company_id", "id"),
)

# Pauses and activations asked for a later date, applied by a timer of every server process
# when their time comes (each one once: the row is locked and marked applied).
ani_schedules = Table(
    "ani_schedules",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("company_id", ForeignKey("companies.id"), nullable=False),
    Column("ani_id", ForeignKey("anis.id"), nullable=False),
    Column("action", String(16), nullable=False),  # pause, activate
    Column("at", UTCDateTime(), nullable=False),
    Column("until", UTCDateTime(), nullable=True),  # a pause's end
    Column("note", Text, nullable=True),
    Column("actor", String(32), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("applied_at", UTCDateTime(), nullable=True),
    Column("cancelled_at", UTCDateTime(), nullable=True),
    Index("ix_ani_schedules_due", "applied_at", "cancelled_at", "at"),
    Index("ix_ani_schedules_company_id", "company_id", "id"),
)

# Secrets of this installation, made once by a migration and shared by every server process
# (e.g. "cursor": the key that makes list cursors opaque; see openani.paging).
installation_secrets = Table(
    "installation_secrets",
    metadata,
    Column("name", String(32), primary_key=True),
    Column("value", String(128), nullable=False),
)
