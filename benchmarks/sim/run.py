"""Run the simulator: every policy x world x seed, printed as markdown tables.

Named scenarios (one table row per policy and scenario, relative to the oracle):

    .venv/bin/python -m benchmarks.sim.run [--days 30] [--calls-per-day 10000] [--seeds 3]
        [--scenarios all|baseline,wave,...] [--policies all|random,oracle,...] [--jobs N]

The family of drawn worlds (``world.draw_scenario``; one row per policy, the distribution over
worlds and seeds of its contact rate relative to ``--baseline`` in the same world and seed):

    .venv/bin/python -m benchmarks.sim.run --worlds 40 [--first-world 0] [--days 20]
        [--calls-per-day 3000] [--seeds 3] [--policies area_code,learner] [--per-world]

Runs are independent and deterministic for (scenario, seed, policy); ``--jobs`` spreads them
over processes without changing any result.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from .policies import POLICIES, Policy, make_policy
from .world import (
    HOURS_PER_DAY,
    SECONDS_PER_DAY,
    Reputation,
    Scenario,
    build_world,
    draw_scenario,
    scenarios,
)

DAY_START = 8 * 3600.0
CALLING_SECONDS = HOURS_PER_DAY * 3600.0


@dataclass(frozen=True, slots=True)
class RunResult:
    policy: str
    scenario: str
    seed: int
    calls: int
    contacts: int
    labelled_calls: int  # calls placed while the number carried a label
    labels: int  # label events (including a wave)
    # Labelling waves: for each number a wave labelled and the policy flagged, the business
    # days until it was flagged; how many it never flagged; flags of unlabelled numbers.
    wave_delays: tuple[int, ...] = ()
    wave_missed: int = 0
    false_flags: int = 0
    number_days: int = 0

    @property
    def contact_rate(self) -> float:
        return self.contacts / self.calls if self.calls else 0.0

    @property
    def labelled_share(self) -> float:
        return self.labelled_calls / self.calls if self.calls else 0.0


def business_time(day: int) -> float:
    """Epoch-like seconds of a business day's start (day 0 a Monday; weekends skipped)."""
    week, weekday = divmod(day, 5)
    return (week * 7 + weekday) * SECONDS_PER_DAY


