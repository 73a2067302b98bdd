"""Gas benchmarks: medchain's contracts next to established alternatives, on one local chain."""

from medchain_dev.bench.common import BenchReport, GasRow, Target, render
from medchain_dev.bench.consent_gas import run_benchmark
from medchain_dev.bench.eas import Artifact, compile_eas
from medchain_dev.bench.exchange_gas import run_benchmark as run_exchange_benchmark
from medchain_dev.bench.provenance_gas import run_benchmark as run_provenance_benchmark
from medchain_dev.bench.records_gas import run_benchmark as run_records_benchmark

__all__ = [
    "Artifact",
    "BenchReport",
    "GasRow",
    "Target",
    "compile_eas",
    "render",
    "run_benchmark",
    "run_exchange_benchmark",
    "run_provenance_benchmark",
    "run_records_benchmark",
]
