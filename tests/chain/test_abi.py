"""ABI facts derived from the shipped ABIs: every selector and topic of the suite as eth-utils computes
them independently (tuple parameters included), calldata as web3 encodes it, custom errors, return
data and topic filters; and the modules that must not type ABI facts in do not."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from eth_abi import encode
from eth_utils import event_abi_to_log_topic, function_abi_to_4byte_selector, keccak
from web3 import Web3

from medchain.abi import SUITE_CONTRACTS
from medchain.abi import abi as shipped_abi
from medchain.chain import abi
from medchain.chain.abi import AbiError, EventDecoder, FunctionDecoder, signature

ROOT = Path(__file__).resolve().parents[2]
ALICE = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
BOB = "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359"

TUPLE_FUNCTION = {
    "type": "function",
    "name": "f",
    "outputs": [],
    "stateMutability": "nonpayable",
    "inputs": [
        {
            "name": "items",
            "type": "tuple[]",
            "components": [{"name": "n", "type": "uint256"}, {"name": "who", "type": "address"}],
        },
        {"name": "key", "type": "bytes32"},
    ],
}


def items(kind: str) -> list[tuple[str, dict]]:
    return [(name, item) for name in SUITE_CONTRACTS for item in shipped_abi(name) if item.get("type") == kind]


def test_tuple_parameters_give_the_canonical_signature():
    assert signature(TUPLE_FUNCTION) == "f((uint256,address)[],bytes32)"
    dec = FunctionDecoder.from_abi("X", TUPLE_FUNCTION)
    assert dec.prefix == keccak(text="f((uint256,address)[],bytes32)")[:4]
    assert dec.prefix == function_abi_to_4byte_selector(TUPLE_FUNCTION)
    event = {
        **TUPLE_FUNCTION,
        "type": "event",
        "anonymous": False,
        "inputs": [{**p, "indexed": False} for p in TUPLE_FUNCTION["inputs"]],
    }
    assert EventDecoder.from_abi("X", event).topic0 == "0x" + event_abi_to_log_topic(event).hex()


def test_every_selector_of_the_suite_is_eth_utils_own():
    functions = items("function")
    assert any("tuple" in p["type"] for _, f in functions for p in f["inputs"]), "the suite has struct inputs"
    for contract, item in functions:
        assert abi.selector(contract, item["name"]) == function_abi_to_4byte_selector(item), (contract, item["name"])


def test_every_topic_and_error_selector_of_the_suite_is_eth_utils_own():
    for contract, item in items("event"):
        assert abi.topic(contract, item["name"]) == "0x" + event_abi_to_log_topic(item).hex(), (contract, item["name"])
    for contract, item in items("error"):
        selector = abi.error(contract, item["name"]).prefix
        assert selector == function_abi_to_4byte_selector(item), (contract, item["name"])


def test_struct_layouts_are_tuple_types():
    assert abi.input_types("ClaimSettlement", "submitClaims") == (
        "(bytes32,address,uint128,uint64,bytes32,bytes32,bytes32,bytes32[])[]",
    )
    assert abi.output_types("ClaimSettlement", "claimStatuses") == ("uint8[]",)
    assert abi.function("ClaimSettlement", "submitClaims").signature.startswith("submitClaims((bytes32,address,")


def test_calldata_is_what_web3_encodes():
    w3 = Web3()
    claims = w3.eth.contract(abi=shipped_abi("ClaimSettlement"))
    row = (b"\x01" * 32, ALICE, 12_500, 1_767_225_600, b"\x02" * 32, b"\x03" * 32, b"\x04" * 32, [b"\x05" * 32])
    ours = abi.calldata("ClaimSettlement", "submitClaims", [row, row])
    assert "0x" + ours.hex() == claims.encode_abi("submitClaims", args=[[row, row]])
    ids = [b"\x07" * 32, b"\x08" * 32]
    ours = abi.calldata("ClaimSettlement", "claimStatuses", ids)
    assert "0x" + ours.hex() == claims.encode_abi("claimStatuses", args=[ids])


def test_calldata_that_does_not_fit_is_refused_naming_the_function():
    with pytest.raises(ValueError, match=r"claimStatuses\(bytes32\[\]\): takes 1 argument\(s\), got 2"):
        abi.calldata("ClaimSettlement", "claimStatuses", [], [])
    with pytest.raises(ValueError, match=r"claimStatuses\(bytes32\[\]\): arguments do not fit"):
        abi.calldata("ClaimSettlement", "claimStatuses", ["not bytes"])


def test_unknown_contracts_and_names_are_refused_with_what_there_is():
    with pytest.raises(AbiError, match="ClaimSettlement has no function 'submitClaim2' .*submitClaims"):
        abi.selector("ClaimSettlement", "submitClaim2")
    with pytest.raises(AbiError, match="RecordExchange has no event 'Disclosed'"):
        abi.topic("RecordExchange", "Disclosed")
    with pytest.raises(AbiError, match="no ABI for 'Nope'"):
        abi.function("Nope", "f")


def test_return_data_decodes_as_python_values():
    view = (b"\x01" * 32, ALICE.lower(), 2, 0, 2026, 1_767_225_600, False, 9_000, 1_000, True)
    kinds = abi.output_types("ClaimSettlement", "claimOf")
    (decoded,) = abi.function("ClaimSettlement", "claimOf").result(encode(list(kinds), [view]))
    assert decoded == (b"\x01" * 32, ALICE, 2, 0, 2026, 1_767_225_600, False, 9_000, 1_000, True)
    with pytest.raises(ValueError, match=r"claimOf\(bytes32\): return data does not decode"):
        abi.function("ClaimSettlement", "claimOf").result(b"\x00" * 5)


def test_custom_errors_decode_by_name_with_their_fields():
    rejected = abi.error("ClaimSettlement", "ClaimSettlementRejected")
    data = rejected.prefix + encode(["bytes32", "uint16"], [b"\x09" * 32, 18])
    error, fields = abi.decode_error("ClaimSettlement", data)
    assert error is rejected and fields == {"claimId": b"\x09" * 32, "reasonCode": 18}
    not_submitter = abi.error("ClaimSettlement", "ClaimSettlementNotSubmitter")
    data = not_submitter.prefix + encode(["address", "address"], [ALICE, BOB])
    error, fields = abi.decode_error("ClaimSettlement", "0x" + data.hex())
    assert error.name == "ClaimSettlementNotSubmitter" and fields == {"caller": ALICE, "provider": BOB}
    assert abi.decode_error("ClaimSettlement", b"\xde\xad\xbe\xef") is None  # no such error
    assert abi.decode_error("ClaimSettlement", rejected.prefix + b"\x00") is None  # its selector, not its data
    with pytest.raises(ValueError, match="not ClaimSettlementRejected"):
        rejected.values(b"\xde\xad\xbe\xef")


def test_topic_filters_and_log_values():
    disclosed = abi.event("RecordExchange", "RecordDisclosed")
    word = "0x" + "00" * 12 + ALICE[2:].lower()
    assert disclosed.topics() == [disclosed.topic0]
    assert disclosed.topics(patient=ALICE) == [disclosed.topic0, word]
    assert disclosed.topics(recipient=ALICE.lower()) == [disclosed.topic0, None, word]
    assert disclosed.topics(recordHash=b"\x0a" * 32) == [disclosed.topic0, None, None, "0x" + "0a" * 32]
    with pytest.raises(ValueError, match="purpose is not an indexed field"):
        disclosed.topics(purpose=1)
    with pytest.raises(ValueError, match="patient: not of type address"):
        disclosed.topics(patient="0x1234")
    topics = [disclosed.topic0, word, "0x" + "00" * 12 + BOB[2:].lower(), "0x" + "0b" * 32]
    data = "0x" + encode(["uint256", "uint256", "address"], [1, 16, BOB]).hex()
    assert disclosed.values(topics, data) == {
        "patient": ALICE,
        "recipient": BOB,
        "recordHash": b"\x0b" * 32,
        "purpose": 1,
        "category": 16,
        "discloser": BOB,
    }
    assert disclosed.decode(topics, data)["discloser"] == BOB.lower()
    with pytest.raises(ValueError, match="expected 4 topics, got 2"):
        disclosed.values(topics[:2], data)
    with pytest.raises(ValueError, match="undecodable data"):
        disclosed.values(topics, "0x00")


def test_lookups_are_built_once():
    assert abi.function("ClaimSettlement", "submitClaims") is abi.function("ClaimSettlement", "submitClaims")
    assert abi.event("DrugProvenance", "Shipped") is abi.event("DrugProvenance", "Shipped")


#: The modules that derive every ABI fact (selectors, topics, struct layouts) from medchain.chain.abi.
DERIVING = sorted(
    {
        ROOT / "medchain/claims/client.py",
        ROOT / "medchain/provenance/epcis.py",
        *(f for part in ("exchange", "audit", "records", "consent") for f in (ROOT / "medchain" / part).glob("*.py")),
        *(ROOT / "medchain_dev").rglob("*.py"),
    }
)
_TYPE = r"(?:bytes\d*|address|u?int\d*|bool|string|\()"
TYPED_IN = re.compile(
    r"keccak\((?:text=)?b?[\"']\w+\("  # the keccak of a signature written out
    rf"|[\"']\w+\({_TYPE}[^\"']*\)[\"']"  # a signature written out
    r"|[\"']0x[0-9a-fA-F]{8}[\"']"  # a selector written out
    rf"|[\"']\({_TYPE}(?:\[\])?,"  # a struct's tuple type written out
    rf"|(?:de|en)code\(\[[\"']{_TYPE}"  # a parameter list written out
)
#: Lines that match but state no fact of the suite's ABIs, and why.
NOT_ABI_FACTS = {
    ("medchain_dev/bench/records_gas.py", "timestamp(bytes32)"): "EAS's function, named in the comparison table",
}


def test_the_deriving_modules_type_no_selector_topic_or_struct_in():
    assert len(DERIVING) > 40
    found = [
        f"{path.relative_to(ROOT)}:{n}: {line.strip()}"
        for path in DERIVING
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if TYPED_IN.search(line)
        and not any(str(path.relative_to(ROOT)) == where and text in line for where, text in NOT_ABI_FACTS)
    ]
    assert found == []


def test_the_typed_in_pattern_catches_what_it_is_for():
    for line in [
        'X = keccak(text="claimOf(bytes32)")[:4]',
        "T = keccak(b'Shipped(bytes32)')",
        'SEL = "0x9b2086f1"',
        'VIEW = "(bytes32,address,uint8)"',
        "K = '(uint256[],bool)'",
        'SIG = "RecordDisclosed(address,address,bytes32)"',
        'decode(["uint256", "address"], data)',
        "f = 'submit((bytes32,address)[])'",
    ]:
        assert TYPED_IN.search(line), line
    for line in ['keccak(text=f"bench policy {n}")', 'h = "0x" + "00" * 32', 'x = "(01)09506000134352"']:
        assert not TYPED_IN.search(line), line
