"""FHIR R5 export of on-chain consents: pure Python, no chain (consent_from_chain gets a stand-in registry)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fhir.resources.consent import Consent

from medchain.consent import ALL_CATEGORIES, ALL_PURPOSES, CLINICAL_CATEGORIES, Category, Purpose, names
from medchain.consent.fhir import (
    ACT_CODE_SYSTEM,
    ACT_REASON_SYSTEM,
    CONSENT_ACTION_SYSTEM,
    DATA_CATEGORY_SYSTEM,
    PARTICIPATION_TYPE_SYSTEM,
    SENSITIVITY_LABEL,
    URI_SYSTEM,
    consent_from_chain,
    consent_to_fhir,
)

CHAIN_ID = 1337
# Lower-case on purpose: the export must write the EIP-55 forms.
PATIENT = "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"
PATIENT_CS = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
GRANTEE = "0xfb6916095ca1df60bb79ce92ce3ea74c37c5d359"
GRANTEE_CS = "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359"
REGISTRY = "0xdbf03b407c01e7cd3cbea99509d93f8dddc8c6fb"
REGISTRY_CS = "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB"
GRANTED_AT = 1_700_000_000  # 2023-11-14T22:13:20Z
VALID_UNTIL = 1_800_000_000  # 2027-01-15T08:00:00Z: first second no longer covered
SENSITIVE = Category.GENOMICS | Category.MENTAL_HEALTH | Category.SUBSTANCE_USE | Category.SEXUAL_REPRODUCTIVE


def export(**overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = dict(
        patient=PATIENT,
        grantee=GRANTEE,
        purposes=Purpose.TREAT | Purpose.HPAYMT,
        categories=Category.LABORATORY | Category.MENTAL_HEALTH,
        valid_until=VALID_UNTIL,
        granted_at=GRANTED_AT,
        chain_id=CHAIN_ID,
        registry_address=REGISTRY,
        now=GRANTED_AT + 60,
    )
    fields.update(overrides)
    return consent_to_fhir(**fields)


def the_provision(resource: dict[str, Any]) -> dict[str, Any]:
    [provision] = resource["provision"]
    return provision


def caip10(address: str) -> dict[str, str]:
    return {"system": URI_SYSTEM, "value": f"eip155:{CHAIN_ID}:{address}"}


def walk(node: Any, path: str = ""):
    """Every (path, key, value) of a JSON tree."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield path, key, value
            yield from walk(value, f"{path}.{key}")
    elif isinstance(node, list):
        for item in node:
            yield from walk(item, path)


# ---------------------------------------------------------------------------------------------
# Shape


def test_the_export_is_a_valid_fhir_r5_consent_and_plain_json():
    resource = export()
    parsed = Consent.model_validate(resource)
    assert resource["resourceType"] == "Consent"
    assert parsed.model_dump(mode="json", exclude_none=True) == resource
    assert json.loads(json.dumps(resource)) == resource


def test_a_grant_is_a_permit_exception_to_a_deny_base_for_the_grantee_alone():
    """R5: provisions negate Consent.decision, so an opt-in grant is deny + one permit provision."""
    resource = export()
    provision = the_provision(resource)
    assert resource["decision"] == "deny"
    assert provision["actor"] == [
        {
            "role": {
                "coding": [{"system": PARTICIPATION_TYPE_SYSTEM, "code": "IRCP", "display": "information recipient"}]
            },
            "reference": {"type": "Organization", "identifier": caip10(GRANTEE_CS)},
        }
    ]
    assert [a["coding"][0]["code"] for a in provision["action"]] == ["access", "use"]
    assert {a["coding"][0]["system"] for a in provision["action"]} == {CONSENT_ACTION_SYSTEM}


def test_parties_are_caip10_identifiers_with_checksummed_addresses():
    resource = export()
    assert resource["subject"] == {"type": "Patient", "identifier": caip10(PATIENT_CS)}
    assert resource["grantor"] == [resource["subject"]]
    assert resource["grantee"] == [{"type": "Organization", "identifier": caip10(GRANTEE_CS)}]
    assert resource["controller"] == [{"identifier": caip10(REGISTRY_CS)}]


def test_the_record_identifier_is_stable_and_opaque():
    first, again = export(), export(now=GRANTED_AT + 999)
    regranted = export(granted_at=GRANTED_AT + 1)
    [identifier] = first["identifier"]
    assert identifier == again["identifier"][0]
    assert identifier["value"] != regranted["identifier"][0]["value"]
    assert identifier["value"].startswith("0x") and len(identifier["value"]) == 66
    assert PATIENT not in identifier["value"].lower()


# ---------------------------------------------------------------------------------------------
# Purposes and categories


