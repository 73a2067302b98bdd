"""Fixtures for the record exchange: a consortium of its own (two hospitals, an insurer), the suite with
RecordExchange, keyrings, and anchored encounter records with their salts and receipts."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from medchain.access import Role
from medchain.consent import CLINICAL_CATEGORIES, Purpose
from medchain.exchange import ExchangeSuite, FolderStore, Keyring, register_new_key
from medchain.records.anchoring import SaltStore, anchor_records
from medchain_dev.demo.samples import encounter_bundle, write_entries
from tests.conftest import as_sdk, credential_for

PASSPHRASE = "test keyring passphrase"
#: Keyrings in tests use a light scrypt cost (the default takes about a second per key).
SCRYPT_N = 2**10
TREAT = int(Purpose.TREAT)
CLINICAL = int(CLINICAL_CATEGORIES)
DAY = 86400


@dataclass
class World:
    registry: Any  # ape contract instances: the tests act on the chain and check the contracts through them
    consent: Any
    anchor: Any
    exchange: Any
    governance: Any
    hospital: Any  # anchors and shares
    referral: Any  # a second hospital, the usual recipient
    insurer: Any  # a member that never registers a key
    patient: Any
    stranger: Any  # never a member
    keyrings: dict[str, Keyring]
    folder: Path

    def suite(self, signer: Any = None) -> ExchangeSuite:
        """The library's view of the same contracts (the SDK's classes), RecordExchange's transactions signed
        by ``signer`` (an ape test account). Make one per use: its transactor counts nonces."""
        return ExchangeSuite(
            as_sdk(self.registry),
            as_sdk(self.consent),
            as_sdk(self.anchor),
            as_sdk(self.exchange, signer),
            from_block=0,
        )

    def keyring(self, account) -> Keyring:
        return self.keyrings[account.address]


@pytest.fixture(scope="module")
def world(project, accounts, governance, tmp_path_factory) -> World:
    """Deployed once per module: registry (hospital, referral, a clinic, an insurer), consent, anchor and
    exchange; the hospital, the referral hospital and the clinic hold registered encryption keys."""
    registry = governance.deploy(project.ConsortiumRegistry, governance, 0)
    hospital, referral, clinic, insurer = accounts[1], accounts[2], accounts[3], accounts[4]
    for n, (account, role) in enumerate(
        ((hospital, Role.PROVIDER), (referral, Role.PROVIDER), (clinic, Role.PROVIDER), (insurer, Role.INSURER))
    ):
        registry.registerMember(account, role.id, credential_for(role, n), sender=governance)
    consent = governance.deploy(project.ConsentRegistry, registry, DAY)
    anchor = governance.deploy(project.RecordAnchor, registry)
    exchange = governance.deploy(project.RecordExchange, registry, consent, anchor)
    folder = tmp_path_factory.mktemp("exchange")
    keyrings = {}
    for account in (hospital, referral, clinic):
        ring = Keyring.open(folder / "keys" / f"{account.address}.json", account.address)
        register_new_key(as_sdk(exchange, account), ring, PASSPHRASE, scrypt_n=SCRYPT_N)
        keyrings[account.address] = ring
    return World(
        registry,
        consent,
        anchor,
        exchange,
        governance,
        hospital,
        referral,
        insurer,
        accounts[8],
        accounts[9],
        keyrings,
        folder,
    )


@dataclass
class Records:
    paths: list[Path]
    salts: SaltStore
    receipts: Path


def anchored_records(world: World, chain, folder: Path, *, seed: int, batch: bool) -> Records:
    """The hospital's encounter records of ``seed`` (5 files), anchored one by one or as one Merkle batch."""
    from tests.conftest import as_sdk

    paths = write_entries(encounter_bundle(seed), folder / "records")
    salts = SaltStore(folder / "salts.json")
    anchor_records(
        anchor_contract=as_sdk(world.anchor, world.hospital),
        paths=[folder / "records"],
        out_dir=folder / "receipts",
        salt_store=salts,
        base=folder / "records",
        batch_threshold=2 if batch else 100,
    )
    return Records(paths, salts, folder / "receipts")


@pytest.fixture(scope="module")
def batch_records(world, chain, tmp_path_factory) -> Records:
    return anchored_records(world, chain, tmp_path_factory.mktemp("batch"), seed=1, batch=True)


@pytest.fixture(scope="module")
def single_records(world, chain, tmp_path_factory) -> Records:
    return anchored_records(world, chain, tmp_path_factory.mktemp("single"), seed=2, batch=False)


@pytest.fixture
def store(tmp_path) -> FolderStore:
    return FolderStore(tmp_path / "envelopes")


def grant(
    world: World, chain, grantee, *, purposes: int = TREAT, categories: int = CLINICAL, seconds: int = 30 * DAY
) -> int:
    """The patient consents to ``grantee``; returns validUntil."""
    until = chain.pending_timestamp + seconds
    world.consent.grant(world.patient, grantee, purposes, categories, until, sender=world.patient)
    return until