def simulate(scenario: Scenario, seed: int, policy_name: str) -> RunResult:
    world = build_world(seed, scenario)
    rep = Reputation(world)
    policy = make_policy(policy_name, world, rep, seed)
    by_id = world.by_id
    labelled = rep.labelled
    n = scenario.calls_per_day
    per_hour = -(-n // HOURS_PER_DAY)
    step = CALLING_SECONDS / n
    calls = contacts = labelled_calls = labels = 0
    flags = _FlagScore(rep, policy)
    for day in range(scenario.days):
        before = len(rep.labelled_on)
        rep.start_day(day)
        labels += max(0, len(rep.labelled_on) - before)
        policy.start_day(day)
        flags.score()
        t0 = business_time(day) + DAY_START
        prospects = world.prospects_for_day(day)
        draws = world.answer_draws_for_day(day)
        for i in range(n):
            if i and i % per_hour == 0:
                before = len(rep.labelled_on)
                rep.end_hour(day)
                labels += len(rep.labelled_on) - before
                policy.start_hour(i // per_hour)
                flags.score()
            region = prospects[i]
            a = policy.choose(region, day, t0 + i * step)
            is_labelled = a in labelled
            p = world.answer_probability(by_id[a], region, is_labelled)
            answered = draws[i] < p
            rep.record_dial(a)
            policy.observe(a, answered)
            calls += 1
            contacts += answered
            labelled_calls += is_labelled
        before = len(rep.labelled_on)
        rep.end_hour(day)
        labels += len(rep.labelled_on) - before
        rep.end_day()
    return RunResult(
        policy_name,
        scenario.name,
        seed,
        calls,
        contacts,
        labelled_calls,
        labels,
        wave_delays=tuple(flags.wave_delays.values()),
        wave_missed=len(rep.wave_hit) - len(flags.wave_delays),
        false_flags=flags.false_flags,
        number_days=len(world.anis) * scenario.days,
    )


class _FlagScore:
    """Scores a policy's flags as they come, against the labels hidden in the world."""

    def __init__(self, rep: Reputation, policy: Policy) -> None:
        self.rep = rep
        self.policy = policy
        self.seen = 0
        self.wave_delays: dict[int, int] = {}
        self.false_flags = 0

    def score(self) -> None:
        wave_day = self.rep.world.scenario.wave_day
        for day, a in self.policy.flags[self.seen :]:
            if a in self.rep.wave_hit and wave_day is not None and day >= wave_day:
                self.wave_delays.setdefault(a, day - wave_day)
            elif a not in self.rep.labelled:
                self.false_flags += 1
        self.seen = len(self.policy.flags)


def _run_one(job: tuple[Scenario, int, str]) -> RunResult:
    return simulate(*job)


def run_all(
    chosen: Sequence[Scenario], seeds: Sequence[int], policies: Sequence[str], jobs: int
) -> list[RunResult]:
    work = [(sc, seed, p) for sc in chosen for seed in seeds for p in policies]
    if jobs <= 1:
        return [_run_one(w) for w in work]
    with ProcessPoolExecutor(max_workers=jobs) as ex:
        return list(ex.map(_run_one, work))


def table(results: Sequence[RunResult], policies: Sequence[str], names: Sequence[str]) -> str:
    """Markdown: one row per policy x scenario, means over seeds; % of oracle is per seed."""
    oracle = {(r.scenario, r.seed): r.contact_rate for r in results if r.policy == "oracle"}
    lines = [
        "| scenario | policy | contact rate | % of oracle | labelled share | labels/seed |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for sc in names:
        for p in policies:
            rs = [r for r in results if r.scenario == sc and r.policy == p]
            if not rs:
                continue
            k = len(rs)
            cr = sum(r.contact_rate for r in rs) / k
            ratios = [
                r.contact_rate / oracle[(sc, r.seed)]
                for r in rs
                if oracle.get((sc, r.seed), 0.0) > 0.0
            ]
            pct = f"{100 * sum(ratios) / len(ratios):.1f}%" if ratios else "n/a"
            share = sum(r.labelled_share for r in rs) / k
            labels = sum(r.labels for r in rs) / k
            lines.append(
                f"| {sc} | {p} | {100 * cr:.2f}% | {pct} | {100 * share:.2f}% | {labels:.0f} |"
            )
    return "\n".join(lines)


def _quantile(xs: Sequence[float], q: float) -> float:
    """The q-quantile with linear interpolation (what ``statistics.quantiles`` does inclusively)."""
    ys = sorted(xs)
    if len(ys) == 1:
        return ys[0]
    pos = q * (len(ys) - 1)
    lo = math.floor(pos)
    hi = min(lo + 1, len(ys) - 1)
    return ys[lo] + (ys[hi] - ys[lo]) * (pos - lo)


def family_table(
    results: Sequence[RunResult], policies: Sequence[str], baseline: str, *, per_world: bool
) -> str:
    """Per policy, over drawn worlds x seeds: the contact-rate ratio to ``baseline`` in the same
    world and seed (min, 10th percentile, median, mean; worlds below 1 by more than noise), the
    labelled share and the runs where it exceeds the baseline's, and for labelling waves the
    median days to flag a wave's number (never-flagged numbers count as never) and false flags
    per 1,000 number-days."""
    base = {(r.scenario, r.seed): r for r in results if r.policy == baseline}
    lines = [
        f"| policy | ratio to {baseline}: min | p10 | median | mean | runs < 0.99 "
        "| labelled share: median | max | runs above baseline | wave: median days to flag "
        "| false flags / 1000 number-days |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    detail: list[str] = []
    for p in policies:
        rs = [r for r in results if r.policy == p and (r.scenario, r.seed) in base]
        if not rs:
            continue
        ratios = [
            r.contact_rate / base[(r.scenario, r.seed)].contact_rate
            for r in rs
            if base[(r.scenario, r.seed)].contact_rate > 0
        ]
        shares = [r.labelled_share for r in rs]
        above = sum(
            r.labelled_share > base[(r.scenario, r.seed)].labelled_share + 1e-12 for r in rs
        )
        delays: list[float] = []
        for r in rs:
            delays.extend(r.wave_delays)
            delays.extend([math.inf] * r.wave_missed)
        wave = "n/a"
        if delays:
            med = statistics.median(delays)
            wave = "never" if math.isinf(med) else f"{med:.1f}"
        number_days = sum(r.number_days for r in rs)
        false = 1000 * sum(r.false_flags for r in rs) / number_days if number_days else 0.0
        lines.append(
            f"| {p} | {min(ratios):.3f} | {_quantile(ratios, 0.1):.3f} | "
            f"{statistics.median(ratios):.3f} | {statistics.fmean(ratios):.3f} | "
            f"{sum(x < 0.99 for x in ratios)}/{len(ratios)} | "
            f"{100 * statistics.median(shares):.2f}% | {100 * max(shares):.2f}% | "
            f"{above}/{len(rs)} | {wave} | {false:.2f} |"
        )
        if per_world:
            for r in rs:
                b = base[(r.scenario, r.seed)]
                ratio = r.contact_rate / b.contact_rate if b.contact_rate else float("nan")
                detail.append(
                    f"| {p} | {r.scenario} | {r.seed} | {ratio:.3f} | "
                    f"{100 * r.labelled_share:.2f}% | {100 * b.labelled_share:.2f}% |"
                )
    if detail:
        lines += [
            "",
            f"| policy | world | seed | ratio | labelled share | {baseline}'s |",
            "|---|---|---:|---:|---:|---:|",
            *detail,
        ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--days", type=int, default=30, help="business days")
    ap.add_argument("--calls-per-day", type=int, default=10_000)
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--scenarios", default="all")
    ap.add_argument("--policies", default="all")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--worlds", type=int, default=0, help="run the family of drawn worlds")
    ap.add_argument("--first-world", type=int, default=0)
    ap.add_argument("--baseline", default="area_code", help="the family's reference policy")
    ap.add_argument("--per-world", action="store_true", help="also print every run")
    args = ap.parse_args(argv)
    if args.worlds:
        return _family(ap, args)

    available = scenarios(args.days, args.calls_per_day)
    names = list(available) if args.scenarios == "all" else args.scenarios.split(",")
    policies = list(POLICIES) if args.policies == "all" else args.policies.split(",")
    for name in names:
        if name not in available:
            ap.error(f"unknown scenario {name!r}; choose from {', '.join(available)}")
    for p in policies:
        if p not in POLICIES:
            ap.error(f"unknown policy {p!r}; choose from {', '.join(POLICIES)}")

    started = time.perf_counter()
    results = run_all([available[n] for n in names], range(args.seeds), policies, args.jobs)
    elapsed = time.perf_counter() - started
    sample = available[names[0]]
    print(
        f"{args.days} business days x {args.calls_per_day} calls/day x {args.seeds} seeds; "
        f"{sample.n_regions} regions; pool {sample.n_anis} ANIs; "
        f"{elapsed:.1f} s with {args.jobs} jobs\n"
    )
    print(table(results, policies, names))
    return 0


def _family(ap: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    days = args.days if args.days != 30 else 20
    calls = args.calls_per_day if args.calls_per_day != 10_000 else 3_000
    default = ["area_code", "local_lru", "learner"]
    policies = default if args.policies == "all" else args.policies.split(",")
    if args.baseline not in policies:
        policies.insert(0, args.baseline)
    for p in policies:
        if p not in POLICIES:
            ap.error(f"unknown policy {p!r}; choose from {', '.join(POLICIES)}")
    worlds = [
        draw_scenario(i, days, calls)
        for i in range(args.first_world, args.first_world + args.worlds)
    ]
    started = time.perf_counter()
    results = run_all(worlds, range(args.seeds), policies, args.jobs)
    elapsed = time.perf_counter() - started
    print(
        f"{len(worlds)} drawn worlds (from {args.first_world}) x {args.seeds} seeds; "
        f"{days} business days x {calls} calls/day; {elapsed:.1f} s with {args.jobs} jobs\n"
    )
    print(family_table(results, policies, args.baseline, per_world=args.per_world))
    return 0


if __name__ == "__main__":
    sys.exit(main())
