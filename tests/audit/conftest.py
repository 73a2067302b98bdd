"""One scenario per test module: the demo's whole story, plus the events the demo does not produce.

The demo (``medchain_dev.demo.run_demo``) gives membership, consents (signed, revoked, break-glass),
a record batch with an amendment, claims (approved, partial, rejected for consent), settlement and
withdrawal, and the drug trail with a recall. On top of it:

* a second provider (a clinic) anchors evidence and submits a claim twice in one batch: one is
  accepted (and stays open), the other is rejected on chain as a duplicate (CARC 18);
* the regulator suspends the clinic while its claim is open;
* the hospital retracts one record of its batch (entered in error);
* the regulator quarantines the first drug batch, then releases it.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from eth_utils import keccak

from medchain.access import Role, credential_hash, new_salt, reason_code
from medchain.audit import Indexer, Rpc, Store, Suite
from medchain.records.receipts import Receipt
from medchain_dev.demo import run_demo

USD = 10**6
ZERO32 = b"\x00" * 32


@dataclass
class Scenario:
    manifest: Path
    workdir: Path
    url: str
    suite: Suite
    accounts: list[Any]
    contracts: dict[str, Any]
    clinic: Any
    open_claim: bytes
    retracted: Receipt
    quarantined_batch: bytes
    db_url: str  # a synced index of the whole scenario (tests copy it before changing it)
    demo: Any  # the demo's DemoReport

    @property
    def patient_a(self) -> Any:
        return self.accounts[8]

    @property
    def patient_b(self) -> Any:
        return self.accounts[9]

    @property
    def hospital(self) -> Any:
        return self.accounts[1]

    @property
    def insurer(self) -> Any:
        return self.accounts[2]

    @property
    def pharmacy(self) -> Any:
        return self.accounts[5]

    def copy_db(self, tmp_path: Path) -> str:
        source = Path(self.db_url.removeprefix("sqlite:///"))
        target = tmp_path / "copy.sqlite"
        with Store(self.db_url) as store:
            store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        shutil.copy(source, target)
        return f"sqlite:///{target}"

    def indexer(self, db_url: str, **kwargs: Any) -> Indexer:
        return Indexer(Store(db_url), Rpc(self.url), self.suite, **kwargs)


def build_scenario(project: Any, chain: Any, accounts: Any, tmp: Path) -> Scenario:
    accounts = list(accounts)
    manifest = tmp / "local.json"
    workdir = tmp / "work"
    demo = run_demo(project=project, provider=chain.provider, accounts=accounts, manifest=manifest, workdir=workdir)
    suite = Suite.load(manifest)
    c = {name: project.get_contract(name).at(rec.address) for name, rec in suite.manifest.contracts.items()}
    governance, hospital, insurer, regulator = accounts[0], accounts[1], accounts[2], accounts[6]
    patient_b, clinic = accounts[9], accounts[10]

    c["ConsortiumRegistry"].registerMember(
        clinic, Role.PROVIDER.id, credential_hash(b"clinic licence", new_salt()), sender=governance
    )
    now = chain.provider.get_block("latest").timestamp
    policy_c = keccak(text="audit scenario policy C")
    c["ClaimSettlement"].registerPolicy(
        policy_c, patient_b, 5_000 * USD, 0, 0, now - 30 * 86400, now + 300 * 86400, sender=insurer
    )
    # The care relationship a claim needs: patient B's TREAT consent to the clinic (encounters).
    c["ConsentRegistry"].grant(patient_b, clinic, 1 << 0, 1 << 1, now + 300 * 86400, sender=patient_b)
    evidence = keccak(b"clinic evidence" + new_salt())
    c["RecordAnchor"].anchor(evidence, sender=clinic)
    claim = (policy_c, clinic.address, 100 * USD, now - 86400, keccak(b"codes" + new_salt()), evidence, ZERO32, [])
    c["ClaimSettlement"].submitClaims([claim, claim], sender=clinic)  # the second is a duplicate: ClaimRejected(18)
    open_claim = c["ClaimSettlement"].claimIdOf(claim[0], claim[1], claim[3], claim[4])
    c["ConsortiumRegistry"].suspendMember(clinic, reason_code("LICENCE_REVOKED"), sender=regulator)

    retracted = Receipt.load(sorted((workdir / "receipts").glob("04-*.receipt.json"))[0])
    c["RecordAnchor"].retractInBatch(
        retracted.root, retracted.record_hash, retracted.proof, reason_code("ENTERED_IN_ERROR"), sender=hospital
    )

    head = chain.provider.get_block("latest").number
    batch = list(c["DrugProvenance"].BatchCommissioned.range(0, head + 1))[0].batchId
    c["DrugProvenance"].quarantine(batch, reason_code("TEMPERATURE_EXCURSION"), sender=regulator)
    c["DrugProvenance"].release(batch, sender=regulator)

    url = chain.provider.http_uri
    db_url = f"sqlite:///{tmp / 'audit.sqlite'}"
    with Store(db_url) as store:
        Indexer(store, Rpc(url), suite).sync()
    return Scenario(
        manifest=manifest,
        workdir=workdir,
        url=url,
        suite=suite,
        accounts=accounts,
        contracts=c,
        clinic=clinic,
        open_claim=bytes(open_claim),
        retracted=retracted,
        quarantined_batch=bytes(batch),
        db_url=db_url,
        demo=demo,
    )


@pytest.fixture(scope="module")
def scenario(project, chain, accounts, tmp_path_factory) -> Scenario:
    return build_scenario(project, chain, accounts, tmp_path_factory.mktemp("audit"))


def chromium() -> str | None:
    """Debian's chromium, if installed (``apt-get install chromium``)."""
    for name in (os.environ.get("MEDCHAIN_CHROMIUM"), "chromium", "chromium-browser", "google-chrome"):
        if name and shutil.which(name):
            return shutil.which(name)
    return None
