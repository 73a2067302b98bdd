"""medchain.errors: every custom error of the suite decodes from the shipped ABIs, with human values."""

from __future__ import annotations

import pytest
from eth_abi import encode
from eth_utils import keccak

from medchain.abi import SUITE_CONTRACTS, abi
from medchain.access import Role, reason_code
from medchain.errors import ERROR_STRING, PANIC, ContractError, decode_revert, error_names, refusal, revert_data

ACCOUNT = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
ID = bytes(range(32))
FULL_ID = "0x" + ID.hex()


def revert(signature: str, types: list[str], values: list) -> bytes:
    return keccak(text=signature)[:4] + encode(types, values)


def _sample(kind: str):
    if kind == "address":
        return ACCOUNT
    if kind.startswith("uint") or kind.startswith("int"):
        return 1
    if kind == "bool":
        return True
    if kind == "string":
        return "text"
    if kind == "bytes":
        return b"\x01\x02"
    if kind.startswith("bytes"):
        return b"\x07" * int(kind[5:])
    raise AssertionError(kind)


ALL_ERRORS = [(c, e) for c in SUITE_CONTRACTS for e in abi(c) if e["type"] == "error"]


@pytest.mark.parametrize("contract, entry", ALL_ERRORS, ids=[f"{c}.{e['name']}" for c, e in ALL_ERRORS])
def test_every_error_of_every_contract_decodes(contract, entry):
    types = [i["type"] for i in entry["inputs"]]
    values = [_sample(t) for t in types]
    data = revert(f"{entry['name']}({','.join(types)})", types, values)
    err = decode_revert(data, contract)
    assert isinstance(err, ContractError) and err.contract == contract and err.name == entry["name"]
    assert list(err.values) == [i["name"] for i in entry["inputs"]]
    text = str(err)
    assert text.startswith(entry["name"] + "(") and "b'" not in text and "…" not in text
    assert decode_revert("0x" + data.hex(), contract).values == err.values, "0x hex decodes like bytes"


def test_the_decoder_knows_every_error_of_the_abis():
    assert {(c, e["name"]) for c, e in ALL_ERRORS} == set(error_names())


def test_ids_are_full_hex_and_roles_are_named():
    err = decode_revert(
        revert(
            "ConsortiumRegistryAlreadyMember(address,bytes32)",
            ["address", "bytes32"],
            [ACCOUNT.lower(), Role.INSURER.id],
        )
    )
    assert err.values == {"account": ACCOUNT.lower(), "role": Role.INSURER.id}, "raw values are kept"
    assert str(err) == f"ConsortiumRegistryAlreadyMember(account={ACCOUNT}, role=INSURER_ROLE)"
    admin = decode_revert(
        revert("AccessControlUnauthorizedAccount(address,bytes32)", ["address", "bytes32"], [ACCOUNT, b"\0" * 32])
    )
    assert "neededRole=DEFAULT_ADMIN_ROLE" in str(admin)
    unknown_role = decode_revert(revert("ConsortiumRegistryUnknownRole(bytes32)", ["bytes32"], [ID]))
    assert str(unknown_role) == f"ConsortiumRegistryUnknownRole(role={FULL_ID})"
    batch = decode_revert(revert("DrugProvenanceUnknownBatch(bytes32)", ["bytes32"], [ID]))
    assert str(batch) == f"DrugProvenanceUnknownBatch(batchId={FULL_ID})"


def test_times_are_iso_utc_and_unix_days_are_dates():
    err = decode_revert(
        revert("ConsentRegistryValidUntilInPast(uint64,uint256)", ["uint64", "uint256"], [1_800_000_000, 1_800_000_001])
    )
    assert str(err) == "ConsentRegistryValidUntilInPast(validUntil=2027-01-15T08:00:00Z, nowTime=2027-01-15T08:00:01Z)"
    suspended = decode_revert(
        revert("ConsortiumRegistryAlreadySuspended(address,uint40)", ["address", "uint40"], [ACCOUNT, 0])
    )
    assert "suspendedAt=1970-01-01T00:00:00Z" in str(suspended)
    deadline = decode_revert(revert("ConsentRegistryExpiredSignature(uint256)", ["uint256"], [86_400]))
    assert str(deadline) == "ConsentRegistryExpiredSignature(deadline=1970-01-02T00:00:00Z)"
    expired = decode_revert(revert("DrugProvenanceBatchExpired(bytes32,uint32)", ["bytes32", "uint32"], [ID, 20_000]))
    assert str(expired) == f"DrugProvenanceBatchExpired(batchId={FULL_ID}, expiryDay=2024-10-04)"
    window = decode_revert(revert("ConsentRegistryInvalidEmergencyWindow(uint64)", ["uint64"], [90_000]))
    assert str(window) == "ConsentRegistryInvalidEmergencyWindow(window=1d 1h)"


