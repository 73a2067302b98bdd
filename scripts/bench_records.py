"""Gas benchmark (make bench): RecordAnchor next to the Ethereum Attestation Service's timestamp.

    python scripts/bench_records.py

It starts its own anvil chains (no ape network needed); the contracts must be compiled (make compile)
and bench/eas installed (make bench does both). Anchoring the 100,000-record history takes a few
minutes; progress goes to stderr.
"""

import sys

from medchain_dev.bench import render, run_records_benchmark


def main() -> None:
    """Run the benchmark and print the comparison table with one verdict per gas target."""
    report = run_records_benchmark(progress=lambda line: print(line, file=sys.stderr))
    print(render(report), end="")


if __name__ == "__main__":
    main()
