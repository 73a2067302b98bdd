"""Gas benchmark (make bench): ConsentRegistry next to the Ethereum Attestation Service, on one anvil chain.

    python scripts/bench_consent.py

It starts its own anvil (no ape network needed); the contracts must be compiled (make compile) and
bench/eas installed (make bench does both).
"""

import sys

from medchain_dev.bench import render, run_benchmark


def main() -> None:
    """Run the benchmark and print the comparison table with one verdict per gas target."""
    report = run_benchmark(progress=lambda line: print(line, file=sys.stderr))
    print(render(report), end="")


if __name__ == "__main__":
    main()