def test_reason_codes_enums_purposes_and_categories_are_named():
    rejected = decode_revert(revert("ClaimSettlementRejected(bytes32,uint16)", ["bytes32", "uint16"], [ID, 197]))
    assert str(rejected) == f"ClaimSettlementRejected(claimId={FULL_ID}, reasonCode=197 consent absent)"
    status = decode_revert(revert("ClaimSettlementWrongStatus(bytes32,uint8)", ["bytes32", "uint8"], [ID, 1]))
    assert str(status) == f"ClaimSettlementWrongStatus(claimId={FULL_ID}, status=PendingFunds)"
    out_of_range = decode_revert(revert("ClaimSettlementWrongStatus(bytes32,uint8)", ["bytes32", "uint8"], [ID, 99]))
    assert str(out_of_range).endswith("status=99)")
    no_consent = decode_revert(
        revert(
            "RecordExchangeNoConsent(address,address,uint256,uint256)",
            ["address", "address", "uint256", "uint256"],
            [ACCOUNT, ACCOUNT, 1, 3 | 1 << 40],
        )
    )
    assert str(no_consent).endswith("purpose=TREAT, categories=DEMOGRAPHICS+ENCOUNTERS+0x10000000000)")
    gtin = decode_revert(revert("DrugProvenanceInvalidGtin(uint64)", ["uint64"], [9506000134352]))
    assert str(gtin) == "DrugProvenanceInvalidGtin(gtin=09506000134352)"


def test_bytes32_reason_codes_read_as_text():
    entry = {"name": "reason", "type": "bytes32"}
    err = ContractError("X", "Refused", {"reason": reason_code("LICENCE_EXPIRED")}, [entry])
    assert str(err) == "Refused(reason=LICENCE_EXPIRED)"


def test_error_string_and_panic():
    assert str(decode_revert(ERROR_STRING + encode(["string"], ["not allowed"]))) == "not allowed"
    panic = decode_revert(PANIC + encode(["uint256"], [0x11]))
    assert panic.name == "Panic" and panic.contract is None and panic.values == {"code": 0x11}
    assert str(panic) == "Panic(0x11: arithmetic overflow or underflow)"
    assert str(decode_revert(PANIC + encode(["uint256"], [0x99]))) == "Panic(0x99: unknown panic code)"


@pytest.mark.parametrize(
    "data",
    [
        b"",
        "0x",
        None,
        b"\x01\x02\x03",
        b"\xde\xad\xbe\xef" + b"\0" * 32,
        "not hex",
        keccak(text="DrugProvenanceUnknownBatch(bytes32)")[:4] + b"\x01",
    ],
    ids=["empty", "0x", "none", "short", "unknown-selector", "not-hex", "truncated"],
)
def test_what_is_not_a_suite_error_decodes_to_none(data):
    assert decode_revert(data) is None


def test_revert_data_is_found_in_web3_and_ape_exceptions():
    from web3.exceptions import ContractCustomError

    data = revert("DrugProvenanceUnknownBatch(bytes32)", ["bytes32"], [ID])
    web3_err = ContractCustomError("0x" + data.hex(), data="0x" + data.hex())
    assert revert_data(web3_err) == data
    try:
        try:
            raise web3_err
        except ContractCustomError as inner:
            raise RuntimeError("wrapped") from inner
    except RuntimeError as outer:
        assert str(refusal(outer)) == f"DrugProvenanceUnknownBatch(batchId={FULL_ID})"
    assert refusal(RuntimeError("no data")) is None


def test_an_error_ape_decoded_is_encoded_back_and_described_alike():
    from ape.exceptions import CustomError
    from ethpm_types.abi import ErrorABI

    entry = next(
        e for e in abi("ConsortiumRegistry") if e["type"] == "error" and e["name"] == "ConsortiumRegistryAlreadyMember"
    )
    ape_err = CustomError(ErrorABI.model_validate(entry), {"account": ACCOUNT, "role": Role.PHARMACY.id})
    assert str(refusal(ape_err)) == f"ConsortiumRegistryAlreadyMember(account={ACCOUNT}, role=PHARMACY_ROLE)"
