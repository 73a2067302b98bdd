"""Export an on-chain consent as a FHIR R5 ``Consent`` resource, validated with ``fhir.resources``.

Parties are CAIP-10 account ids only (no names, no ``display``). An opt-in grant is ``decision: deny``
with one *permit* provision for the grantee, its purposes and data categories, and a nested *deny*
provision, by security label, for each sensitive category not granted. ``period.end`` is
``validUntil - 1 s`` (FHIR's end is inclusive).

The mapping is specified in docs/contracts/consent.md, "FHIR mapping".
"""

from __future__ import annotations

import re
import time
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from eth_abi import encode
from eth_utils import keccak, to_checksum_address

from ..extras import missing_extra

try:
    from fhir.resources.consent import Consent
except ImportError as err:
    raise missing_extra("fhir", err) from None

from .purposes import Category, Purpose

F = TypeVar("F", Purpose, Category)

URI_SYSTEM = "urn:ietf:rfc:3986"
CONSENT_RECORD_SYSTEM = "https://medchain.example/fhir/NamingSystem/consent-record"
DATA_CATEGORY_SYSTEM = "https://medchain.example/fhir/CodeSystem/data-category"
ACT_REASON_SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-ActReason"
ACT_CODE_SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
PARTICIPATION_TYPE_SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"
CONSENT_ACTION_SYSTEM = "http://terminology.hl7.org/CodeSystem/consentaction"
LOINC_SYSTEM = "http://loinc.org"

#: R5 base rule of an opt-in grant; the provision below it is the permit (see the module docstring).
BASE_DECISION = "deny"

#: Consent.status codes of FHIR R5.
STATUSES = frozenset({"draft", "active", "inactive", "not-done", "entered-in-error", "unknown"})

#: 9999-12-31T23:59:59Z, the last second a FHIR dateTime (and Python's datetime) can hold.
MAX_FHIR_TIMESTAMP = 253402300799
UINT64_MAX = (1 << 64) - 1
ZERO_ADDRESS = "0x" + "0" * 40
_ADDRESS = re.compile(r"0x[0-9a-fA-F]{40}")

PURPOSE_DISPLAY: dict[Purpose, str] = {
    Purpose.TREAT: "treatment",
    Purpose.HPAYMT: "healthcare payment",
    Purpose.HOPERAT: "healthcare operations",
    Purpose.HRESCH: "healthcare research",
    Purpose.PUBHLTH: "public health",
    Purpose.ETREAT: "Emergency Treatment",
}

CATEGORY_DISPLAY: dict[Category, str] = {
    Category.DEMOGRAPHICS: "Demographics",
    Category.ENCOUNTERS: "Encounters",
    Category.CONDITIONS: "Conditions",
    Category.MEDICATIONS: "Medications",
    Category.LABORATORY: "Laboratory results",
    Category.IMAGING: "Imaging",
    Category.IMMUNIZATIONS: "Immunizations",
    Category.PROCEDURES: "Procedures",
    Category.CLINICAL_NOTES: "Clinical notes",
    Category.GENOMICS: "Genomics",
    Category.MENTAL_HEALTH: "Mental health",
    Category.SUBSTANCE_USE: "Substance use",
    Category.SEXUAL_REPRODUCTIVE: "Sexual and reproductive health",
    Category.BILLING_CLAIMS: "Billing and claims",
}

#: v3-ActCode information-sensitivity labels of the sensitive categories: (code, display).
SENSITIVITY_LABEL: dict[Category, tuple[str, str]] = {
    Category.GENOMICS: ("GDIS", "genetic disease information sensitivity"),
    Category.MENTAL_HEALTH: ("PSY", "psychiatry information sensitivity"),
    Category.SUBSTANCE_USE: ("ETH", "substance abuse information sensitivity"),
    Category.SEXUAL_REPRODUCTIVE: ("SEX", "sexuality and reproductive health information sensitivity"),
}


