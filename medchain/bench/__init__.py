"""Gas benchmarks: medchain's contracts next to established alternatives, on one local chain."""

from .consent_gas import BenchReport, GasRow, render, run_benchmark
from .eas import Artifact, compile_eas

__all__ = ["Artifact", "BenchReport", "GasRow", "compile_eas", "render", "run_benchmark"]
