"""The SDK's contract classes against a deployed suite: typed views, transactions signed locally,
reverts as :class:`ContractReverted` with their raw data, events decoded from receipts and from a
block range, and one-line errors for bad input and a manifest of another chain."""

from __future__ import annotations

import json
import secrets

import pytest
from eth_abi import decode
from eth_utils import keccak

from medchain import (
    ChainIdMismatch,
    ChainMismatchError,
    ClaimSettlement,
    ConsentRegistry,
    ContractReverted,
    ManifestError,
    RecordAnchor,
    Rpc,
    Suite,
    Transactor,
    contracts,
)
from medchain.abi import abi
from medchain.access import Role
from medchain.claims.bulk import encode_batch
from medchain.claims.inputs import ClaimRow
from medchain.claims.status import ClaimStatus
from medchain.consent import Category, Purpose
from medchain.contracts import ERC20, ClaimInput, ClaimView, Member, Receipt
from medchain.contracts.base import field_name
from medchain.deployment import read_manifest

DAY = 86_400


def error_selector(contract: str, error: str) -> tuple[bytes, list[str]]:
    """The selector and argument types of a custom error, read from the shipped ABI."""
    (item,) = [i for i in abi(contract) if i["type"] == "error" and i["name"] == error]
    types = [p["type"] for p in item["inputs"]]
    return keccak(text=f"{error}({','.join(types)})")[:4], types


def now(suite: Suite) -> int:
    return int(suite.rpc.call("eth_getBlockByNumber", ["latest", False])["timestamp"], 16)


def test_connect_gives_one_object_per_contract_at_the_manifests_addresses(suite, consortium):
    manifest = read_manifest(consortium[1])
    assert suite.chain_id == manifest.chain_id == 1337
    for contract in suite.contracts:
        assert contract.address == manifest.address_of(
            type(contract).NAME if not isinstance(contract, ERC20) else "TestStableToken"
        )
    assert isinstance(suite.token, contracts.TestStableToken) and isinstance(suite.records, RecordAnchor)
    assert suite.claims.token() == suite.token.address


def test_views_answer_typed_values_and_named_tuples(suite, keys):
    hospital = keys["hospital"].address
    member = suite.registry.memberOf(hospital)
    assert isinstance(member, Member) and member.roles == Role.PROVIDER.bit and member.registeredAt > 0
    assert member.suspendedBy == "0x" + "00" * 20
    assert suite.registry.isActiveMember(hospital, Role.PROVIDER.id) is True
    assert suite.registry.isActiveMember(keys["stranger"].address, Role.PROVIDER.id) is False
    anchored_at, superseded_by, retracted = suite.records.verify(hospital, secrets.token_bytes(32))
    assert (anchored_at, superseded_by) == (0, b"\0" * 32) and isinstance(retracted, bool)
    assert suite.token.decimals() == 6 and isinstance(suite.token.symbol(), str)


def test_a_patient_grants_consent_signed_locally_and_reads_the_event_back(suite, keys):
    patient, hospital = keys["patient"], keys["hospital"].address
    consent = suite.with_signer(patient).consent
    until = now(suite) + 30 * DAY
    purposes, categories = int(Purpose.TREAT), int(Category.LABORATORY)
    receipt = consent.grant(patient.address, hospital, purposes, categories, until)
    assert isinstance(receipt, Receipt) and receipt.status == 1 and receipt.sender == patient.address
    (event,) = receipt.events
    assert isinstance(event, ConsentRegistry.ConsentGranted)
    assert (event.patient, event.grantee, event.purposes, event.categories, event.validUntil, event.by) == (
        patient.address,
        hospital,
        purposes,
        categories,
        until,
        patient.address,
    )
    assert (event.block_number, event.transaction_hash, event.address) == (
        receipt.block_number,
        receipt.transaction_hash,
        suite.consent.address,
    )
    assert suite.consent.hasConsent(patient.address, hospital, purposes, categories) is True

    found = suite.consent.events(
        ConsentRegistry.ConsentGranted, receipt.block_number, receipt.block_number, patient=patient.address
    )
    assert found == [event]
    assert (
        suite.consent.events(
            ConsentRegistry.ConsentGranted,
            receipt.block_number,
            receipt.block_number,
            patient=[keys["stranger"].address],
        )
        == []
    )
    assert suite.decode_logs(receipt) == [event]


def test_a_provider_anchors_a_record_and_verifies_it(suite, keys):
    hospital = keys["hospital"]
    records = suite.with_signer(hospital).records
    record = secrets.token_bytes(32)
    receipt = records.anchor("0x" + record.hex())  # a hex string is taken for bytes32
    (event,) = receipt.events
    assert isinstance(event, RecordAnchor.RecordAnchored)
    assert (event.recordHash, event.provider) == (record, hospital.address)
    verified = suite.records.verify(hospital.address, record)
    assert verified.anchoredAt == event.anchoredAt > 0


