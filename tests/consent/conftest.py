"""Fixtures for the consent registry tests."""

from __future__ import annotations

import pytest
from eth_account import Account

from medchain.access import Role, reason_code
from medchain.consent import CLINICAL_CATEGORIES, Category, ConsentMessage, Domain, Purpose, RevocationMessage, sign

EMERGENCY_WINDOW = 24 * 3600
HOUR = 3600
TREAT = int(Purpose.TREAT)
CLINICAL = int(CLINICAL_CATEGORIES)
REASON = reason_code("UNCONSCIOUS_ED")


@pytest.fixture(scope="session")
def consent(project, governance, registry):
    return governance.deploy(project.ConsentRegistry, registry, EMERGENCY_WINDOW)


@pytest.fixture(scope="session")
def hospital(members):
    return members[Role.PROVIDER]


@pytest.fixture(scope="session")
def insurer(members):
    return members[Role.INSURER]


@pytest.fixture(scope="session")
def patient(accounts):
    """A patient with its own funded key (sends its own transactions)."""
    return accounts[10]


@pytest.fixture(scope="session")
def caregiver(accounts):
    """A patient's delegate (a guardian or caregiver): not a consortium member."""
    return accounts[11]


@pytest.fixture(scope="session")
def signer():
    """A patient who never sends a transaction: consents are signed off line and relayed."""
    return Account.from_key(b"\x42" * 32)


@pytest.fixture
def domain(consent, chain) -> Domain:
    return Domain(chain_id=chain.chain_id, verifying_contract=str(consent.address))


@pytest.fixture
def later(chain):
    """A timestamp comfortably in the future of the next block."""
    return lambda seconds=HOUR: chain.pending_timestamp + seconds


def head_time() -> int:
    """A signing time as the CLI picks it: the latest block's time (which every later block may carry)."""
    import ape

    return ape.chain.blocks.head.timestamp


def consent_message(
    patient, grantee, *, purposes=TREAT, categories=CLINICAL, valid_until, nonce=0, deadline, signed_at=None
):
    return ConsentMessage(
        str(patient),
        str(grantee),
        Purpose(purposes),
        Category(categories),
        valid_until,
        head_time() if signed_at is None else signed_at,
        nonce,
        deadline,
    )


def revocation_message(patient, grantee, *, nonce, deadline, signed_at=None):
    return RevocationMessage(
        str(patient), str(grantee), head_time() if signed_at is None else signed_at, nonce, deadline
    )


def relay_grant(consent, msg: ConsentMessage, signature: bytes, sender):
    return consent.grantBySig(
        msg.patient,
        msg.grantee,
        int(msg.purposes),
        int(msg.categories),
        msg.valid_until,
        msg.signed_at,
        msg.nonce,
        msg.deadline,
        signature,
        sender=sender,
    )


def relay_revoke(consent, msg: RevocationMessage, signature: bytes, sender):
    return consent.revokeBySig(
        msg.patient, msg.grantee, msg.signed_at, msg.nonce, msg.deadline, signature, sender=sender
    )


def signed_grant(key, domain, patient, grantee, **fields):
    msg = consent_message(patient, grantee, **fields)
    return msg, sign(key, domain, msg)
