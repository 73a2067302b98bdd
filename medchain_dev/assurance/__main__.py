"""Command line of the assurance gates (the Makefile's check, slither, coverage, invariants, gas and
gas-snapshot targets).

    python -m medchain_dev.assurance slither [--list]
    python -m medchain_dev.assurance coverage [--lcov FILE]
    python -m medchain_dev.assurance invariants [--log FILE | --replay FILE]
    python -m medchain_dev.assurance gas [--update]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from medchain_dev.assurance import GateError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m medchain_dev.assurance", description=__doc__.splitlines()[0])
    gates = parser.add_subparsers(dest="gate", required=True)
    s = gates.add_parser("slither", help="static analysis; every finding fixed or triaged")
    s.add_argument("--list", action="store_true", help="print triage entries to complete for untriaged findings")
    c = gates.add_parser("coverage", help="forge coverage; per-file line and branch thresholds")
    c.add_argument("--lcov", type=Path, help="judge this LCOV report instead of running forge coverage")
    i = gates.add_parser("invariants", help="forge tests under the ci profile; handler calls per invariant suite")
    i.add_argument("--log", type=Path, help="also write forge's report to this file")
    i.add_argument("--replay", type=Path, help="judge a saved forge report instead of running forge")
    g = gates.add_parser("gas", help="gas per benchmark operation against the committed snapshot (1 %% tolerance)")
    g.add_argument("--update", action="store_true", help="write the measured figures to the snapshot instead")
    args = parser.parse_args(argv)
    started = time.monotonic()
    try:
        return _run(args)
    except GateError as e:
        print(f"{args.gate} gate could not run: {e}", file=sys.stderr)
        return 2
    finally:
        print(f"{args.gate} gate took {time.monotonic() - started:.0f} s", file=sys.stderr)


def _run(args: argparse.Namespace) -> int:
    if args.gate == "slither":
        from medchain_dev.assurance import slither

        return slither.main(list_untriaged=args.list)
    if args.gate == "coverage":
        from medchain_dev.assurance import coverage

        return coverage.main(args.lcov)
    if args.gate == "gas":
        from medchain_dev.assurance import gas

        return gas.main(update=args.update)
    from medchain_dev.assurance import invariants

    return invariants.main(log=args.log, replay=args.replay)


if __name__ == "__main__":
    sys.exit(main())
