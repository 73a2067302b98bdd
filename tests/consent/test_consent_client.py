"""medchain.consent: enums, input parsing and signed-message files (pure Python)."""

from __future__ import annotations

import json

import pytest

from medchain.consent import (
    ALL_CATEGORIES,
    Category,
    ConsentMessage,
    Domain,
    Purpose,
    names,
    parse_categories,
    parse_purposes,
    sign,
)
from medchain.consent.client import ConsentInputError, SignedMessage, check_before_relay, parse_address, parse_time

NOW = 1_800_000_000
DOMAIN = Domain(chain_id=1337, verifying_contract="0x" + "ab" * 20)
KEY = b"\x42" * 32
PATIENT = "0x6fdaC7C8ed3D2B6e2E1d8d3a3cB1f8Fe4EaE3d0C"


def test_parse_purposes_and_categories():
    assert parse_purposes("treat, HPAYMT") == Purpose.TREAT | Purpose.HPAYMT
    assert parse_purposes(["etreat"]) == Purpose.ETREAT
    assert parse_categories("all") == ALL_CATEGORIES
    assert parse_categories("billing-claims,laboratory") == Category.BILLING_CLAIMS | Category.LABORATORY
    assert parse_categories(0b11) == Category.DEMOGRAPHICS | Category.ENCOUNTERS
    assert names(Purpose.TREAT | Purpose.ETREAT) == ["TREAT", "ETREAT"]


@pytest.mark.parametrize(
    "value, message",
    [
        ("fly", "unknown purpose 'fly': expected one of treat, hpaymt"),
        ("", "no purpose given"),
        (1 << 6, "empty or has unknown bits"),
        (0, "empty or has unknown bits"),
    ],
)
def test_parse_purposes_errors(value, message):
    with pytest.raises(ValueError, match=message):
        parse_purposes(value)


def test_parse_address():
    assert parse_address(" 0x" + "ab" * 20 + " ", "--grantee") == "0xABaBaBaBABabABabAbAbABAbABabababaBaBABaB"
    with pytest.raises(ConsentInputError, match="--grantee: 'bob' is not an address"):
        parse_address("bob", "--grantee")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("+30d", NOW + 30 * 86400),
        ("+12h", NOW + 12 * 3600),
        ("+90s", NOW + 90),
        ("+2w", NOW + 14 * 86400),
        ("2027-06-30", 1814313600),
        ("2027-06-30T12:00:00+02:00", 1814349600),
        (str(NOW + 5), NOW + 5),
    ],
)
def test_parse_time(text, expected):
    assert parse_time(text, "--until", NOW) == expected


@pytest.mark.parametrize(
    "text, message",
    [
        ("yesterday", "--until: 'yesterday' is not a time"),
        ("2020-01-01", "--until: 2020-01-01 .* is not in the future"),
        (str(NOW), "is not in the future"),
    ],
)
def test_parse_time_errors(text, message):
    with pytest.raises(ConsentInputError, match=message):
        parse_time(text, "--until", NOW)


def _signed(**changes) -> SignedMessage:
    from eth_account import Account

    patient = Account.from_key(KEY).address
    msg = ConsentMessage(
        patient, "0x" + "11" * 20, Purpose.TREAT, Category.LABORATORY, NOW + 3600, NOW - 60, 4, NOW + 600
    )
    return SignedMessage(DOMAIN, msg, sign(KEY, DOMAIN, msg))


def test_signed_message_round_trip(tmp_path):
    signed = _signed()
    path = tmp_path / "c.json"
    signed.save(path)
    assert SignedMessage.load(path) == signed
    check_before_relay(SignedMessage.load(path), DOMAIN, NOW)


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda d: d.pop("signature"), "missing field 'signature'"),
        (lambda d: d["message"].update(grantee="0x12"), r"message\.grantee: '0x12' is not an address"),
        (lambda d: d.update(primaryType="Permit"), "neither Consent nor Revocation"),
        (lambda d: d.update(signature="0x1234"), "signature must be 65 bytes, got 2"),
    ],
)
def test_signed_message_file_errors_name_the_field(tmp_path, mutate, message):
    path = tmp_path / "c.json"
    data = _signed().to_json()
    mutate(data)
    path.write_text(json.dumps(data))
    with pytest.raises(ConsentInputError, match=message):
        SignedMessage.load(path)


def test_check_before_relay_refusals():
    signed = _signed()
    with pytest.raises(ConsentInputError, match="signed for chain 1337 .* but this deployment is chain 1"):
        check_before_relay(signed, Domain(1, DOMAIN.verifying_contract), NOW)
    with pytest.raises(ConsentInputError, match="deadline .* has passed"):
        check_before_relay(signed, DOMAIN, NOW + 601)
    forged = SignedMessage(DOMAIN, signed.message, sign(b"\x66" * 32, DOMAIN, signed.message))
    with pytest.raises(ConsentInputError, match="signed by 0x.*, not by the patient"):
        check_before_relay(forged, DOMAIN, NOW)


class _Registry:
    """Stands in for a deployed ConsentRegistry: the two views the pre-relay check reads."""

    def __init__(self, used=(), last=0):
        self.used, self.last = set(used), last

    def nonceUsed(self, patient, nonce):  # noqa: N802 (the ABI name)
        return nonce in self.used

    def lastAuthorisedAt(self, patient, grantee):  # noqa: N802 (the ABI name)
        return self.last


def test_check_before_relay_catches_a_used_nonce_in_one_line():
    signed = _signed()
    with pytest.raises(ConsentInputError, match=r"nonce 4 of patient 0x[0-9a-fA-F]{40} is already used or cancelled"):
        check_before_relay(signed, DOMAIN, NOW, consent_registry=_Registry(used={4}))
    check_before_relay(signed, DOMAIN, NOW, consent_registry=_Registry(used={5}))


def test_check_before_relay_catches_a_superseded_or_future_signature():
    signed = _signed()  # signed at NOW - 60
    with pytest.raises(ConsentInputError, match="can no longer take effect"):
        check_before_relay(signed, DOMAIN, NOW, consent_registry=_Registry(last=NOW - 60))
    check_before_relay(signed, DOMAIN, NOW, consent_registry=_Registry(last=NOW - 61))
    with pytest.raises(ConsentInputError, match="after the current block time"):
        check_before_relay(signed, DOMAIN, NOW - 61)


def test_new_nonces_never_collide():
    from medchain.consent.client import new_nonce

    nonces = {new_nonce() for _ in range(1000)}
    assert len(nonces) == 1000 and all(0 <= n < 2**256 for n in nonces)
