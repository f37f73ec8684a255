"""Benchmark: appeal deadlines (with their explanations) for 100,000 random cases on one core.

Run with ``.venv/bin/python benchmarks/bench_timeline.py [--cases N] [--seed S] [--rounds R]
[--profile]``. Each round runs in a fresh process, so its caches start cold.
Prints the number of deadlines per CPU second (process time, so other processes on a busy
machine do not count); the target is at least 100,000/s. Not a test.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import random
import statistics
import subprocess
import sys
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


def measure(count: int, seed: int) -> tuple[float, float, float, int]:
    """One cold measurement in this process: start-up, CPU and wall seconds, and the checksum."""
    cases = make_cases(count, seed)
    # One-off start-up, timed apart: importing the holiday calendars. The per-date caches
    # stay cold: this date is outside the benchmark's range.
    start = time.perf_counter()
    appeal_deadline(date(2013, 1, 7))
    startup = time.perf_counter() - start
    wall, cpu = time.perf_counter(), time.process_time()
    checksum = run(cases)
    return startup, time.process_time() - cpu, time.perf_counter() - wall, checksum


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=20241001)
    parser.add_argument("--rounds", type=int, default=3,
                        help="Fresh processes (cold caches) to run; the median is reported.")
    parser.add_argument("--profile", action="store_true", help="Print a cProfile summary instead.")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.profile:
        cases = make_cases(args.cases, args.seed)
        appeal_deadline(date(2013, 1, 7))
        profiler = cProfile.Profile()
        profiler.runcall(run, cases)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(20)
        return
    if args.one:
        print(json.dumps(measure(args.cases, args.seed)))
        return
    rates = []
    for round_ in range(1, args.rounds + 1):
        command = [sys.executable, __file__, "--one", "--cases", str(args.cases), "--seed", str(args.seed)]
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
        startup, cpu, wall, checksum = json.loads(output)
        rates.append(args.cases / cpu)
        print(f"round {round_}: {args.cases:,} appeal deadlines in {cpu:.2f} s CPU ({wall:.2f} s wall), "
              f"{rates[-1]:,.0f}/s; start-up {startup:.2f} s not counted; checksum {checksum}")
    rate = statistics.median(rates)
    verdict = "meets" if rate >= TARGET else "BELOW"
    print(f"median {rate:,.0f} deadlines per second of CPU, one core ({verdict} the {TARGET:,}/s target)")


if __name__ == "__main__":
    main()
