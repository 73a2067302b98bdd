"""Insurance claims: the adjudication rules (a plain-Python model of the contract's) and client logic."""

from .adjudication import POLICY_YEAR, Adjudication, PolicyTerms, PolicyYears, adjudicate

__all__ = ["POLICY_YEAR", "Adjudication", "PolicyTerms", "PolicyYears", "adjudicate"]
