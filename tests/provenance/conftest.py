"""Fixtures for drug provenance tests: DrugProvenance on the test registry, and batches of serials."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from medchain.access import Role
from medchain.contracts import ContractReverted
from medchain.errors import decode_revert
from medchain.provenance import SerialProofs, Shipment, receive, serial_hash, serials_for, ship
from medchain.provenance.gs1 import expiry_day, lot_bytes
from tests.conftest import as_sdk

GTIN = "09506000134352"
PREFIX = "9506000"  # GTIN's company prefix, assigned to the manufacturer
DAY = 86400
ZERO32 = b"\0" * 32
ZERO_ADDRESS = "0x" + "00" * 20


@pytest.fixture(scope="session")
def provenance(project, governance, registry, members):
    contract = governance.deploy(project.DrugProvenance, registry)
    contract.assignCompanyPrefix(int(PREFIX), len(PREFIX), members[Role.MANUFACTURER], sender=governance)
    return contract


@pytest.fixture(scope="module", autouse=True)
def _deployed_before_module_snapshots(provenance):
    """The session's contracts exist before any module of this folder takes its chain snapshot.

    Otherwise a module whose first test needs no chain (test_epcis) deploys them inside its own
    snapshot, reverts them at its end, and the next module gets addresses with no code."""


@pytest.fixture(scope="session")
def manufacturer(members):
    return members[Role.MANUFACTURER]


@pytest.fixture(scope="session")
def distributor(members):
    return members[Role.DISTRIBUTOR]


@pytest.fixture(scope="session")
def pharmacy(members):
    return members[Role.PHARMACY]


@pytest.fixture(scope="session")
def regulator(members):
    return members[Role.REGULATOR]


def today(chain) -> dt.date:
    return dt.datetime.fromtimestamp(chain.pending_timestamp, dt.UTC).date()


def make_batch(chain, lot: str = "LOT42", units: int = 16, days: int = 730) -> SerialProofs:
    """A batch of ``units`` serials ``<lot>-0001``..., expiring ``days`` from the chain's today."""
    return SerialProofs.build(GTIN, lot, today(chain) + dt.timedelta(days=days), serials_for(f"{lot}-", units))


def ensure_prefix(provenance, manufacturer, gtin: str = GTIN) -> None:
    """Make ``manufacturer`` the owner of GTIN's prefix (PREFIX), signed by the registry's admin, if it is not."""
    if str(provenance.gtinOwnerOf(int(gtin))[0]) == manufacturer.address:
        return
    from ape import accounts, project

    admin = project.ConsortiumRegistry.at(provenance.registry()).defaultAdmin()
    governance = next(a for a in accounts.test_accounts if a.address == admin)
    if str(provenance.companyPrefixOwner(int(PREFIX), len(PREFIX))) == ZERO_ADDRESS:
        provenance.assignCompanyPrefix(int(PREFIX), len(PREFIX), manufacturer, sender=governance)
    else:
        provenance.reassignCompanyPrefix(int(PREFIX), len(PREFIX), manufacturer, sender=governance)


def commission(provenance, manufacturer, batch: SerialProofs):
    """Commission ``batch`` as ``manufacturer``, owner of its GTIN's prefix (made so if it is not yet)."""
    ensure_prefix(provenance, manufacturer, batch.gtin)
    return provenance.commissionBatch(
        int(batch.gtin), lot_bytes(batch.lot), expiry_day(batch.expiry), batch.quantity, batch.root, sender=manufacturer
    )


def packs(batch: SerialProofs, count: int, first: int = 1) -> list[bytes]:
    """The serial hashes of ``batch``'s serials number ``first`` .. ``first + count - 1``."""
    return [serial_hash(f"{batch.lot}-{n:04d}") for n in range(first, first + count)]


def shipped(provenance, batch: SerialProofs, sender, to, count: int, first: int = 1) -> Shipment:
    """``sender`` ships ``count`` packs of ``batch`` (serials ``first``...) to ``to``: the shipment (through the
    SDK's client, ``sender`` signing)."""
    return ship(
        as_sdk(provenance, sender),
        batch.batch_id,
        to.address if hasattr(to, "address") else to,
        packs(batch, count, first),
    )[1]


def delivered(provenance, batch: SerialProofs, sender, to, count: int, first: int = 1) -> Shipment:
    """``shipped``, then received by ``to``."""
    shipment = shipped(provenance, batch, sender, to, count, first)
    receive(as_sdk(provenance, to), shipment)
    return shipment


def _plain(value: Any) -> Any:
    """A decoded or expected value as compared: addresses (and accounts) in lower case, the rest as is."""
    if hasattr(value, "address"):
        value = value.address
    return value.lower() if isinstance(value, str) else value


@contextmanager
def reverts(error: str, **fields: Any) -> Iterator[None]:
    """The SDK's ``ContractReverted``, decoded as the custom error ``error`` with these ``fields`` (by name;
    accounts compare by address)."""
    with pytest.raises(ContractReverted) as raised:
        yield
    decoded = decode_revert(raised.value.data, raised.value.contract)
    assert decoded is not None and decoded.name == error, f"expected {error}, got {decoded!r}"
    got = {name: _plain(decoded.values[name]) for name in fields}
    assert got == {name: _plain(value) for name, value in fields.items()}, decoded


def only(receipt, event: type) -> Any:
    """The one ``event`` (an SDK event class) an SDK receipt carries."""
    found = [e for e in receipt.events if isinstance(e, event)]
    assert len(found) == 1, receipt.events
    return found[0]
