"""The record-exchange section of the demo (``make demo``), called once from ``medchain_dev.demo.run_demo``:

    run_exchange_demo(report, provider=..., manifest=..., governance=..., hospital=..., patient=...,
                      referral=..., workdir=workdir)

It builds on the records section, which left the hospital's encounter records, salts and anchoring
receipts in ``workdir`` (``records/``, ``hospital-salts.json``, ``receipts/``). The patient is referred
from the hospital to a second hospital (``referral``, registered here as a provider). Both hospitals
register encryption keys. A share before the patient's consent is refused; after it, the hospital
shares the encounter records (Merkle-batch anchored) and then the corrected glucose result (anchored
through an amendment); the second hospital receives and verifies each; it rotates its key and an
earlier envelope still opens. The patient revokes; a new share is refused. The patient's accounting of
disclosures lists both shares, and is exported as FHIR AuditEvents. Outputs go to ``workdir/exchange``.

The section reaches the chain through the SDK (:mod:`medchain.contracts`), each account's transactions
signed by its ape test account.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from medchain.access import Role, credential_hash, new_salt
from medchain.chain.rpc import Rpc
from medchain.cli.account import ApeAccountSigner
from medchain.consent import CLINICAL_CATEGORIES, Purpose
from medchain.contracts import ConsentRegistry, ConsortiumRegistry, Contract, RecordAnchor, RecordExchange
from medchain.exchange.disclosures import audit_bundle, read_disclosures
from medchain.exchange.keys import Keyring, register_new_key
from medchain.exchange.receive import receive_envelope
from medchain.exchange.share import ExchangeSuite, ShareRefused, prepare_items, share_records
from medchain.exchange.store import FolderStore
from medchain.records.anchoring import SaltStore

REFERRAL_NAME = "Riverside Heart Institute"
#: The demo's keyrings use a light scrypt cost, so that the demo stays quick; real keyrings use the default.
DEMO_SCRYPT_N = 2**14
DEMO_PASSPHRASE = "demo keyring passphrase"


@dataclass
class ExchangeDemoResult:
    story: list[str] = field(default_factory=list)
    gas: dict[str, int] = field(default_factory=dict)
    refusals: list[str] = field(default_factory=list)
    received: list[Path] = field(default_factory=list)
    accounting: list[Any] = field(default_factory=list)  # Disclosure
    fhir_path: Path | None = None


def run_exchange_demo(
    report: Any,
    *,
    provider: Any,
    manifest: Any,
    governance: Any,
    hospital: Any,
    patient: Any,
    referral: Any,
    workdir: Path,
) -> ExchangeDemoResult:
    """Run the section and add its story and gas to ``report`` (a ``DemoReport``); returns the details.
    ``provider`` is ape's (its node is the one the SDK talks to), the accounts are ape accounts."""
    if referral.address in (governance.address, hospital.address, patient.address):
        raise ValueError("the referral hospital needs an account of its own")
    result = ExchangeDemoResult()
    workdir = Path(workdir)
    out = workdir / "exchange"
    rpc = Rpc(provider.http_uri)

    def at(kind: type[Contract], who: Any = None) -> Any:
        """The deployment's contract of that kind, its transactions signed by ``who``."""
        return kind(rpc, manifest.address_of(kind.NAME), ApeAccountSigner(who) if who is not None else None)

    def suite_of(discloser: Any = None) -> ExchangeSuite:
        return ExchangeSuite(
            at(ConsortiumRegistry),
            at(ConsentRegistry),
            at(RecordAnchor),
            at(RecordExchange, discloser),
            from_block=manifest.contracts["RecordExchange"].block,
        )

    suite = suite_of()
    chain_id = provider.chain_id

    def now() -> int:
        return provider.get_block("latest").timestamp

    at(ConsortiumRegistry, governance).registerMember(
        referral.address,
        Role.PROVIDER.id,
        credential_hash(f"PROVIDER_ROLE licence for {REFERRAL_NAME}".encode(), new_salt()),
    )
    keyrings = {}
    for who in (hospital, referral):
        keyrings[who.address] = Keyring.open(out / "keys" / f"{who.address}.keyring.json", who.address)
        _, receipt = register_new_key(
            at(RecordExchange, who), keyrings[who.address], DEMO_PASSPHRASE, scrypt_n=DEMO_SCRYPT_N
        )
    result.gas["setEncryptionKey"] = receipt.gas_used
    result.story.append(
        f"the patient was referred to {REFERRAL_NAME}, which governance registered as a provider; "
        "both hospitals registered secp256k1 encryption keys (private keys in their keyrings)"
    )

    records = workdir / "records"
    salts = SaltStore(workdir / "hospital-salts.json")
    encounter = [p for p in sorted(records.glob("*.json")) if not _superseded(p, records)]
    first = [p for p in encounter if "corrected" not in p.name]
    corrected = [p for p in encounter if "corrected" in p.name]
    store = FolderStore(out / "envelopes")
    by_hospital = suite_of(hospital)

    def share(paths: list[Path]):
        items = prepare_items(paths, salts=salts, receipts=workdir / "receipts")
        return share_records(
            suite=by_hospital,
            chain_id=chain_id,
            now=now(),
            patient=patient.address,
            recipient=referral.address,
            purpose=Purpose.TREAT,
            items=items,
            store=store,
        )

    def refused(paths: list[Path]) -> str:
        try:
            share(paths)
        except ShareRefused as err:
            result.refusals.append(str(err))
            return str(err)
        raise AssertionError("the share was expected to be refused")

    why = refused(first).replace(f"{records}/", "")
    result.story.append(f"before any consent, the hospital's share was refused: {_short_addresses(why)}")

    by_patient = at(ConsentRegistry, patient)
    by_patient.grant(
        patient.address, referral.address, int(Purpose.TREAT), int(CLINICAL_CATEGORIES), now() + 90 * 86400
    )
    result.story.append(f"the patient consented to {REFERRAL_NAME} for treatment (clinical data, 90 days)")

    shared = share(first)
    tx, gas, count = shared.transactions[0]
    result.gas[f"logDisclosures ({count} records)"] = gas
    shared_again = share(corrected)
    result.gas["logDisclosure"] = shared_again.transactions[0][1]
    result.story.append(
        f"the hospital shared {count} encounter records (batch-anchored: each with its Merkle proof) in one "
        f"logDisclosures, then the corrected glucose result (anchored through amend) with logDisclosure: each "
        f"record sealed with AES-256-GCM, its data key wrapped to {REFERRAL_NAME}'s key, envelopes in "
        f"{store.root.relative_to(workdir)}/"
    )

    ring = keyrings[referral.address]
    for envelope in shared.envelopes + shared_again.envelopes:
        received = receive_envelope(
            suite=suite,
            chain_id=chain_id,
            data=store.get(envelope.envelope_id),
            source=envelope.envelope_id[:12],
            account=referral.address,
            keyring=ring,
            passphrase=DEMO_PASSPHRASE,
            out_dir=out / "received",
        )
        result.received.append(received.record_path)
    result.story.append(
        f"{REFERRAL_NAME} opened all {len(result.received)} envelopes with its key, re-derived each salted hash, "
        "found it anchored by the hospital and the disclosure logged to it: records written with their receipts"
    )

    _, receipt = register_new_key(at(RecordExchange, referral), ring, DEMO_PASSPHRASE, scrypt_n=DEMO_SCRYPT_N)
    result.gas["setEncryptionKey (rotation)"] = receipt.gas_used
    again = receive_envelope(
        suite=suite,
        chain_id=chain_id,
        data=store.get(shared.envelopes[0].envelope_id),
        source="first envelope",
        account=referral.address,
        keyring=Keyring.open(ring.path, referral.address),
        passphrase=DEMO_PASSPHRASE,
        out_dir=out / "received",
    )
    result.story.append(
        f"{REFERRAL_NAME} rotated its key (version 2); an envelope wrapped to the old key still "
        f"opens and checks out ({'current' if again.current_key else 'earlier'} key)"
    )

    by_patient.revoke(patient.address, referral.address)
    why = refused(corrected).replace(f"{records}/", "")
    result.story.append(f"the patient revoked the consent; a new share was refused: {_short_addresses(why)}")

    result.accounting = read_disclosures(
        rpc, suite.exchange.address, patient=patient.address, from_block=suite.from_block
    )
    bundle = audit_bundle(result.accounting, chain_id=chain_id, exchange=suite.exchange.address)
    result.fhir_path = out / "disclosures.fhir.json"
    result.fhir_path.write_text(json.dumps(bundle, indent=2) + "\n", encoding="utf-8")
    transactions = list(dict.fromkeys(d.tx for d in result.accounting))  # in chain order
    per_share = " and ".join(str(sum(d.tx == tx for d in result.accounting)) for tx in transactions)
    result.story.append(
        f"the patient's accounting of disclosures: {len(result.accounting)} records disclosed to {REFERRAL_NAME} "
        f"for TREAT, in the {len(transactions)} shares ({per_share} records); exported as FHIR AuditEvents "
        f"({result.fhir_path.relative_to(workdir)})"
    )
    report.story += result.story
    report.gas.update(result.gas)
    return result


def _superseded(path: Path, folder: Path) -> bool:
    """The original of a corrected record (``X.json`` when ``X-corrected.json`` exists)."""
    return (folder / f"{path.stem}-corrected.json").exists()


def _short_addresses(text: str) -> str:
    import re

    return re.sub(r"0x[0-9a-fA-F]{40}", lambda m: f"{m.group(0)[:6]}…{m.group(0)[-4:]}", text)
