"""Gas of the ConsentRegistry's operations next to their Ethereum Attestation Service equivalents.

Both suites are deployed on one fresh anvil chain (automine: one transaction per block, each sent
after the previous one is mined) and every figure of a transaction is its receipt's ``gasUsed``:
intrinsic 21,000 and calldata included, storage refunds deducted. Each transaction starts with every
contract and slot cold (EIP-2929), so the figures are what a lone transaction pays.

``hasConsent`` is a view: what it costs a calling contract is measured inside one transaction by
``ConsentProbe`` (contracts/test), which reads ``gasleft()`` around the call -- once cold (registry
address and consent slot untouched in the transaction) and once more warm.

Accounts that only sign (patients relaying through someone else) have fixed keys and the chain's blocks
have fixed times, so calldata -- and hence gas -- is the same from run to run. The medchain figures
(:func:`measure_figures`) are measured first, so that the gas snapshot measures them the same way
without EAS.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from eth_abi import encode
from eth_account import Account
from eth_account.messages import encode_typed_data
from eth_account.signers.local import LocalAccount
from web3.contract import Contract
from web3.contract.contract import ContractFunction

from medchain.access import Role, reason_code
from medchain.consent import CLINICAL_CATEGORIES, Category, ConsentMessage, Domain, Purpose, sign
from medchain.consent.signing import EIP712_DOMAIN_TYPE
from medchain_dev.bench.common import (
    GENESIS_TIME,
    SUITE_CONTRACTS,
    BenchmarkError,
    BenchReport,
    Chain,
    Figures,
    GasRow,
    Measurement,
    Target,
    bench_anvil,
    chain_description,
    deploy_eas,
    deploy_suite,
    eas_compiler,
    load_medchain_artifacts,
    medchain_compiler,
    signer,
)
from medchain_dev.bench.eas import EAS_SOLC_VERSION, Artifact, compile_eas

MEDCHAIN_CONTRACTS = (*SUITE_CONTRACTS, "ConsentProbe")

# Every time below is relative to the chain's genesis time.
VALID_UNTIL = GENESIS_TIME + 365 * 24 * 3600
DEADLINE = GENESIS_TIME + 24 * 3600

#: The EAS schema standing in for a consent, field for field.
EAS_SCHEMA = "address grantee,uint256 purposes,uint256 categories,uint64 validUntil"
EAS_SCHEMA_TYPES = ("address", "uint256", "uint256", "uint64")
ZERO_ADDRESS = "0x" + "00" * 20
ZERO_BYTES32 = b"\x00" * 32

#: What every consent (and every stand-in attestation) allows.
CONSENT_PURPOSES = Purpose.TREAT | Purpose.HOPERAT
CONSENT_CATEGORIES = CLINICAL_CATEGORIES

#: EIP1271Verifier's ATTEST_TYPEHASH type, field for field.
EAS_ATTEST_TYPE = [
    {"name": "attester", "type": "address"},
    {"name": "schema", "type": "bytes32"},
    {"name": "recipient", "type": "address"},
    {"name": "expirationTime", "type": "uint64"},
    {"name": "revocable", "type": "bool"},
    {"name": "refUID", "type": "bytes32"},
    {"name": "data", "type": "bytes"},
    {"name": "value", "type": "uint256"},
    {"name": "nonce", "type": "uint256"},
    {"name": "deadline", "type": "uint64"},
]

#: The gas targets.
GRANT = Target("grant", 60_000)
GRANT_BY_SIG = Target("grantBySig", 75_000)
REVOKE = Target("revoke", 35_000)
HAS_CONSENT = Target("hasConsent from another contract", 5_000)
TARGETS = (GRANT, GRANT_BY_SIG, REVOKE, HAS_CONSENT)

TITLE = "ConsentRegistry vs Ethereum Attestation Service: gas per operation"


#: A patient who never sends a transaction: signs consents (and attestations) that a relayer sends.
SIGNING_PATIENT = signer("patient who signs")


# ----------------------------------------------------------------------------------------------
# medchain


@dataclass(frozen=True)
class Consortium:
    """The members the consents name."""

    hospital: str  # provider, grantee of the consents
    insurer: str  # second grantee (a fresh consent slot for the later signature)
    clinic: str  # provider without any record for the patient: breaks the glass


def deploy_medchain(
    chain: Chain, artifacts: dict[str, Artifact], governance: str, consortium: Consortium
) -> tuple[Contract, Contract]:
    """Deploy the suite and the probe with the consortium's members registered; (consent, probe)."""
    members = (
        (consortium.hospital, Role.PROVIDER),
        (consortium.insurer, Role.INSURER),
        (consortium.clinic, Role.PROVIDER),
    )
    consent = deploy_suite(chain, artifacts, governance, members)["ConsentRegistry"]
    probe = chain.deploy(artifacts["ConsentProbe"], consent.address, sender=governance)
    return consent, probe