def consent_to_fhir(
    *,
    patient: str,
    grantee: str,
    purposes: Purpose | int,
    categories: Category | int,
    valid_until: int,
    granted_at: int,
    chain_id: int,
    registry_address: str,
    status: str | None = None,
    now: int | None = None,
) -> dict[str, Any]:
    """The consent as a FHIR R5 Consent, a JSON-able dict that ``Consent.model_validate`` accepts.

    ``now`` (unix seconds, default: the wall clock) decides ``status`` unless ``status`` is given.
    Raises ValueError naming the field for a bad address, chain id, mask, time or status.
    """
    chain_id = _chain_id(chain_id)
    patient = _address("patient", patient)
    grantee = _address("grantee", grantee)
    registry_address = _address("registry_address", registry_address)
    purposes = _mask(Purpose, purposes, "purposes")
    categories = _mask(Category, categories, "categories")
    granted_at = _timestamp("granted_at", granted_at, MAX_FHIR_TIMESTAMP)
    valid_until = _timestamp("valid_until", valid_until, UINT64_MAX)
    if valid_until <= granted_at:
        raise ValueError(f"valid_until ({valid_until}) must be after granted_at ({granted_at})")
    now = int(time.time()) if now is None else _timestamp("now", now, UINT64_MAX)
    status = _status(status, expired=now >= valid_until)

    period: dict[str, Any] = {"start": _instant(granted_at)}
    if valid_until - 1 <= MAX_FHIR_TIMESTAMP:
        period["end"] = _instant(valid_until - 1)

    patient_ref = reference("Patient", chain_id, patient)
    grantee_ref = reference("Organization", chain_id, grantee)
    provision: dict[str, Any] = {
        "actor": [
            {"role": concept(PARTICIPATION_TYPE_SYSTEM, "IRCP", "information recipient"), "reference": grantee_ref}
        ],
        "action": [concept(CONSENT_ACTION_SYSTEM, "access", "Access"), concept(CONSENT_ACTION_SYSTEM, "use", "Use")],
        "purpose": [coding(ACT_REASON_SYSTEM, p.name, PURPOSE_DISPLAY[p]) for p in Purpose if p & purposes and p.name],
        "documentType": [
            coding(DATA_CATEGORY_SYSTEM, c.name, CATEGORY_DISPLAY[c]) for c in Category if c & categories and c.name
        ],
    }
    withheld = [
        {"securityLabel": [coding(ACT_CODE_SYSTEM, code, display)]}
        for category, (code, display) in SENSITIVITY_LABEL.items()
        if not category & categories
    ]
    if withheld:
        provision["provision"] = withheld

    resource = {
        "resourceType": "Consent",
        "identifier": [
            {
                "system": CONSENT_RECORD_SYSTEM,
                "value": _record_id(chain_id, registry_address, patient, grantee, granted_at),
            }
        ],
        "status": status,
        "category": [concept(LOINC_SYSTEM, "59284-0", "Consent Document")],
        "subject": patient_ref,
        "date": _day(granted_at),
        "period": period,
        "grantor": [patient_ref],
        "grantee": [grantee_ref],
        "controller": [{"identifier": account(chain_id, registry_address)}],
        "decision": BASE_DECISION,
        "provision": [provision],
    }
    return Consent.model_validate(resource).model_dump(mode="json", exclude_none=True)