@pytest.mark.parametrize(
    "purposes",
    [*Purpose, Purpose.TREAT | Purpose.ETREAT, Purpose.HPAYMT | Purpose.HRESCH | Purpose.PUBHLTH, ALL_PURPOSES],
    ids=lambda p: "|".join(names(p)),
)
def test_purposes_round_trip_one_act_reason_coding_per_bit(purposes):
    codings = the_provision(export(purposes=purposes))["purpose"]
    assert {c["system"] for c in codings} == {ACT_REASON_SYSTEM}
    assert [c["code"] for c in codings] == names(purposes)
    assert all(c["display"] for c in codings)
    rebuilt = Purpose(0)
    for c in codings:
        rebuilt |= Purpose[c["code"]]
    assert rebuilt == purposes


def test_purposes_given_as_an_int_mask_export_like_the_flag():
    assert export(purposes=int(Purpose.HOPERAT | Purpose.ETREAT)) == export(purposes=Purpose.HOPERAT | Purpose.ETREAT)


@pytest.mark.parametrize(
    "categories",
    [*Category, CLINICAL_CATEGORIES, SENSITIVE, Category.LABORATORY | Category.BILLING_CLAIMS, ALL_CATEGORIES],
    ids=lambda c: "|".join(names(c)),
)
def test_categories_round_trip_one_data_category_coding_per_bit(categories):
    codings = the_provision(export(categories=categories))["documentType"]
    assert {c["system"] for c in codings} == {DATA_CATEGORY_SYSTEM}
    assert [c["code"] for c in codings] == names(categories)
    assert all(c["display"] for c in codings)
    rebuilt = Category(0)
    for c in codings:
        rebuilt |= Category[c["code"]]
    assert rebuilt == categories


@pytest.mark.parametrize(
    "categories",
    [
        CLINICAL_CATEGORIES,
        Category.MENTAL_HEALTH,
        Category.GENOMICS | Category.SUBSTANCE_USE,
        SENSITIVE,
        ALL_CATEGORIES,
    ],
    ids=lambda c: "|".join(names(c)),
)
def test_sensitive_categories_not_granted_are_withheld_by_their_v3_label(categories):
    provision = the_provision(export(categories=categories))
    nested = provision.get("provision", [])
    withheld = [c for c in SENSITIVITY_LABEL if not c & categories]
    assert [n["securityLabel"] for n in nested] == [
        [{"system": ACT_CODE_SYSTEM, "code": SENSITIVITY_LABEL[c][0], "display": SENSITIVITY_LABEL[c][1]}]
        for c in withheld
    ]
    assert all(set(n) == {"securityLabel"} for n in nested)


def test_the_sensitive_labels_are_the_v3_act_codes_for_the_four_sensitive_categories():
    assert {c: code for c, (code, _) in SENSITIVITY_LABEL.items()} == {
        Category.GENOMICS: "GDIS",
        Category.MENTAL_HEALTH: "PSY",
        Category.SUBSTANCE_USE: "ETH",
        Category.SEXUAL_REPRODUCTIVE: "SEX",
    }


# ---------------------------------------------------------------------------------------------
# Time


@pytest.mark.parametrize(
    ("now", "status"),
    [(GRANTED_AT, "active"), (VALID_UNTIL - 1, "active"), (VALID_UNTIL, "inactive"), (VALID_UNTIL + 1, "inactive")],
)
def test_status_follows_valid_until_to_the_second(now, status):
    assert export(now=now)["status"] == status


def test_an_explicit_status_overrides_for_a_revoked_consent():
    assert export(now=GRANTED_AT + 1, status="inactive")["status"] == "inactive"
    assert export(now=GRANTED_AT + 1, status="entered-in-error")["status"] == "entered-in-error"


def test_period_and_date_are_utc_iso_strings_with_an_inclusive_end():
    resource = export()
    assert resource["date"] == "2023-11-14"
    assert resource["period"] == {"start": "2023-11-14T22:13:20Z", "end": "2027-01-15T07:59:59Z"}


def test_date_is_the_utc_day_of_granted_at():
    resource = export(granted_at=86_399, valid_until=86_400, now=0)
    assert resource["date"] == "1970-01-01"
    assert resource["period"] == {"start": "1970-01-01T23:59:59Z", "end": "1970-01-01T23:59:59Z"}


def test_a_valid_until_beyond_what_fhir_can_write_leaves_the_period_open():
    resource = export(valid_until=2**64 - 1)
    assert resource["period"] == {"start": "2023-11-14T22:13:20Z"}
    assert resource["status"] == "active"


# ---------------------------------------------------------------------------------------------
# Privacy