def measure_medchain(
    chain: Chain, consent: Contract, probe: Contract, consortium: Consortium, patient: str, relayer: str
) -> Figures:
    """Each ConsentRegistry operation's figure, by snapshot name."""
    purposes, categories = int(CONSENT_PURPOSES), int(CONSENT_CATEGORIES)
    figures: Figures = {}

    def record(key: str, call: ContractFunction, sender: str, new_slots: int = 1) -> None:
        figures[f"ConsentRegistry.{key}"] = chain.measure(key, call, sender, new_slots=new_slots)[0]

    record("grant", consent.functions.grant(patient, consortium.hospital, purposes, categories, VALID_UNTIL), patient)

    # Two signatures relayed for SIGNING_PATIENT, each to a new grantee (a fresh consent slot): nonce 0
    # writes the patient's first nonce bitmap word, nonce 1 sets a bit in that same word.
    domain = Domain(chain_id=chain.node.chain_id, verifying_contract=consent.address)
    signed = (
        ("grantBySig/first-signature", consortium.hospital, 0),
        ("grantBySig/later-signature", consortium.insurer, 1),
    )
    for key, grantee, nonce in signed:
        msg = ConsentMessage(
            patient=SIGNING_PATIENT.address,
            grantee=grantee,
            purposes=CONSENT_PURPOSES,
            categories=CONSENT_CATEGORIES,
            valid_until=VALID_UNTIL,
            signed_at=GENESIS_TIME,
            nonce=nonce,
            deadline=DEADLINE,
        )
        signature = sign(SIGNING_PATIENT.key, domain, msg)
        record(
            key,
            consent.functions.grantBySig(
                msg.patient, grantee, purposes, categories, VALID_UNTIL, GENESIS_TIME, nonce, DEADLINE, signature
            ),
            relayer,
        )

    # Cold and warm hasConsent from a contract, against the live consent granted above.
    check = probe.functions.measure(patient, consortium.hospital, int(Purpose.TREAT), int(Category.LABORATORY))
    receipt = chain.send("ConsentProbe.measure", check, relayer)
    (event,) = probe.events.HasConsentGas().process_receipt(receipt)
    if not event["args"]["allowed"]:
        raise BenchmarkError("hasConsent answered false for a consent just granted")
    figures["ConsentRegistry.hasConsent/cold"] = Measurement(event["args"]["coldGas"])
    figures["ConsentRegistry.hasConsent/warm"] = Measurement(event["args"]["warmGas"])

    record("revoke", consent.functions.revoke(patient, consortium.hospital), patient, new_slots=0)
    record("breakGlass", consent.functions.breakGlass(patient, reason_code("UNCONSCIOUS_ED")), consortium.clinic)
    return figures


@dataclass(frozen=True)
class Parties:
    """Who does what on the chain."""

    governance: str
    consortium: Consortium
    patient: str  # grants and revokes with its own transactions
    relayer: str  # relays SIGNING_PATIENT's signatures


@contextmanager
def measured_chain(artifacts: dict[str, Artifact]) -> Iterator[tuple[Chain, Parties, Figures]]:
    """A fresh anvil with the suite deployed and every ConsentRegistry operation measured on it."""
    with bench_anvil() as node:
        chain = Chain(node)
        governance, hospital, insurer, clinic, patient, relayer = chain.accounts[:6]
        parties = Parties(governance, Consortium(hospital=hospital, insurer=insurer, clinic=clinic), patient, relayer)
        consent, probe = deploy_medchain(chain, artifacts, governance, parties.consortium)
        yield chain, parties, measure_medchain(chain, consent, probe, parties.consortium, patient, relayer)


def measure_figures(progress: Callable[[str], None] = lambda _line: None) -> Figures:
    """ConsentRegistry's figures on a fresh anvil, without EAS (the gas snapshot's)."""
    progress("measuring ConsentRegistry on anvil")
    with measured_chain(load_medchain_artifacts(MEDCHAIN_CONTRACTS)) as (_chain, _parties, figures):
        return figures


# ----------------------------------------------------------------------------------------------
# EAS


def eas_domain(eas: Contract) -> dict[str, Any]:
    """EAS's EIP-712 domain, as the contract reports it (ERC-5267 ``eip712Domain()``)."""
    _fields, name, version, chain_id, verifying_contract, _salt, _extensions = eas.functions.eip712Domain().call()
    return {"name": name, "version": version, "chainId": chain_id, "verifyingContract": verifying_contract}


def delegated_attestation(
    eas: Contract, attester: LocalAccount, schema: bytes, request_data: dict[str, Any]
) -> dict[str, Any]:
    """A ``DelegatedAttestationRequest`` for ``request_data``, signed by ``attester`` at its current nonce."""
    message = {
        "attester": attester.address,
        "schema": schema,
        **request_data,
        "nonce": eas.functions.getNonce(attester.address).call(),
        "deadline": DEADLINE,
    }
    typed = {
        "types": {"EIP712Domain": EIP712_DOMAIN_TYPE, "Attest": EAS_ATTEST_TYPE},
        "primaryType": "Attest",
        "domain": eas_domain(eas),
        "message": message,
    }
    signed = Account.sign_message(encode_typed_data(full_message=typed), attester.key)
    return {
        "schema": schema,
        "data": request_data,
        "signature": {"v": signed.v, "r": signed.r.to_bytes(32, "big"), "s": signed.s.to_bytes(32, "big")},
        "attester": attester.address,
        "deadline": DEADLINE,
    }


