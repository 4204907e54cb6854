"""Run the issue-5 simulator: every policy x scenario x seed, printed as a markdown table.

    .venv/bin/python -m benchmarks.sim.run [--days 30] [--calls-per-day 10000] [--seeds 3]
        [--scenarios all|baseline,wave,...] [--policies all|random,oracle,...] [--jobs N]

Runs are independent and deterministic for (scenario, seed, policy); ``--jobs`` spreads them
over processes without changing any result.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from .policies import POLICIES, make_policy
from .world import HOURS_PER_DAY, SECONDS_PER_DAY, Reputation, Scenario, build_world, scenarios

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
    for day in range(scenario.days):
        before = len(rep.labelled_on)
        rep.start_day(day)
        labels += max(0, len(rep.labelled_on) - before)
        policy.start_day(day)
        t0 = business_time(day) + DAY_START
        prospects = world.prospects_for_day(day)
        draws = world.answer_draws_for_day(day)
        for i in range(n):
            if i and i % per_hour == 0:
                before = len(rep.labelled_on)
                rep.end_hour(day)
                labels += len(rep.labelled_on) - before
                policy.start_hour(i // per_hour)
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
    return RunResult(policy_name, scenario.name, seed, calls, contacts, labelled_calls, labels)


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


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--days", type=int, default=30, help="business days")
    ap.add_argument("--calls-per-day", type=int, default=10_000)
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--scenarios", default="all")
    ap.add_argument("--policies", default="all")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = ap.parse_args(argv)

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


if __name__ == "__main__":
    sys.exit(main())
