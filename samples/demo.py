"""`make demo`: show what medocs does with the sample cases, and where the output went."""

from __future__ import annotations

from click.testing import CliRunner

from medocs.cli import main

SAMPLE_TIMELINES = (
    ("IPSEA's example: a certificate pushes the appeal into the Christmas window",
     ["--decision-sent", "2024-10-01", "--certificate-issued", "2024-11-29"]),
    ("A decision letter sent on New Year's Eve: the 2-month date is clipped to February",
     ["--decision-sent", "2024-12-31"]),
    ("An assessment request: 6, 16 and 20 weeks (the 20th falls on a bank holiday)",
     ["--request-received", "2025-01-06"]),
)


def main_demo() -> None:
    runner = CliRunner()
    for title, args in SAMPLE_TIMELINES:
        print(f"== {title}\n$ medocs timeline {' '.join(args)}")
        result = runner.invoke(main, ["timeline", *args])
        print(result.output)


if __name__ == "__main__":
    main_demo()
