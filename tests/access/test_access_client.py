"""medchain.access: roles, credential hashes, reason codes and the registry client."""

from __future__ import annotations

import pytest
from eth_utils import keccak

from medchain.access import (
    MemberSpec,
    Role,
    credential_hash,
    decode_reason,
    member_status,
    new_salt,
    reason_code,
    register_members,
)
from tests.conftest import as_sdk, credential_for

# ---------------------------------------------------------------------------------------------
# Roles


@pytest.mark.parametrize("value", ["provider", "PROVIDER", "PROVIDER_ROLE", " Provider "])
def test_role_parse_by_name(value):
    assert Role.parse(value) is Role.PROVIDER


def test_role_parse_by_id():
    assert Role.parse(keccak(text="PHARMACY_ROLE")) is Role.PHARMACY
    assert Role.parse("0x" + keccak(text="PHARMACY_ROLE").hex()) is Role.PHARMACY


@pytest.mark.parametrize("value", ["doctor", "0x" + "00" * 32, b"\x01" * 32])
def test_role_parse_rejects_unknown_values_and_lists_the_valid_ones(value):
    with pytest.raises(ValueError, match="unknown role .* expected one of provider, insurer, manufacturer"):
        Role.parse(value)


def test_role_bits_follow_the_contract_order():
    assert [r.bit for r in Role] == [1, 2, 4, 8, 16, 32, 64]
    assert Role.from_mask(0b1010001) == [Role.PROVIDER, Role.PHARMACY, Role.AUDITOR]


# ---------------------------------------------------------------------------------------------
# Credential hashes and reason codes


def test_credential_hash_is_salted():
    salt_a, salt_b = b"\x01" * 32, b"\x02" * 32
    assert credential_hash(b"licence", salt_a) == keccak(salt_a + keccak(b"licence"))
    assert credential_hash(b"licence", salt_a) != credential_hash(b"licence", salt_b)
    assert len(new_salt()) == 32 and new_salt() != new_salt()


def test_credential_hash_refuses_bad_input():
    with pytest.raises(ValueError, match="document is empty"):
        credential_hash(b"", b"\0" * 32)
    with pytest.raises(ValueError, match="salt must be 32 bytes, got 3"):
        credential_hash(b"licence", b"abc")


def test_reason_code_round_trip():
    code = reason_code("LICENCE_EXPIRED")
    assert code == b"LICENCE_EXPIRED".ljust(32, b"\0")
    assert decode_reason(code) == "LICENCE_EXPIRED"


@pytest.mark.parametrize("text", ["", "lowercase", "Free text with spaces", "X" * 33, "PATIENT-NAME", "ÄRGER"])
def test_reason_code_accepts_only_short_codes(text):
    with pytest.raises(ValueError, match="must be 1-32 characters of A-Z, 0-9 and _"):
        reason_code(text)


def test_decode_reason_shows_non_text_as_hex():
    assert decode_reason(b"\xff" * 32) == "0x" + "ff" * 32


# ---------------------------------------------------------------------------------------------
# Registry client


def test_register_members_is_idempotent(empty_registry, governance, accounts):
    specs = [
        MemberSpec("Hospital A", Role.PROVIDER, str(accounts[1].address), credential_for(Role.PROVIDER)),
        MemberSpec("Pharmacy B", Role.PHARMACY, str(accounts[2].address), credential_for(Role.PHARMACY)),
    ]
    registry = as_sdk(empty_registry, governance)
    first = register_members(registry, specs[:1])
    assert [r.registered for r in first] == [True]

    nonce = governance.nonce
    second = register_members(registry, specs)  # resumes: only the missing one is sent
    assert [r.registered for r in second] == [False, True]
    assert governance.nonce == nonce + 1
    assert second[1].tx_hash == registry.rpc.call("eth_getTransactionByHash", [second[1].tx_hash])["hash"]

    status = member_status(registry, specs[1].address)
    assert status.roles == (Role.PHARMACY,) and status.active and status.registered_at > 0
    assert status.suspended_at == 0 and status.suspended_by is None


def test_member_status_of_a_suspended_member_and_of_a_stranger(empty_registry, governance, accounts):
    registry = as_sdk(empty_registry, governance)
    register_members(
        registry, [MemberSpec("Pharmacy B", Role.PHARMACY, str(accounts[2].address), credential_for(Role.PHARMACY))]
    )
    registry.suspendMember(accounts[2].address, reason_code("LICENCE_EXPIRED"))
    status = member_status(registry, accounts[2].address)
    assert status.roles == (Role.PHARMACY,) and status.suspended_at > 0 and not status.active
    assert status.suspended_by == governance.address
    stranger = member_status(registry, accounts[3].address)
    assert stranger.roles == () and stranger.registered_at == 0 and not stranger.active
