"""``python -m medchain_dev.bench PART [options]``: one benchmark of ``make bench``, its table on stdout and
its progress on stderr. The contracts must be compiled (``make compile``); the records benchmark also
needs ``bench/eas`` installed (``make bench`` does both).

    consent      gas of consent operations next to EAS
    records      gas of anchoring next to EAS and the physical floor
    claims       gas of claim operations next to Etherisc GIF, bulk-claim throughput  [--gas-only]
    provenance   gas of drug provenance operations
    exchange     gas of record exchange operations
    audit        the audit index: sync, queries, memory  [--events N, default 1,000,000]
    speed        the real commands end to end next to the node's floor  [--only claims|audit|startup|gas]
"""

from __future__ import annotations

import sys


def _progress(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _option(name: str, default: str | None = None) -> str | None:
    return sys.argv[sys.argv.index(name) + 1] if name in sys.argv[:-1] else default


def main() -> None:
    """Run the benchmark named by the first argument and print its table."""
    part = sys.argv[1] if len(sys.argv) > 1 else ""
    if part == "consent":
        from medchain_dev.bench import render, run_benchmark

        print(render(run_benchmark(progress=_progress)), end="")
    elif part == "records":
        from medchain_dev.bench import render, run_records_benchmark

        print(render(run_records_benchmark(progress=_progress)), end="")
    elif part == "claims":
        from medchain_dev.bench import render
        from medchain_dev.bench.claims import run_benchmark as claims

        print(render(claims(progress=_progress, throughput="--gas-only" not in sys.argv)), end="")
    elif part == "provenance":
        from medchain_dev.bench import render, run_provenance_benchmark

        print(render(run_provenance_benchmark(progress=_progress)), end="")
    elif part == "exchange":
        from medchain_dev.bench import render, run_exchange_benchmark

        print(render(run_exchange_benchmark(progress=_progress)), end="")
    elif part == "audit":
        from medchain_dev.bench.audit_index import run_benchmark as audit

        total = int(_option("--events", "1000000") or 0)
        print(audit(progress=_progress, total=total, compare=min(100_000, total)).render(), end="")
    elif part == "speed":
        from medchain_dev.bench.speed import run_benchmark as speed

        only = _option("--only")
        parts = ("claims", "audit", "startup", "gas")
        if only not in (None, *parts):
            sys.exit(f"--only: one of {', '.join(parts)}, not {only!r}")
        print(speed(progress=_progress, **{p: only in (None, p) for p in parts}).render(), end="")
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
