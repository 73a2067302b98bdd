"""Benchmark (make bench): ClaimSettlement gas next to Etherisc GIF, and bulk-submission throughput.

    python scripts/bench_claims.py [--gas-only]

It starts its own anvil chains (no ape network needed); the contracts must be compiled (make compile).
Progress goes to stderr.
"""

import sys

from medchain_dev.bench import render
from medchain_dev.bench.claims import run_benchmark


def main() -> None:
    """Run the benchmark and print the table, the verdicts and the throughput figures."""
    report = run_benchmark(progress=lambda line: print(line, file=sys.stderr), throughput="--gas-only" not in sys.argv)
    print(render(report), end="")


if __name__ == "__main__":
    main()