def consent_from_chain(
    consent_registry: Any, patient: Any, grantee: Any, chain_id: int, now: int | None = None
) -> dict[str, Any]:
    """Read ``consentOf(patient, grantee)`` from a deployed ConsentRegistry (a
    :class:`medchain.contracts.ConsentRegistry`, or anything with ``address`` and ``consentOf``) and export it.

    ``patient``/``grantee`` are addresses or anything with ``.address`` (accounts, signers). ``now``
    defaults to the wall clock; pass the chain's head timestamp on a chain whose clock was moved.
    Raises ValueError when nothing is on record (never granted, or revoked: revoking deletes it).
    """
    patient = _address("patient", getattr(patient, "address", patient))
    grantee = _address("grantee", getattr(grantee, "address", grantee))
    registry_address = _address("consent_registry.address", consent_registry.address)
    purposes, categories, valid_until, granted_at = (int(v) for v in consent_registry.consentOf(patient, grantee))
    if not (purposes or categories or valid_until or granted_at):
        raise ValueError(
            f"no consent on record for patient {patient} and grantee {grantee} in registry "
            f"{registry_address} (never granted, or revoked)"
        )
    return consent_to_fhir(
        patient=patient,
        grantee=grantee,
        purposes=purposes,
        categories=categories,
        valid_until=valid_until,
        granted_at=granted_at,
        chain_id=chain_id,
        registry_address=registry_address,
        now=now,
    )


# ---------------------------------------------------------------------------------------------
# Checks and builders


def _chain_id(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(f"chain_id must be a positive integer, got {value!r}")
    return value


def _address(field: str, value: Any) -> str:
    """EIP-55 form of a 0x address; ValueError naming ``field`` if malformed, mis-checksummed or zero."""
    if not isinstance(value, str) or not _ADDRESS.fullmatch(value):
        raise ValueError(f"{field} is not a 0x-prefixed 20-byte hex address: {value!r}")
    checksummed = to_checksum_address(value)
    body = value[2:]
    if body != body.lower() and body != body.upper() and value != checksummed:
        raise ValueError(f"{field} has a wrong EIP-55 checksum: {value!r} (expected {checksummed})")
    if value == ZERO_ADDRESS:
        raise ValueError(f"{field} is the zero address")
    return checksummed


def _mask(flag_type: type[F], value: Any, field: str) -> F:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{field} must be a {flag_type.__name__} or an int bitmask, got {value!r}")
    full = (1 << len(flag_type)) - 1
    if value == 0:
        raise ValueError(f"{field} is empty: a consent covers at least one {flag_type.__name__.lower()}")
    if value < 0 or value & ~full:
        raise ValueError(f"{field} mask {value:#x} has unknown bits (known: {full:#x})")
    return flag_type(value)


def _timestamp(field: str, value: Any, maximum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{field} must be unix seconds as an int, got {value!r}")
    if not 0 <= value <= maximum:
        raise ValueError(f"{field} ({value}) is outside 0..{maximum}")
    return value


def _status(status: str | None, *, expired: bool) -> str:
    if status is None:
        return "inactive" if expired else "active"
    if status not in STATUSES:
        raise ValueError(f"status {status!r} is not a FHIR R5 Consent status: {', '.join(sorted(STATUSES))}")
    if status == "active" and expired:
        raise ValueError("status 'active' contradicts valid_until: the consent has expired at now")
    return status


def _instant(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, tz=UTC)


def _day(seconds: int) -> date:
    return _instant(seconds).date()


def account(chain_id: int, address: str) -> dict[str, str]:
    """A FHIR Identifier of an account: its CAIP-10 id ``eip155:<chainId>:<address>``."""
    return {"system": URI_SYSTEM, "value": f"eip155:{chain_id}:{address}"}


def reference(resource_type: str, chain_id: int, address: str) -> dict[str, Any]:
    """A FHIR Reference to the ``resource_type`` an account is, by its CAIP-10 identifier only."""
    return {"type": resource_type, "identifier": account(chain_id, address)}


def coding(system: str, code: str, display: str) -> dict[str, str]:
    """A FHIR Coding."""
    return {"system": system, "code": code, "display": display}


def concept(system: str, code: str, display: str) -> dict[str, Any]:
    """A FHIR CodeableConcept of one Coding."""
    return {"coding": [coding(system, code, display)]}


def _record_id(chain_id: int, registry: str, patient: str, grantee: str, granted_at: int) -> str:
    encoded = encode(
        ["uint256", "address", "address", "address", "uint64"], [chain_id, registry, patient, grantee, granted_at]
    )
    return "0x" + keccak(encoded).hex()
