"""FHIR R4 for the bulk submitter: Claim resources in, ClaimResponse resources out.

Claims are read from a Bundle (see :mod:`medchain.claims.inputs` for the field mapping) and each
is validated as a FHIR R4 Claim with ``fhir.resources`` (its R4B models: Claim did not change
between R4 and R4B). Outcomes go back as one ClaimResponse per claim, with CARC reason codes.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from ..extras import missing_extra

try:
    from fhir.resources.R4B.bundle import Bundle
    from fhir.resources.R4B.claim import Claim
    from fhir.resources.R4B.claimresponse import ClaimResponse
    from pydantic import ValidationError
except ImportError as err:
    raise missing_extra("fhir", err) from None

from .inputs import HEX32, ClaimFile, InputProblem, _build_row, _not_utf8, _RowChecker, format_units, parse_address

CARC_SYSTEM = "https://x12.org/codes/claim-adjustment-reason-codes"
MEDCHAIN_REASON_SYSTEM = "urn:medchain:claim-reason"  # codes outside CARC's range (1001, 1002)
ADJUDICATION_SYSTEM = "http://terminology.hl7.org/CodeSystem/adjudication"
CLAIM_ID_SYSTEM = "urn:medchain:claim-id"


def _fhir_path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _reference(value: Any) -> str | None:
    return value.get("reference") if isinstance(value, dict) else None


def _identifier_value(value: Any) -> str | None:
    ident = value.get("identifier") if isinstance(value, dict) else None
    return ident.get("value") if isinstance(ident, dict) else None


def read_bundle(result: ClaimFile, text: str, common: dict[str, Any], mapping: dict[str, str]) -> None:
    """Add the Bundle's Claims to ``result`` (rows are entry numbers, 1-based)."""
    source = str(result.path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        result.problems.append(InputProblem(source, None, None, f"not JSON (line {err.lineno}: {err.msg})"))
        return
    except (ValueError, RecursionError) as err:
        result.problems.append(InputProblem(source, None, None, f"not usable JSON ({str(err)[:80]})"))
        return
    if not isinstance(data, dict) or data.get("resourceType") != "Bundle":
        result.problems.append(InputProblem(source, None, "resourceType", "not a FHIR Bundle"))
        return
    entries = data.get("entry") or []
    if not isinstance(entries, list):
        result.problems.append(InputProblem(source, None, "entry", "not a list"))
        return
    try:
        Bundle.model_validate({**data, "entry": []})
    except ValidationError as err:
        for error in err.errors()[:10]:
            result.problems.append(InputProblem(source, None, _fhir_path(error["loc"]), error["msg"]))
        return
    for number, entry in enumerate(entries, 1):
        check = _RowChecker(source, number, result.problems)
        resource = entry.get("resource") if isinstance(entry, dict) else None
        result.raw[number] = entry
        result.records += 1
        where = _not_utf8(entry)
        if where:
            check.fail(None, f"not UTF-8 text ({where} of the entry's text); save the file as UTF-8")
            continue
        if not isinstance(resource, dict) or resource.get("resourceType") != "Claim":
            check.fail("resource.resourceType", "not a Claim")
            continue
        try:
            Claim.model_validate(resource)
        except ValidationError as err:
            for error in err.errors():
                check.fail(f"Claim.{_fhir_path(error['loc'])}", error["msg"])
            continue
        except (ValueError, TypeError, RecursionError) as err:
            check.fail("Claim", f"not a usable FHIR Claim ({str(err)[:80] or type(err).__name__})")
            continue
        values, names, patient = _claim_values(check, resource, mapping)
        if not check.ok:
            continue
        row = _build_row(check, values, patient=patient, field_names=names, **common)
        if row:
            result.rows.append(row)


def _mapped(check: _RowChecker, field: str, reference: str | None, mapping: dict[str, str]) -> str | None:
    if reference is None:
        check.fail(field, "missing")
        return None
    if reference in mapping:
        return mapping[reference]
    check.fail(field, f"{reference!r} is not in the pseudonym mapping file")
    return None


def _claim_values(
    check: _RowChecker, claim: dict[str, Any], mapping: dict[str, str]
) -> tuple[dict[str, Any], dict[str, str], str | None]:
    """The common row values of a Claim, the FHIR path of each, and the mapped patient address."""
    values: dict[str, Any] = {
        "claim_ref": _identifier_value({"identifier": (claim.get("identifier") or [{}])[0]}) or claim.get("id")
    }
    names = {
        "policy_id": "Claim.insurance[0].coverage",
        "provider": "Claim.provider",
        "amount": "Claim.total.value",
        "service_date": "Claim.billablePeriod.start",
        "line_items": "Claim.item",
        "evidence": "Claim.supportingInfo",
    }
    # Policy: the Coverage's pseudonym, or its identifier holding the policy id itself.
    coverage = ((claim.get("insurance") or [{}])[0]).get("coverage") or {}
    direct = _identifier_value(coverage)
    if direct and HEX32.match(direct):
        values["policy_id"] = direct
    else:
        values["policy_id"] = _mapped(check, names["policy_id"], _reference(coverage), mapping)
    provider = claim.get("provider") or {}
    direct = _identifier_value(provider)
    values["provider"] = direct if direct else _mapped(check, names["provider"], _reference(provider), mapping)
    patient_ref = _reference(claim.get("patient"))
    patient = _mapped(check, "Claim.patient", patient_ref, mapping)
    if patient is not None:
        try:
            patient = parse_address(patient)
        except ValueError as err:
            check.fail("Claim.patient", f"the mapping of {patient_ref!r}: {err}")
    values["amount"] = (claim.get("total") or {}).get("value")
    items = claim.get("item") or []
    start = (claim.get("billablePeriod") or {}).get("start")
    if start is None and items:
        start = items[0].get("servicedDate")
        names["service_date"] = "Claim.item[0].servicedDate"
    values["service_date"] = start
    values["line_items"] = [
        {
            "code": ((item.get("productOrService") or {}).get("coding") or [{}])[0].get("code"),
            "modifiers": [((m.get("coding") or [{}])[0]).get("code") for m in item.get("modifier") or []],
            "quantity": (item.get("quantity") or {}).get("value"),
            "unit_price": (item.get("unitPrice") or {}).get("value"),
        }
        for item in items
    ]
    evidence = None
    for n, info in enumerate(claim.get("supportingInfo") or []):
        found = (info.get("valueAttachment") or {}).get("url") or info.get("valueString")
        if found:
            evidence, names["evidence"] = found, f"Claim.supportingInfo[{n}]"
            break
    values["evidence"] = evidence
    return values, names, patient


#: FHIR ClaimResponse.outcome of every state a claim can be in (the journal's outcome, or the chain's
#: status once a claim has moved on: disputed, resolved, settled) and of a claim refused at submission.
FHIR_OUTCOME = {
    "Approved": "complete",
    "Partial": "partial",
    "Denied": "complete",
    "PendingFunds": "queued",
    "Disputed": "queued",
    "Resolved": "complete",
    "Settled": "complete",
    "Rejected": "error",
    "Duplicate": "error",
}


def _iso(ts: int) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat().replace("+00:00", "Z")


def claim_response(
    *,
    ref: str,
    claim_id: str,
    outcome: str,
    reason: int | None,
    amount: int,
    payable: int | None,
    patient_share: int | None,
    decimals: int,
    currency: str,
    insurer: str,
    created: int,
    tx_hash: str | None,
) -> dict[str, Any]:
    """A FHIR R4 ClaimResponse (as JSON, validated) for one submitted claim.

    ``outcome`` is the journal's: Approved, Partial, Denied, PendingFunds, the status a claim found on
    chain has moved on to (Disputed, Resolved, Settled), Rejected (refused at submission: nothing stored
    on chain) or Duplicate (the same service as a claim of an earlier submission: not this file's claim).
    """
    fhir_outcome = FHIR_OUTCOME[outcome]

    def money(units: int) -> dict[str, Any]:
        return {"value": float(format_units(units, decimals)), "currency": currency}

    def reason_coding(code: int) -> dict[str, Any]:
        system = MEDCHAIN_REASON_SYSTEM if code >= 1000 else CARC_SYSTEM
        return {"coding": [{"system": system, "code": str(code)}]}

    identifiers = [{"system": CLAIM_ID_SYSTEM, "value": claim_id}]
    if tx_hash:
        identifiers.append({"system": "urn:medchain:transaction", "value": tx_hash})
    response: dict[str, Any] = {
        "resourceType": "ClaimResponse",
        "identifier": identifiers,
        "status": "active",
        "type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/claim-type", "code": "professional"}]},
        "use": "claim",
        "patient": {"display": "pseudonymous (see the policy on chain)"},
        "created": _iso(created),
        "insurer": {"identifier": {"system": "urn:medchain:address", "value": insurer}},
        "request": {"identifier": {"value": ref}},
        "outcome": fhir_outcome,
        "disposition": outcome if reason in (None, 0) else f"{outcome} (reason {reason})",
    }
    if outcome in ("Rejected", "Duplicate"):
        response["error"] = [{"code": reason_coding(reason or 18)}]
    else:
        adjudication = [
            {"category": {"coding": [{"system": ADJUDICATION_SYSTEM, "code": "submitted"}]}, "amount": money(amount)}
        ]
        if payable is not None:
            adjudication.append(
                {"category": {"coding": [{"system": ADJUDICATION_SYSTEM, "code": "benefit"}]}, "amount": money(payable)}
            )
        if patient_share:
            share = {
                "category": {"coding": [{"system": ADJUDICATION_SYSTEM, "code": "copay"}]},
                "amount": money(patient_share),
            }
            if reason:
                share["reason"] = reason_coding(reason)
            adjudication.append(share)
        response["adjudication"] = adjudication
        response["total"] = [{"category": a["category"], "amount": a["amount"]} for a in adjudication]
    ClaimResponse.model_validate(response)
    return response
