"""Benchmark: appeal deadlines (with their explanations) for 100,000 random cases on one core.

Run with ``.venv/bin/python benchmarks/bench_timeline.py [--cases N] [--seed S] [--profile]``.
Prints the number of deadlines per CPU second (process time, so other processes on a busy
machine do not count); the target is at least 100,000/s. Not a test.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import random
import time
from datetime import date, timedelta

from medocs import appeal_deadline

TARGET = 100_000
FIRST = date(2014, 9, 1)
SPAN_DAYS = (date(2028, 10, 31) - FIRST).days


def make_cases(count: int, seed: int) -> list[tuple[date, date | None]]:
    """Random decision dates from Sept 2014 to Oct 2028; half with a certificate 0-120 days later."""
    rng = random.Random(seed)
    cases: list[tuple[date, date | None]] = []
    for _ in range(count):
        sent = FIRST + timedelta(days=rng.randrange(SPAN_DAYS))
        certificate = sent + timedelta(days=rng.randrange(121)) if rng.random() < 0.5 else None
        cases.append((sent, certificate))
    return cases


def run(cases: list[tuple[date, date | None]]) -> int:
    """Compute every appeal deadline, as the public function builds it; return a checksum."""
    total = 0
    for sent, certificate in cases:
        deadline = appeal_deadline(sent, certificate_issued=certificate)
        total += deadline.date.toordinal() + len(deadline.explanation)
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=20241001)
    parser.add_argument("--profile", action="store_true", help="Print a cProfile summary instead.")
    args = parser.parse_args()
    cases = make_cases(args.cases, args.seed)
    # One-off start-up, timed apart: importing the holiday calendars (about 0.4 s). The
    # per-date caches stay cold: this date is outside the benchmark's range.
    start = time.perf_counter()
    appeal_deadline(date(2013, 1, 7))
    startup = time.perf_counter() - start
    if args.profile:
        profiler = cProfile.Profile()
        profiler.runcall(run, cases)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(20)
        return
    wall, cpu = time.perf_counter(), time.process_time()
    checksum = run(cases)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    rate = len(cases) / cpu
    verdict = "meets" if rate >= TARGET else "BELOW"
    print(f"start-up (holiday calendars) {startup:.2f} s, not counted")
    print(f"{len(cases):,} appeal deadlines: {cpu:.2f} s CPU, {wall:.2f} s wall (other load counts)")
    print(f"{rate:,.0f} deadlines per second of CPU, one core ({verdict} the {TARGET:,}/s target)")
    print(f"checksum {checksum}")

if __name__ == "__main__":
    main()