def test_no_personal_data_only_caip10_addresses():
    resource = export(categories=ALL_CATEGORIES, purposes=ALL_PURPOSES)
    keys = [key for _, key, _ in walk(resource)]
    assert "name" not in keys
    assert "text" not in keys  # no narrative
    assert "reference" not in [key for path, key, _ in walk(resource) if not path.endswith("actor")]
    references = [
        resource["subject"],
        *resource["grantor"],
        *resource["grantee"],
        *resource["controller"],
        the_provision(resource)["actor"][0]["reference"],
    ]
    assert all(set(ref) <= {"type", "identifier"} for ref in references)

    text = json.dumps(resource).lower()
    for address in (PATIENT, GRANTEE, REGISTRY):
        assert text.count(address[2:]) == text.count(f"eip155:{CHAIN_ID}:{address}") > 0


# ---------------------------------------------------------------------------------------------
# Refusals


@pytest.mark.parametrize("field", ["patient", "grantee", "registry_address"])
@pytest.mark.parametrize(
    "bad",
    [
        "0x1234",
        "5aaeb6053f3e94c9b9a09f33669435e7ef1beaed",  # no 0x
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD",  # checksum broken in the last letter
        "0x" + "0" * 40,
        bytes.fromhex("5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"),
        None,
    ],
    ids=["short", "no-0x", "bad-checksum", "zero", "bytes", "none"],
)
def test_a_bad_address_is_refused_naming_the_field(field, bad):
    with pytest.raises(ValueError, match=rf"^{field} "):
        export(**{field: bad})


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("purposes", Purpose(0), "purposes is empty"),
        ("purposes", 0, "purposes is empty"),
        ("categories", Category(0), "categories is empty"),
        ("purposes", 1 << 6, "purposes mask 0x40 has unknown bits"),
        ("categories", 1 << 14, "categories mask 0x4000 has unknown bits"),
        ("purposes", True, "purposes must be"),
        ("categories", "LABORATORY", "categories must be"),
    ],
)
def test_empty_or_unknown_masks_are_refused_naming_the_field(field, value, message):
    with pytest.raises(ValueError, match=message):
        export(**{field: value})


@pytest.mark.parametrize("valid_until", [GRANTED_AT, GRANTED_AT - 1])
def test_valid_until_must_be_after_granted_at(valid_until):
    with pytest.raises(ValueError, match=r"valid_until \(\d+\) must be after granted_at"):
        export(valid_until=valid_until)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("granted_at", -1),
        ("granted_at", 1.5),
        ("valid_until", 2**64),
        ("now", "soon"),
        ("chain_id", 0),
        ("chain_id", "1"),
    ],
)
def test_bad_times_and_chain_ids_are_refused_naming_the_field(field, value):
    with pytest.raises(ValueError, match=rf"^{field} "):
        export(**{field: value})


@pytest.mark.parametrize(
    ("status", "message"),
    [("revoked", "not a FHIR R5 Consent status"), ("active", "status 'active' contradicts valid_until")],
)
def test_a_bad_status_is_refused(status, message):
    with pytest.raises(ValueError, match=message):
        export(status=status, now=VALID_UNTIL)


# ---------------------------------------------------------------------------------------------
# From the chain


class FakeRegistry:
    """Stands in for an ape ConsentRegistry instance: ``address`` and ``consentOf``."""

    def __init__(self, record: tuple[int, int, int, int]):
        self.address = REGISTRY_CS
        self.record = record
        self.calls: list[tuple[str, str]] = []

    def consentOf(self, patient: str, grantee: str) -> tuple[int, int, int, int]:  # noqa: N802 (the ABI name)
        self.calls.append((patient, grantee))
        return self.record


class Account:
    def __init__(self, address: str):
        self.address = address


def test_consent_from_chain_exports_the_record_on_chain():
    purposes, categories = Purpose.TREAT | Purpose.ETREAT, CLINICAL_CATEGORIES
    registry = FakeRegistry((int(purposes), int(categories), VALID_UNTIL, GRANTED_AT))
    resource = consent_from_chain(registry, Account(PATIENT), GRANTEE, CHAIN_ID, now=VALID_UNTIL)
    assert registry.calls == [(PATIENT_CS, GRANTEE_CS)]
    assert resource == export(purposes=purposes, categories=categories, now=VALID_UNTIL)
    assert resource["status"] == "inactive"


def test_consent_from_chain_refuses_when_nothing_is_on_record():
    with pytest.raises(ValueError, match="no consent on record for patient 0x5aAe.* and grantee 0xfB69"):
        consent_from_chain(FakeRegistry((0, 0, 0, 0)), PATIENT, GRANTEE, CHAIN_ID, now=GRANTED_AT)


def test_consent_from_chain_checks_addresses_before_calling_the_chain():
    registry = FakeRegistry((1, 1, VALID_UNTIL, GRANTED_AT))
    with pytest.raises(ValueError, match="^grantee "):
        consent_from_chain(registry, PATIENT, "0xnothex", CHAIN_ID)
    assert registry.calls == []