def test_a_refused_transaction_raises_contract_reverted_with_the_raw_data_before_signing(suite, keys):
    hospital = keys["hospital"]
    records = suite.with_signer(hospital).records
    record = secrets.token_bytes(32)
    first = records.anchor(record)
    nonce = int(suite.rpc.call("eth_getTransactionCount", [hospital.address, "latest"]), 16)
    with pytest.raises(ContractReverted) as raised:
        records.anchor(record)
    err = raised.value
    selector, types = error_selector("RecordAnchor", "RecordAnchorAlreadyAnchored")
    assert (err.contract, err.function, err.selector, err.tx_hash) == ("RecordAnchor", "anchor", selector, None)
    assert decode(types, err.data[4:]) == (record, hospital.address.lower(), first.events[0].anchoredAt)
    assert str(err) == f"RecordAnchor.anchor reverted: revert data 0x{err.data.hex()}"
    assert int(suite.rpc.call("eth_getTransactionCount", [hospital.address, "latest"]), 16) == nonce, "nothing was sent"


def test_a_mined_revert_raises_with_its_transaction_and_the_replayed_data(suite, keys):
    stranger = keys["stranger"]
    with pytest.raises(ContractReverted) as raised:
        suite.with_signer(stranger).records.anchor(secrets.token_bytes(32), tx={"gas": 200_000})  # mined: no estimate
    err = raised.value
    assert err.tx_hash and err.tx_hash.startswith("0x") and "(transaction 0x" in str(err)
    receipt = suite.rpc.call("eth_getTransactionReceipt", [err.tx_hash])
    assert receipt["status"] == "0x0"
    assert len(err.data) >= 4 and err.selector in {
        keccak(text=f"{i['name']}({','.join(p['type'] for p in i['inputs'])})")[:4]
        for i in abi("RecordAnchor")
        if i["type"] == "error"
    }


def test_a_call_that_reverts_raises_contract_reverted(suite, keys):
    with pytest.raises(ContractReverted) as raised:
        suite.records.call("anchor", secrets.token_bytes(32), sender=keys["stranger"].address)
    assert raised.value.function == "anchor" and len(raised.value.data) >= 4


def test_the_token_transfers_approves_and_reads_transfer_events(suite, keys):
    deployer, patient = keys["deployer"], keys["patient"].address
    token = suite.with_signer(deployer).token
    assert isinstance(token, contracts.TestStableToken)
    minted = token.mint(deployer.address, 1_000)
    (mint,) = minted.events
    assert isinstance(mint, ERC20.Transfer) and (mint.from_, mint.to, mint.value) == (
        "0x" + "00" * 20,
        deployer.address,
        1_000,
    )
    before = token.balanceOf(patient)
    token.transfer(patient, 400)
    assert token.balanceOf(patient) == before + 400
    token.approve(patient, 250)
    assert token.allowance(deployer.address, patient) == 250
    sent = token.events(ERC20.Transfer, minted.block_number, "latest", from_=deployer.address)
    assert [(e.to, e.value) for e in sent] == [(patient, 400)]


def test_one_signer_sends_transactions_in_a_row_with_its_own_nonces(suite, keys):
    deployer = keys["deployer"]
    token = suite.with_signer(deployer).token
    start = int(suite.rpc.call("eth_getTransactionCount", [deployer.address, "pending"]), 16)
    receipts = [token.mint(deployer.address, n) for n in (1, 2, 3)]
    assert [r.status for r in receipts] == [1, 1, 1]
    assert int(suite.rpc.call("eth_getTransactionCount", [deployer.address, "latest"]), 16) == start + 3


def test_bad_arguments_are_refused_in_one_line_naming_them(suite, keys):
    with pytest.raises(ValueError, match=r"^ConsortiumRegistry.memberOf: account is not of type address: '0x12'$"):
        suite.registry.memberOf("0x12")
    with pytest.raises(
        ValueError, match=r"^RecordAnchor.verify takes 2 argument\(s\) \(provider, recordHash\), not 1$"
    ):
        suite.records.call("verify", keys["hospital"].address)
    with pytest.raises(ValueError, match=r"^RecordAnchor has no function 'nope'$"):
        suite.records.call("nope")
    with pytest.raises(ValueError, match=r"^RecordAnchor.anchor: no signer to send it with"):
        suite.records.anchor(secrets.token_bytes(32))
    with pytest.raises(ValueError, match=r"^ConsentRegistry.ConsentGranted has no indexed field 'validUntil'"):
        suite.consent.events(ConsentRegistry.ConsentGranted, validUntil=1)
    with pytest.raises(ValueError, match=r"unknown transaction option\(s\) gas_price"):
        suite.with_signer(keys["hospital"]).records.anchor(secrets.token_bytes(32), tx={"gas_price": 1})  # type: ignore


