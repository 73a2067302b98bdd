"""Gas benchmarks: medchain's contracts next to established alternatives, on one local chain."""

from .common import BenchReport, GasRow, Target, render
from .consent_gas import run_benchmark
from .eas import Artifact, compile_eas
from .exchange_gas import run_benchmark as run_exchange_benchmark
from .provenance_gas import run_benchmark as run_provenance_benchmark
from .records_gas import run_benchmark as run_records_benchmark

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
