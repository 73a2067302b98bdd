"""Purposes of use (HL7 PurposeOfUse) and data categories, as the ConsentRegistry's bitmasks."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import TypeVar

F = TypeVar("F", bound=enum.IntFlag)


class Purpose(enum.IntFlag):
    """HL7 v3 PurposeOfUse codes the registry knows, bit for bit as in ConsentRegistry.PURPOSE_*."""

    TREAT = 1 << 0  # treatment
    HPAYMT = 1 << 1  # healthcare payment
    HOPERAT = 1 << 2  # healthcare operations
    HRESCH = 1 << 3  # healthcare research
    PUBHLTH = 1 << 4  # public health
    ETREAT = 1 << 5  # emergency treatment


class Category(enum.IntFlag):
    """Data categories, bit for bit as in ConsentRegistry.CATEGORY_*."""

    DEMOGRAPHICS = 1 << 0
    ENCOUNTERS = 1 << 1
    CONDITIONS = 1 << 2
    MEDICATIONS = 1 << 3
    LABORATORY = 1 << 4
    IMAGING = 1 << 5
    IMMUNIZATIONS = 1 << 6
    PROCEDURES = 1 << 7
    CLINICAL_NOTES = 1 << 8
    GENOMICS = 1 << 9
    MENTAL_HEALTH = 1 << 10
    SUBSTANCE_USE = 1 << 11
    SEXUAL_REPRODUCTIVE = 1 << 12
    BILLING_CLAIMS = 1 << 13


ALL_PURPOSES = Purpose((1 << len(Purpose)) - 1)
ALL_CATEGORIES = Category((1 << len(Category)) - 1)
EMERGENCY_PURPOSES = Purpose.TREAT | Purpose.ETREAT

#: The clinical categories a treating hospital typically needs (the demo's hospital consent).
CLINICAL_CATEGORIES = (
    Category.DEMOGRAPHICS
    | Category.ENCOUNTERS
    | Category.CONDITIONS
    | Category.MEDICATIONS
    | Category.LABORATORY
    | Category.IMAGING
    | Category.IMMUNIZATIONS
    | Category.PROCEDURES
    | Category.CLINICAL_NOTES
)


def _parse(flag_type: type[F], value: str | int | Iterable[str] | F, what: str) -> F:
    if isinstance(value, flag_type):
        return value
    if isinstance(value, int):
        full = (1 << len(flag_type)) - 1
        if value <= 0 or value & ~full:
            raise ValueError(f"{what} mask {value:#x} is empty or has unknown bits (known: {full:#x})")
        return flag_type(value)
    names = [n for n in (value.split(",") if isinstance(value, str) else value)]
    result = flag_type(0)
    for raw in names:
        name = raw.strip().upper().replace("-", "_").replace(" ", "_")
        if not name:
            continue
        if name == "ALL":
            result |= flag_type((1 << len(flag_type)) - 1)
        elif name in flag_type.__members__:
            result |= flag_type[name]
        else:
            known = ", ".join(m.lower() for m in flag_type.__members__)
            raise ValueError(f"unknown {what} {raw.strip()!r}: expected one of {known} (or all)")
    if not result:
        raise ValueError(f"no {what} given")
    return result


def parse_purposes(value: str | int | Iterable[str] | Purpose) -> Purpose:
    """``"treat,hpaymt"``, ``["TREAT"]``, ``3`` or a Purpose -> Purpose. ValueError names what is wrong."""
    return _parse(Purpose, value, "purpose")


def parse_categories(value: str | int | Iterable[str] | Category) -> Category:
    """``"laboratory,imaging"``, ``"all"``, an int mask or a Category -> Category."""
    return _parse(Category, value, "category")


def names(flags: enum.IntFlag) -> list[str]:
    """The member names set in a flag value, in bit order: ``["TREAT", "ETREAT"]``."""
    return [m.name for m in type(flags) if m & flags and m.name]
