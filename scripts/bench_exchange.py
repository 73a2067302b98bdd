"""Gas benchmark (make bench): RecordExchange's operations against their gas targets.

    python scripts/bench_exchange.py

It starts its own anvil chain (no ape network needed); the contracts must be compiled (make compile).
Progress goes to stderr.
"""

import sys

from medchain_dev.bench import render, run_exchange_benchmark


def main() -> None:
    """Run the benchmark and print the table with one verdict per gas target."""
    report = run_exchange_benchmark(progress=lambda line: print(line, file=sys.stderr))
    print(render(report), end="")


if __name__ == "__main__":
    main()
