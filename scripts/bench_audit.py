"""Benchmark (make bench): the audit index next to Foundry's `cast logs`, and its memory from 10,000 to 1,000,000 events.

    python scripts/bench_audit.py [--events N]     # default 1,000,000 (about 10 minutes on 2 cores)

It starts its own anvil (no ape network needed); the contracts must be compiled (make compile) and
cast installed (make setup: npm @foundry-rs/cast-linux-amd64). Progress goes to stderr.
"""

import sys

from medchain_dev.bench.audit_index import run_benchmark


def main() -> None:
    """Run the benchmark and print its figures."""
    total = int(sys.argv[sys.argv.index("--events") + 1]) if "--events" in sys.argv else 1_000_000
    report = run_benchmark(progress=lambda line: print(line, file=sys.stderr), total=total,
                           compare=min(100_000, total))
    print(report.render(), end="")


if __name__ == "__main__":
    main()