def measure_eas(
    chain: Chain, artifacts: dict[str, Artifact], consortium: Consortium, patient: str, relayer: str, governance: str
) -> dict[str, int]:
    """Gas of the EAS operations that stand in for consents, keyed by a short name."""
    schema_registry, eas = deploy_eas(chain, artifacts, governance)
    gas: dict[str, int] = {}

    registration = schema_registry.functions.register(EAS_SCHEMA, ZERO_ADDRESS, True)
    receipt = chain.send("register schema", registration, governance)
    gas["register schema"] = receipt["gasUsed"]
    (registered,) = schema_registry.events.Registered().process_receipt(receipt)
    schema = registered["args"]["uid"]

    def request_data(grantee: str) -> dict[str, Any]:
        fields = [grantee, int(CONSENT_PURPOSES), int(CONSENT_CATEGORIES), VALID_UNTIL]
        return {
            "recipient": grantee,
            "expirationTime": VALID_UNTIL,
            "revocable": True,
            "refUID": ZERO_BYTES32,
            "data": encode(list(EAS_SCHEMA_TYPES), fields),
            "value": 0,
        }

    attestation = {"schema": schema, "data": request_data(consortium.hospital)}
    receipt = chain.send("attest", eas.functions.attest(attestation), patient)
    gas["attest"] = receipt["gasUsed"]
    (attested,) = eas.events.Attested().process_receipt(receipt)

    # As for grantBySig: SIGNING_PATIENT's first delegated attestation (nonce 0 -> 1), then a later one.
    delegated = (("attestByDelegation first", consortium.hospital), ("attestByDelegation later", consortium.insurer))
    for key, grantee in delegated:
        request = delegated_attestation(eas, SIGNING_PATIENT, schema, request_data(grantee))
        gas[key] = chain.send(key, eas.functions.attestByDelegation(request), relayer)["gasUsed"]

    revocation = {"schema": schema, "data": {"uid": attested["args"]["uid"], "value": 0}}
    gas["revoke"] = chain.send("EAS revoke", eas.functions.revoke(revocation), patient)["gasUsed"]
    return gas


# ----------------------------------------------------------------------------------------------
# The run and its report


def comparison_rows(ours: Figures, theirs: dict[str, int]) -> list[GasRow]:
    """Pair each medchain operation with its EAS equivalent (where EAS has one)."""

    def of(key: str) -> Measurement:
        return ours[f"ConsentRegistry.{key}"]

    return [
        GasRow.of("grant (new consent)", of("grant"), "attest", theirs["attest"], GRANT),
        GasRow.of(
            "grantBySig, patient's 1st signature",
            of("grantBySig/first-signature"),
            "attestByDelegation, 1st (nonce 0)",
            theirs["attestByDelegation first"],
            GRANT_BY_SIG,
        ),
        GasRow.of(
            "grantBySig, later signature",
            of("grantBySig/later-signature"),
            "attestByDelegation, later",
            theirs["attestByDelegation later"],
            GRANT_BY_SIG,
        ),
        GasRow.of("revoke", of("revoke"), "revoke", theirs["revoke"], REVOKE),
        GasRow.of("breakGlass (no prior record)", of("breakGlass")),
        GasRow.of("hasConsent from contract, cold", of("hasConsent/cold"), target=HAS_CONSENT),
        GasRow.of("hasConsent from contract, warm", of("hasConsent/warm"), target=HAS_CONSENT),
        GasRow(None, None, "register schema (once)", theirs["register schema"]),
    ]


def run_benchmark(progress: Callable[[str], None] = lambda _line: None) -> BenchReport:
    """Compile EAS, start anvil, deploy both suites, run every operation once; the measured rows."""
    medchain_artifacts = load_medchain_artifacts(MEDCHAIN_CONTRACTS)
    progress(f"compiling EAS with solc {EAS_SOLC_VERSION} (solc-js, via toolchain/solc.js)")
    eas_artifacts = compile_eas()
    progress("measuring on anvil")
    with measured_chain(medchain_artifacts) as (chain, parties, ours):
        theirs = measure_eas(
            chain, eas_artifacts, parties.consortium, parties.patient, parties.relayer, parties.governance
        )
        chain_line = chain_description(chain.node)
    return BenchReport(
        title=TITLE,
        rows=comparison_rows(ours, theirs),
        targets=TARGETS,
        setup={
            "chain": chain_line,
            "medchain": f"{medchain_compiler('ConsentRegistry')} (ape compile)",
            "EAS": eas_compiler(),
            "hasConsent": "gasleft() around the call inside ConsentProbe (no intrinsic 21,000)",
        },
    )
