"""Gas benchmark (make bench): DrugProvenance's operations against their targets.

    python scripts/bench_provenance.py

It starts its own anvil chain (no ape network needed); the contracts must be compiled (make compile).
Progress goes to stderr.
"""

import sys

from medchain_dev.bench import render, run_provenance_benchmark


def main() -> None:
    """Run the benchmark and print the table with one verdict per gas target."""
    report = run_provenance_benchmark(progress=lambda line: print(line, file=sys.stderr))
    print(render(report), end="")


if __name__ == "__main__":
    main()