def test_a_manifest_of_another_chain_or_missing_a_contract_is_refused_in_one_line(consortium, tmp_path):
    op, manifest = consortium
    data = json.loads(manifest.read_text())
    other = tmp_path / "other.json"
    other.write_text(json.dumps({**data, "chainId": 999}))
    with pytest.raises(ChainMismatchError) as raised:
        Suite.connect(op.node.url, other)
    assert "chain id 999" in str(raised.value) and "has id 1337" in str(raised.value)
    assert "\n" not in str(raised.value)
    partial = tmp_path / "partial.json"
    partial.write_text(
        json.dumps({**data, "contracts": {k: v for k, v in data["contracts"].items() if k != "RecordExchange"}})
    )
    with pytest.raises(ManifestError, match=r"partial.json: no RecordExchange in the manifest"):
        Suite.connect(op.node.url, partial)


def test_a_transactor_for_another_chain_refuses_to_sign(suite, keys):
    records = RecordAnchor(
        suite.rpc, suite.records.address, transactor=Transactor(suite.rpc, keys["hospital"], chain_id=1)
    )
    with pytest.raises(ChainIdMismatch, match=r"is on chain id 1337, not 1: refusing to sign for it"):
        records.anchor(secrets.token_bytes(32))


def test_a_contract_over_a_bare_url_and_address_works_without_a_suite(suite, consortium, keys):
    hospital = keys["hospital"].address
    registry = type(suite.registry)(Rpc(consortium[0].node.url), suite.registry.address.lower())
    assert registry.address == suite.registry.address and registry.memberOf(hospital) == suite.registry.memberOf(
        hospital
    )
    with pytest.raises(ValueError, match=r"^ConsortiumRegistry: address is not an address: 'nope'$"):
        type(suite.registry)(suite.rpc, "nope")


def test_event_fields_that_are_python_keywords_get_a_trailing_underscore():
    assert field_name("from") == "from_" and field_name("to") == "to"
    assert "from_" in ERC20.Transfer.__struct_fields__


class UnpluggedOnce:
    """A signer of our own (not eth-account's): signs with ``account``, but fails the first time, and
    returns the raw bytes rather than a signed-transaction object."""

    def __init__(self, account):
        self.account, self.failed = account, False

    @property
    def address(self) -> str:
        return self.account.address

    def sign_transaction(self, transaction_dict):
        if not self.failed:
            self.failed = True
            raise RuntimeError("the hardware wallet was unplugged")
        return bytes(self.account.sign_transaction(transaction_dict).raw_transaction)


def test_any_signer_will_do_and_a_failed_signature_leaves_no_nonce_gap(suite, keys):
    hospital = keys["hospital"]
    records = suite.with_signer(UnpluggedOnce(hospital)).records
    start = int(suite.rpc.call("eth_getTransactionCount", [hospital.address, "pending"]), 16)
    with pytest.raises(RuntimeError, match="unplugged"):
        records.anchor(secrets.token_bytes(32))
    assert records.anchor(secrets.token_bytes(32)).status == 1
    assert int(suite.rpc.call("eth_getTransactionCount", [hospital.address, "latest"]), 16) == start + 1
    with pytest.raises(TypeError, match="signer: str has no address and sign_transaction"):
        suite.with_signer("0xabc")


def test_struct_arguments_encode_as_the_bulk_submitters_layout_and_enums_decode_to_their_enum(suite, keys):
    ids = [secrets.token_bytes(32) for _ in range(3)]
    statuses = suite.claims.claimStatuses(ids)
    assert statuses == [ClaimStatus.NONE] * 3 and all(isinstance(s, ClaimStatus) for s in statuses)
    view = suite.claims.claimOf(ids[0])
    assert isinstance(view, ClaimView) and view.status is ClaimStatus.NONE and view.provider == "0x" + "00" * 20

    rows = [
        ClaimRow(
            row=n,
            ref=f"c{n}",
            policy_id=secrets.token_bytes(32),
            provider=keys["hospital"].address,
            amount=100 + n,
            service_date=1_700_000_000 + n,
            line_items=(),
            codes_hash=secrets.token_bytes(32),
            evidence_hash=secrets.token_bytes(32),
            evidence_root=secrets.token_bytes(32),
            evidence_proof=tuple(secrets.token_bytes(32) for _ in range(n)),
        )
        for n in range(3)
    ]
    inputs = [ClaimInput(*row.as_input()) for row in rows]
    assert suite.claims.encode("submitClaims", inputs) == encode_batch(rows)  # the hot path's own encoder
    # a batch refuses claims one by one (no such policies here): each refusal is a decoded event
    receipt = suite.with_signer(keys["hospital"]).claims.submitClaims(inputs)
    assert [type(e) for e in receipt.events] == [ClaimSettlement.ClaimRejected] * 3
    assert [e.claimId for e in receipt.events] == [row.claim_id for row in rows]
    assert all(e.reasonCode > 0 for e in receipt.events)
