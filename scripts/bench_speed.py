"""Benchmark (make bench): the commands users run, timed from launch to exit, next to the node's limit.

    python scripts/bench_speed.py [--only claims|audit|startup]

One anvil: `ape run submit_claims` on 5,000 claims end to end next to the same batches pre-signed and
sent raw; `ape run audit sync` next to `cast logs --json` at 100,000 events; the start-up of
`ape run claims --help` and of a one-transaction command. One table, each figure next to its target.
It starts its own anvil; the contracts must be compiled (make compile). Progress goes to stderr.
"""

import sys

from medchain_dev.bench.speed import run_benchmark


def main() -> None:
    """Run the benchmark (or one part of it) and print the table."""
    only = sys.argv[sys.argv.index("--only") + 1] if "--only" in sys.argv else None
    if only not in (None, "claims", "audit", "startup"):
        sys.exit(f"--only: one of claims, audit, startup, not {only!r}")
    parts = {"claims": only in (None, "claims"), "audit": only in (None, "audit"), "startup": only in (None, "startup")}
    report = run_benchmark(progress=lambda line: print(line, file=sys.stderr, flush=True), **parts)
    print(report.render(), end="")


if __name__ == "__main__":
    main()
