"""Benchmark (make bench): the commands users run, timed from launch to exit, next to the node's limit.

    python scripts/bench_speed.py [--only claims|audit|startup|gas]

One anvil: `ape run claims submit` on 5,000 claims end to end next to the same batches pre-signed and
sent raw; `ape run audit sync` next to `cast logs --json` at 100,000 events; the start-up of
`ape run claims --help` and of a one-transaction command; and (on an anvil of its own) the gas of a
claim by proof depth next to the bound the submitter reserves. One table, each figure next to its target.
It starts its own anvil; the contracts must be compiled (make compile). Progress goes to stderr.
"""

import sys

from medchain_dev.bench.speed import run_benchmark


def main() -> None:
    """Run the benchmark (or one part of it) and print the table."""
    only = sys.argv[sys.argv.index("--only") + 1] if "--only" in sys.argv else None
    parts = ("claims", "audit", "startup", "gas")
    if only not in (None, *parts):
        sys.exit(f"--only: one of {', '.join(parts)}, not {only!r}")
    chosen = {part: only in (None, part) for part in parts}
    report = run_benchmark(progress=lambda line: print(line, file=sys.stderr, flush=True), **chosen)
    print(report.render(), end="")


if __name__ == "__main__":
    main()
