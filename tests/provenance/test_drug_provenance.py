"""DrugProvenance: every path and refusal, by custom error name, and every event."""

from __future__ import annotations

import ape
import pytest

from medchain.access import Role, reason_code
from medchain.contracts import DrugProvenance
from medchain.provenance import (
    BatchStatus,
    ProvenanceInputError,
    UnitStatus,
    assign_prefix,
    batch_id,
    batch_info,
    cancel_shipment,
    company_prefix,
    gtin_owner,
    parse_suspect_ref,
    quarantine_batch,
    recall_batch,
    receive,
    release_batch,
    report_suspect,
    serial_hash,
    ship,
)
from medchain.provenance import (
    commission as client_commission,
)
from medchain.provenance.gs1 import expiry_day, lot_bytes
from tests.conftest import as_sdk, credential_for
from tests.provenance.conftest import (
    DAY,
    GTIN,
    PREFIX,
    ZERO32,
    ZERO_ADDRESS,
    commission,
    delivered,
    make_batch,
    only,
    packs,
    reverts,
    shipped,
)

REASON = reason_code("PACKAGING_MISMATCH")


def _only(receipt, event):
    logs = receipt.events.filter(event)
    assert len(logs) == 1
    return logs[0]


@pytest.fixture
def batch(chain, provenance, manufacturer):
    """A commissioned 16-unit batch, held by the manufacturer."""
    b = make_batch(chain)
    commission(provenance, manufacturer, b)
    return b


@pytest.fixture
def at_pharmacy(provenance, batch, manufacturer, distributor, pharmacy):
    """The batch after manufacturer -> distributor (serials 1-10) -> pharmacy (serials 1-4)."""
    delivered(provenance, batch, manufacturer, distributor, 10)
    _RECEIVED[pharmacy.address] = delivered(provenance, batch, distributor, pharmacy, 4)
    return batch


#: The last shipment each pharmacy received (what it dispenses from).
_RECEIVED: dict = {}


def _dispense(provenance, bid, serial, proof, sender, shipment=None):
    """``dispense`` out of ``shipment`` (default: the last one ``sender`` received)."""
    shipment = shipment or _RECEIVED[sender.address]
    return provenance.dispense(bid, serial, proof, shipment.ref, shipment.manifest.proof(serial), sender=sender)


def _unit(batch, n=1):
    serial = f"{batch.lot}-{n:04d}"
    return serial_hash(serial), batch.proof(serial)


# ---------------------------------------------------------------------------------------------
# Deployment and commissioning


def test_deploy_refuses_a_non_registry(project, governance, accounts):
    with ape.reverts(project.DrugProvenance.ConsortiumInvalidRegistry, registry=accounts[5]):
        governance.deploy(project.DrugProvenance, accounts[5])


def test_commission(chain, provenance, manufacturer):
    b = make_batch(chain)
    receipt = commission(provenance, manufacturer, b)
    log = _only(receipt, provenance.BatchCommissioned)
    assert (log.batchId, log.manufacturer, log.gtin, log.lot) == (b.batch_id, manufacturer, int(GTIN), lot_bytes(b.lot))
    assert (log.expiryDay, log.quantity, log.serialsRoot) == (expiry_day(b.expiry), 16, b.root)
    assert provenance.batchOf(b.batch_id) == (manufacturer, expiry_day(b.expiry), 1, 16, b.root)
    assert provenance.balanceOf(manufacturer, b.batch_id) == 16
    assert provenance.batchIdOf(int(GTIN), lot_bytes(b.lot)) == b.batch_id == batch_id(GTIN, b.lot)


def test_a_shorter_gtin_is_its_zero_padded_gtin_14(chain, provenance, manufacturer):
    b = make_batch(chain, lot="GTIN13")
    receipt = provenance.commissionBatch(
        9506000134352, lot_bytes(b.lot), expiry_day(b.expiry), 16, b.root, sender=manufacturer
    )
    assert _only(receipt, provenance.BatchCommissioned).batchId == b.batch_id


@pytest.mark.parametrize(
    "gtin",
    [9506000134353, 9506000134351, 0, 100_000_000_000_000, 2**64 - 1],
    ids=["check-digit+1", "check-digit-1", "zero", "15-digits", "uint64-max"],
)
def test_a_wrong_check_digit_or_size_is_refused(chain, provenance, manufacturer, gtin):
    b = make_batch(chain)
    with ape.reverts(provenance.DrugProvenanceInvalidGtin, gtin=gtin):
        provenance.commissionBatch(gtin, lot_bytes(b.lot), expiry_day(b.expiry), 16, b.root, sender=manufacturer)


def test_commission_refusals(chain, provenance, manufacturer):
    b = make_batch(chain)
    args = dict(gtin=int(GTIN), lot=lot_bytes(b.lot), expiry=expiry_day(b.expiry), quantity=16, root=b.root)

    def send(**changes):
        a = {**args, **changes}
        return provenance.commissionBatch(
            a["gtin"], a["lot"], a["expiry"], a["quantity"], a["root"], sender=manufacturer
        )

    with ape.reverts(provenance.DrugProvenanceEmptyLot):
        send(lot=ZERO32)
    yesterday = chain.pending_timestamp // DAY - 1
    with ape.reverts(provenance.DrugProvenanceInvalidExpiry, expiry=yesterday):
        send(expiry=yesterday)
    with ape.reverts(provenance.DrugProvenanceInvalidExpiry, expiry=2**24):
        send(expiry=2**24)
    with ape.reverts(provenance.DrugProvenanceZeroQuantity):
        send(quantity=0)
    with ape.reverts(provenance.DrugProvenanceEmptySerialsRoot):
        send(root=ZERO32)
    send()
    with ape.reverts(provenance.DrugProvenanceBatchExists, batchId=b.batch_id, manufacturer=manufacturer):
        send(expiry=args["expiry"] + 1)


@pytest.mark.parametrize("role", [Role.DISTRIBUTOR, Role.PHARMACY, Role.REGULATOR])
def test_only_active_manufacturers_commission(chain, provenance, members, registry, governance, manufacturer, role):
    b = make_batch(chain)
    with ape.reverts(provenance.ConsortiumInactiveMember, account=members[role], role=Role.MANUFACTURER.id):
        provenance.commissionBatch(
            int(b.gtin), lot_bytes(b.lot), expiry_day(b.expiry), b.quantity, b.root, sender=members[role]
        )
    registry.suspendMember(manufacturer, reason_code("AUDIT"), sender=governance)
    with ape.reverts(provenance.ConsortiumInactiveMember, account=manufacturer, role=Role.MANUFACTURER.id):
        commission(provenance, manufacturer, b)


# ---------------------------------------------------------------------------------------------
# GS1 company prefixes: only a GTIN's brand owner commissions its batches


@pytest.fixture
def squatter(registry, governance, newcomer):
    """A second active manufacturer, owning no prefix."""
    registry.registerMember(newcomer, Role.MANUFACTURER.id, credential_for(Role.MANUFACTURER, 1), sender=governance)
    return newcomer


def test_only_brand_owner_commissions_its_gtin_next_lot_squat_refused(chain, provenance, manufacturer, squatter):
    commission(provenance, manufacturer, make_batch(chain, lot="A2606"))
    squat = make_batch(chain, lot="A2607")  # the brand's next, predictable lot
    with ape.reverts(provenance.DrugProvenanceGtinNotOwned, gtin=int(GTIN), prefixOwner=manufacturer, caller=squatter):
        provenance.commissionBatch(
            int(GTIN), lot_bytes(squat.lot), expiry_day(squat.expiry), squat.quantity, squat.root, sender=squatter
        )
    with pytest.raises(ProvenanceInputError, match="assigned to .* not to"):
        client_commission(as_sdk(provenance, squatter), squat)  # refused before anything is sent
    commission(provenance, manufacturer, squat)  # the brand owner's own next lot still goes through
    assert provenance.batchOf(squat.batch_id)[0] == manufacturer


def test_prefix_assignment_reassignment_and_revocation(
    chain, provenance, governance, manufacturer, squatter, regulator
):
    prefix = company_prefix(PREFIX)
    admin, reader = as_sdk(provenance, governance), as_sdk(provenance)
    owner = gtin_owner(reader, GTIN)
    assert (owner.owner, owner.prefix) == (manufacturer.address, prefix)
    with pytest.raises(ProvenanceInputError, match="already"):
        assign_prefix(admin, prefix, manufacturer.address)
    receipt = assign_prefix(admin, prefix, squatter.address)  # a brand sold: reassigned
    log = only(receipt, DrugProvenance.CompanyPrefixReassigned)
    assert (log.prefix, log.length, log.to, log.by) == (int(PREFIX), 7, squatter.address, governance.address)
    assert gtin_owner(reader, GTIN).owner == squatter.address
    receipt = provenance.revokeCompanyPrefix(int(PREFIX), 7, reason_code("LICENCE_LAPSED"), sender=regulator)
    log = _only(receipt, provenance.CompanyPrefixRevoked)
    assert (log.prefix, log.length, log.by) == (int(PREFIX), 7, regulator)
    assert gtin_owner(reader, GTIN).owner is None
    with ape.reverts(provenance.DrugProvenanceNotRegistryAdmin, caller=regulator):
        provenance.assignCompanyPrefix(int(PREFIX), 7, regulator, sender=regulator)
    with reverts("DrugProvenanceNotRegistryAdmin", caller=regulator):
        assign_prefix(as_sdk(provenance, regulator), prefix, regulator.address)
    receipt = assign_prefix(admin, prefix, manufacturer.address)  # unassigned: a new assignment
    log = only(receipt, DrugProvenance.CompanyPrefixAssigned)
    assert (log.prefix, log.length, log.manufacturer, log.by) == (
        int(PREFIX),
        7,
        manufacturer.address,
        governance.address,
    )
    with ape.reverts(
        provenance.DrugProvenanceCompanyPrefixWithin,
        prefix=95060001,
        length=8,
        assignedPrefix=int(PREFIX),
        assignedLength=7,
        owner=manufacturer,
    ):
        provenance.assignCompanyPrefix(95060001, 8, squatter, sender=governance)  # prefixes never overlap
    assert gtin_owner(reader, GTIN).owner == manufacturer.address


# ---------------------------------------------------------------------------------------------
# Custody: ship and receive


def test_ship_and_receive(chain, provenance, batch, manufacturer, distributor):
    contents = packs(batch, 10)
    receipt = provenance.ship(batch.batch_id, distributor, 10, shipped_root(contents), sender=manufacturer)
    log = _only(receipt, provenance.Shipped)
    sid = log.shipmentId
    assert (log.batchId, log["from"], log.to, log.quantity, log.serialsRoot) == (
        batch.batch_id,
        manufacturer,
        distributor,
        10,
        shipped_root(contents),
    )
    word = int.from_bytes(sid, "big")
    assert (word & (2**160 - 1), word >> 160 & 0xFFFFFFFF, word >> 192 & (2**40 - 1), word >> 232) == (
        int(distributor.address, 16),
        10,
        receipt.block_number,
        0,
    )
    assert provenance.shipmentOf(sid) == (distributor, 10, 1)  # in transit
    # In transit: the units belong to neither side.
    assert provenance.balanceOf(manufacturer, batch.batch_id) == 6
    assert provenance.balanceOf(distributor, batch.batch_id) == 0

    with ape.reverts(provenance.DrugProvenanceShipmentMismatch, shipmentId=sid):
        provenance.receiveShipment(sid, batch.batch_id, manufacturer, batch.root, sender=distributor)
    receipt = provenance.receiveShipment(sid, batch.batch_id, manufacturer, shipped_root(contents), sender=distributor)
    log = _only(receipt, provenance.Received)
    assert (log.shipmentId, log.batchId, log.to) == (sid, batch.batch_id, distributor)
    assert provenance.balanceOf(distributor, batch.batch_id) == 10
    assert provenance.shipmentOf(sid) == (distributor, 10, 2)  # received, kept: its serials are dispensable
    with ape.reverts(provenance.DrugProvenanceShipmentReceived, shipmentId=sid):
        provenance.receiveShipment(sid, batch.batch_id, manufacturer, shipped_root(contents), sender=distributor)


def shipped_root(contents):
    from medchain.provenance import ShipmentManifest

    return ShipmentManifest.of(contents).root


def test_shipments_to_the_same_party_get_distinct_ids(provenance, batch, manufacturer, distributor):
    ids = {bytes(shipped(provenance, batch, manufacturer, distributor, 2, 1 + 2 * n)) for n in range(3)}
    assert len(ids) == 3


def test_two_shipments_alike_in_one_block_get_distinct_ids(chain, provenance, batch, manufacturer, distributor):
    w3 = chain.provider.web3
    data = provenance.ship.encode_input(batch.batch_id, distributor.address, 3, batch.root)
    w3.provider.make_request("evm_setAutomine", [False])
    try:
        hashes = [
            w3.eth.send_transaction(
                {"from": manufacturer.address, "to": provenance.address, "data": data, "gas": 200_000}
            )
            for _ in range(2)
        ]
        w3.provider.make_request("evm_mine", [])
    finally:
        w3.provider.make_request("evm_setAutomine", [True])
    receipts = [w3.eth.get_transaction_receipt(h) for h in hashes]
    assert receipts[0]["blockNumber"] == receipts[1]["blockNumber"]
    ids = [provenance.Shipped.from_receipt(chain.provider.get_receipt(h.hex()))[0].shipmentId for h in hashes]
    assert ids[0] != ids[1]
    assert int.from_bytes(ids[1], "big") - int.from_bytes(ids[0], "big") == 1 << 232
    assert [provenance.shipmentOf(i) for i in ids] == [(distributor, 3, 1)] * 2


def test_a_return_to_the_manufacturer(provenance, batch, manufacturer, distributor):
    delivered(provenance, batch, manufacturer, distributor, 5)
    delivered(provenance, batch, distributor, manufacturer, 2)
    assert provenance.balanceOf(manufacturer, batch.batch_id) == 13
    assert provenance.balanceOf(distributor, batch.batch_id) == 3


def test_ship_refusals(
    chain, provenance, batch, manufacturer, distributor, pharmacy, members, outsider, registry, governance, newcomer
):
    root = batch.root
    with ape.reverts(provenance.DrugProvenanceZeroQuantity):
        provenance.ship(batch.batch_id, distributor, 0, root, sender=manufacturer)
    with ape.reverts(provenance.DrugProvenanceEmptySerialsRoot):
        provenance.ship(batch.batch_id, distributor, 1, ZERO32, sender=manufacturer)
    with ape.reverts(provenance.DrugProvenanceUnknownBatch, batchId=b"\x01" * 32):
        provenance.ship(b"\x01" * 32, distributor, 1, root, sender=manufacturer)
    with ape.reverts(
        provenance.DrugProvenanceInsufficientUnits, holder=manufacturer, batchId=batch.batch_id, held=16, needed=17
    ):
        provenance.ship(batch.batch_id, distributor, 17, root, sender=manufacturer)
    with ape.reverts(
        provenance.DrugProvenanceInsufficientUnits, holder=distributor, batchId=batch.batch_id, held=0, needed=1
    ):
        provenance.ship(batch.batch_id, pharmacy, 1, root, sender=distributor)
    with ape.reverts(provenance.DrugProvenanceInactiveMember, account=outsider):
        provenance.ship(batch.batch_id, distributor, 1, root, sender=outsider)
    for to in (outsider, members[Role.INSURER], members[Role.REGULATOR], manufacturer):
        with ape.reverts(provenance.DrugProvenanceInvalidRecipient, to=to):
            provenance.ship(batch.batch_id, to, 1, root, sender=manufacturer)
    # Another manufacturer is no trading partner for this batch (only its own maker takes returns).
    registry.registerMember(newcomer, Role.MANUFACTURER.id, credential_for(Role.MANUFACTURER, 8), sender=governance)
    with ape.reverts(provenance.DrugProvenanceInvalidRecipient, to=newcomer):
        provenance.ship(batch.batch_id, newcomer, 1, root, sender=manufacturer)
    registry.suspendMember(pharmacy, reason_code("LICENCE_EXPIRED"), sender=governance)
    with ape.reverts(provenance.DrugProvenanceInvalidRecipient, to=pharmacy):
        provenance.ship(batch.batch_id, pharmacy, 1, root, sender=manufacturer)


def test_a_suspended_member_neither_ships_nor_receives_until_reinstated(
    provenance, batch, manufacturer, distributor, pharmacy, registry, governance
):
    shipment = shipped(provenance, batch, manufacturer, distributor, 5)
    registry.suspendMember(distributor, reason_code("AUDIT"), sender=governance)
    with reverts("DrugProvenanceInactiveMember", account=distributor):
        receive(as_sdk(provenance, distributor), shipment)
    assert provenance.shipmentOf(bytes(shipment)) == (distributor, 5, 1)  # still in transit
    registry.reinstateMember(distributor, sender=governance)
    receive(as_sdk(provenance, distributor), shipment)
    registry.suspendMember(distributor, reason_code("AUDIT"), sender=governance)
    with ape.reverts(provenance.DrugProvenanceInactiveMember, account=distributor):
        provenance.ship(batch.batch_id, pharmacy, 1, batch.root, sender=distributor)


def test_receive_refusals(provenance, batch, manufacturer, distributor, pharmacy):
    shipment = shipped(provenance, batch, manufacturer, distributor, 5)
    sid = bytes(shipment)
    with reverts("DrugProvenanceNotAddressee", shipmentId=sid, addressee=distributor, caller=pharmacy):
        receive(as_sdk(provenance, pharmacy), shipment)
    with ape.reverts(provenance.DrugProvenanceUnknownShipment, shipmentId=b"\x07" * 32):
        provenance.receiveShipment(b"\x07" * 32, batch.batch_id, manufacturer, batch.root, sender=distributor)


def test_only_the_shipper_cancels_a_shipment_in_transit(provenance, batch, manufacturer, distributor, pharmacy):
    shipment = shipped(provenance, batch, manufacturer, distributor, 5)
    sid = bytes(shipment)
    for other in (distributor, pharmacy):
        with reverts("DrugProvenanceShipmentMismatch", shipmentId=sid):
            cancel_shipment(as_sdk(provenance, other), shipment)
    shipper = as_sdk(provenance, manufacturer)
    receipt = cancel_shipment(shipper, shipment)
    log = only(receipt, DrugProvenance.ShipmentCancelled)
    assert (log.shipmentId, log.batchId, log.shipper) == (sid, batch.batch_id, manufacturer.address)
    assert provenance.balanceOf(manufacturer, batch.batch_id) == 16
    assert provenance.shipmentOf(sid) == (ZERO_ADDRESS, 0, 0)
    with reverts("DrugProvenanceUnknownShipment", shipmentId=sid):
        receive(as_sdk(provenance, distributor), shipment)
    received = delivered(provenance, batch, manufacturer, distributor, 5)
    with reverts("DrugProvenanceShipmentReceived", shipmentId=bytes(received)):
        cancel_shipment(shipper, received)


def test_a_pharmacy_cannot_dispense_a_serial_on_another_pharmacys_shelf(
    provenance, batch, manufacturer, distributor, pharmacy, registry, governance, newcomer
):
    registry.registerMember(newcomer, Role.PHARMACY.id, credential_for(Role.PHARMACY, 8), sender=governance)
    delivered(provenance, batch, manufacturer, distributor, 8)
    mine = delivered(provenance, batch, distributor, pharmacy, 4)  # serials 1-4
    theirs = delivered(provenance, batch, distributor, newcomer, 4, first=5)  # serials 5-8
    serial, proof = _unit(batch, 1)
    with ape.reverts(provenance.DrugProvenanceSerialNotInShipment, shipmentId=bytes(theirs), serialHash=serial):
        _dispense(provenance, batch.batch_id, serial, proof, newcomer, theirs)
    with ape.reverts(provenance.DrugProvenanceNotReceived, shipmentId=bytes(mine), caller=newcomer):
        _dispense(provenance, batch.batch_id, serial, proof, newcomer, mine)
    _dispense(provenance, batch.batch_id, serial, proof, pharmacy, mine)
    assert provenance.dispenserOf(batch.batch_id, serial) == pharmacy


# ---------------------------------------------------------------------------------------------
# Recalled, quarantined and expired batches do not move


@pytest.mark.parametrize("block", ["recall", "quarantine", "expire"])
def test_a_blocked_batch_is_neither_shipped_received_nor_dispensed(
    chain, provenance, manufacturer, distributor, pharmacy, regulator, block
):
    batch = make_batch(chain, lot="SHORT", days=3)
    commission(provenance, manufacturer, batch)
    _RECEIVED[pharmacy.address] = delivered(provenance, batch, manufacturer, pharmacy, 2)
    pending = shipped(provenance, batch, manufacturer, distributor, 1, first=3)
    bid = batch.batch_id
    if block == "recall":
        provenance.recall(bid, REASON, sender=regulator)
        name, fields = "DrugProvenanceBatchRecalled", {"batchId": bid}
        status = UnitStatus.RECALLED
    elif block == "quarantine":
        provenance.quarantine(bid, REASON, sender=regulator)
        name, fields = "DrugProvenanceBatchQuarantined", {"batchId": bid}
        status = UnitStatus.QUARANTINED
    else:
        chain.pending_timestamp = (expiry_day(batch.expiry) + 1) * DAY
        chain.mine()  # the SDK estimates on the latest block: make it the day after expiry
        name, fields = "DrugProvenanceBatchExpired", {"batchId": bid, "expiryDay": expiry_day(batch.expiry)}
        status = UnitStatus.EXPIRED
    error = getattr(provenance, name)
    with ape.reverts(error, **fields):
        provenance.ship(bid, distributor, 1, batch.root, sender=manufacturer)
    with reverts(name, **fields):
        receive(as_sdk(provenance, distributor), pending)
    serial, proof = _unit(batch)
    with ape.reverts(error, **fields):
        _dispense(provenance, bid, serial, proof, pharmacy)
    assert provenance.verifyUnit(bid, serial, proof) == status


def test_a_batch_is_usable_through_its_expiry_day(chain, provenance, manufacturer, pharmacy):
    batch = make_batch(chain, lot="EDGE", days=2)
    commission(provenance, manufacturer, batch)
    _RECEIVED[pharmacy.address] = delivered(provenance, batch, manufacturer, pharmacy, 2)
    last_second = (expiry_day(batch.expiry) + 1) * DAY - 1
    chain.pending_timestamp = last_second
    serial, proof = _unit(batch)
    _dispense(provenance, batch.batch_id, serial, proof, pharmacy)
    assert provenance.dispenseOf(batch.batch_id, serial)[1] == last_second
    serial, proof = _unit(batch, 2)
    assert provenance.verifyUnit(batch.batch_id, serial, proof) == UnitStatus.GENUINE  # views read the head block
    chain.pending_timestamp = last_second + 1
    chain.mine()
    assert provenance.verifyUnit(batch.batch_id, serial, proof) == UnitStatus.EXPIRED


# ---------------------------------------------------------------------------------------------
# Dispensing


def test_dispense(chain, provenance, at_pharmacy, pharmacy):
    batch = at_pharmacy
    serial, proof = _unit(batch, 3)
    assert provenance.verifyUnit(batch.batch_id, serial, proof) == UnitStatus.GENUINE
    receipt = _dispense(provenance, batch.batch_id, serial, proof, pharmacy)
    log = _only(receipt, provenance.Dispensed)
    assert (log.batchId, log.serialHash, log.pharmacy) == (batch.batch_id, serial, pharmacy)
    when = chain.provider.get_block(receipt.block_number).timestamp
    assert provenance.dispenserOf(batch.batch_id, serial) == pharmacy
    assert provenance.dispenseOf(batch.batch_id, serial) == (pharmacy, when)
    assert provenance.balanceOf(pharmacy, batch.batch_id) == 4  # a dispensed pack stays in the holding
    assert provenance.verifyUnit(batch.batch_id, serial, proof) == UnitStatus.ALREADY_DISPENSED
    with ape.reverts(
        provenance.DrugProvenanceAlreadyDispensed,
        batchId=batch.batch_id,
        serialHash=serial,
        pharmacy=pharmacy,
        dispensedAt=when,
    ):
        _dispense(provenance, batch.batch_id, serial, proof, pharmacy)


def test_dispense_refusals(provenance, at_pharmacy, pharmacy, distributor, members, registry, governance, newcomer):
    batch = at_pharmacy
    serial, proof = _unit(batch, 1)
    fake = serial_hash("COUNTERFEIT-1")
    with ape.reverts(provenance.DrugProvenanceUnknownSerial, batchId=batch.batch_id, serialHash=fake):
        _dispense(provenance, batch.batch_id, fake, proof, pharmacy)
    with ape.reverts(provenance.DrugProvenanceUnknownBatch, batchId=b"\x02" * 32):
        _dispense(provenance, b"\x02" * 32, serial, proof, pharmacy)
    with ape.reverts(provenance.ConsortiumInactiveMember, account=distributor, role=Role.PHARMACY.id):
        _dispense(provenance, batch.batch_id, serial, proof, distributor, _RECEIVED[pharmacy.address])
    registry.registerMember(newcomer, Role.PHARMACY.id, credential_for(Role.PHARMACY, 8), sender=governance)
    shipment = _RECEIVED[pharmacy.address]
    with ape.reverts(provenance.DrugProvenanceNotReceived, shipmentId=bytes(shipment), caller=newcomer):
        _dispense(provenance, batch.batch_id, serial, proof, newcomer, shipment)
    registry.suspendMember(pharmacy, reason_code("AUDIT"), sender=governance)
    with ape.reverts(provenance.ConsortiumInactiveMember, account=pharmacy, role=Role.PHARMACY.id):
        _dispense(provenance, batch.batch_id, serial, proof, pharmacy)


def test_a_pharmacy_dispenses_only_the_serials_its_shipments_carried(provenance, at_pharmacy, pharmacy):
    batch = at_pharmacy
    for n in range(1, 5):
        _dispense(provenance, batch.batch_id, *_unit(batch, n), pharmacy)
    serial, proof = _unit(batch, 5)  # genuine, at the distributor: not carried to this pharmacy
    shipment = _RECEIVED[pharmacy.address]
    with ape.reverts(provenance.DrugProvenanceSerialNotInShipment, shipmentId=bytes(shipment), serialHash=serial):
        _dispense(provenance, batch.batch_id, serial, proof, pharmacy)


def test_revert_dispense_within_ten_days(chain, provenance, at_pharmacy, pharmacy):
    batch = at_pharmacy
    serial, proof = _unit(batch, 2)
    receipt = _dispense(provenance, batch.batch_id, serial, proof, pharmacy)
    when = chain.provider.get_block(receipt.block_number).timestamp
    chain.pending_timestamp = when + 10 * DAY - 1
    receipt = provenance.revertDispense(batch.batch_id, serial, sender=pharmacy)
    log = _only(receipt, provenance.DispenseReverted)
    assert (log.batchId, log.serialHash, log.pharmacy) == (batch.batch_id, serial, pharmacy)
    assert provenance.dispenserOf(batch.batch_id, serial) == ZERO_ADDRESS
    assert provenance.balanceOf(pharmacy, batch.batch_id) == 4
    assert provenance.verifyUnit(batch.batch_id, serial, proof) == UnitStatus.GENUINE
    _dispense(provenance, batch.batch_id, serial, proof, pharmacy)  # and it can be dispensed again


def test_revert_dispense_refusals(chain, provenance, at_pharmacy, pharmacy, registry, governance, newcomer):
    batch = at_pharmacy
    serial, proof = _unit(batch, 2)
    with ape.reverts(provenance.DrugProvenanceNotDispensed, batchId=batch.batch_id, serialHash=serial):
        provenance.revertDispense(batch.batch_id, serial, sender=pharmacy)
    receipt = _dispense(provenance, batch.batch_id, serial, proof, pharmacy)
    when = chain.provider.get_block(receipt.block_number).timestamp
    registry.registerMember(newcomer, Role.PHARMACY.id, credential_for(Role.PHARMACY, 8), sender=governance)
    with ape.reverts(
        provenance.DrugProvenanceNotDispenser,
        batchId=batch.batch_id,
        serialHash=serial,
        pharmacy=pharmacy,
        caller=newcomer,
    ):
        provenance.revertDispense(batch.batch_id, serial, sender=newcomer)
    chain.pending_timestamp = when + 10 * DAY
    with ape.reverts(
        provenance.DrugProvenanceRevertWindowClosed, batchId=batch.batch_id, serialHash=serial, closedAt=when + 10 * DAY
    ):
        provenance.revertDispense(batch.batch_id, serial, sender=pharmacy)


# ---------------------------------------------------------------------------------------------
# verifyUnit


def test_verify_unit_answers(chain, provenance, at_pharmacy, pharmacy, regulator):
    batch = at_pharmacy
    serial, proof = _unit(batch, 1)
    assert provenance.verifyUnit(b"\x03" * 32, serial, proof) == UnitStatus.UNKNOWN_BATCH
    assert provenance.verifyUnit(batch.batch_id, serial_hash("NOT-IN-LOT"), proof) == UnitStatus.UNKNOWN_SERIAL
    assert provenance.verifyUnit(batch.batch_id, serial, []) == UnitStatus.UNKNOWN_SERIAL
    assert provenance.verifyUnit(batch.batch_id, serial, proof) == UnitStatus.GENUINE
    _dispense(provenance, batch.batch_id, serial, proof, pharmacy)
    provenance.recall(batch.batch_id, REASON, sender=regulator)
    # A dispensed unit of a recalled batch: the unit-level alarm comes first.
    assert provenance.verifyUnit(batch.batch_id, serial, proof) == UnitStatus.ALREADY_DISPENSED
    assert provenance.verifyUnit(batch.batch_id, *_unit(batch, 2)) == UnitStatus.RECALLED
    assert [getattr(provenance, f"UNIT_{s.name}")() for s in UnitStatus] == [int(s) for s in UnitStatus]


# ---------------------------------------------------------------------------------------------
# Suspect reports, quarantine, release, recall


def test_report_suspect_quarantines_the_batch(provenance, batch, members):
    reporter = members[Role.INSURER]  # any active member may report
    serial = serial_hash(f"{batch.lot}-0001")
    receipt = provenance.reportSuspect(batch.batch_id, serial, REASON, sender=reporter)
    log = _only(receipt, provenance.SuspectReported)
    assert (log.batchId, log.serialHash, log.reporter, log.reasonCode) == (batch.batch_id, serial, reporter, REASON)
    log = _only(receipt, provenance.Quarantined)
    assert (log.batchId, log.by, log.reasonCode) == (batch.batch_id, reporter, REASON)
    assert provenance.batchOf(batch.batch_id)[2] == 2
    receipt = provenance.reportSuspect(batch.batch_id, ZERO32, REASON, sender=reporter)  # already held
    assert len(receipt.events.filter(provenance.SuspectReported)) == 1
    assert not receipt.events.filter(provenance.Quarantined)


def test_report_suspect_on_a_recalled_batch_keeps_it_recalled(provenance, batch, manufacturer, pharmacy):
    provenance.recall(batch.batch_id, REASON, sender=manufacturer)
    receipt = provenance.reportSuspect(batch.batch_id, ZERO32, REASON, sender=pharmacy)
    assert not receipt.events.filter(provenance.Quarantined)
    assert provenance.batchOf(batch.batch_id)[2] == 3


def test_report_suspect_refusals(provenance, batch, outsider, pharmacy):
    with ape.reverts(provenance.DrugProvenanceMissingReason):
        provenance.reportSuspect(batch.batch_id, ZERO32, ZERO32, sender=pharmacy)
    with ape.reverts(provenance.DrugProvenanceInactiveMember, account=outsider):
        provenance.reportSuspect(batch.batch_id, ZERO32, REASON, sender=outsider)
    with ape.reverts(provenance.DrugProvenanceUnknownBatch, batchId=b"\x04" * 32):
        provenance.reportSuspect(b"\x04" * 32, ZERO32, REASON, sender=pharmacy)


def test_quarantine_by_a_holder_and_release_by_a_regulator(provenance, at_pharmacy, pharmacy, regulator):
    batch = at_pharmacy
    receipt = provenance.quarantine(batch.batch_id, REASON, sender=pharmacy)
    log = _only(receipt, provenance.Quarantined)
    assert (log.batchId, log.by, log.reasonCode) == (batch.batch_id, pharmacy, REASON)
    with ape.reverts(provenance.DrugProvenanceAlreadyQuarantined, batchId=batch.batch_id):
        provenance.quarantine(batch.batch_id, REASON, sender=regulator)
    receipt = provenance.release(batch.batch_id, sender=regulator)
    log = _only(receipt, provenance.Released)
    assert (log.batchId, log.by) == (batch.batch_id, regulator)
    assert provenance.batchOf(batch.batch_id)[2] == 1
    provenance.quarantine(batch.batch_id, REASON, sender=regulator)  # a regulator holds none, and may
    assert provenance.batchOf(batch.batch_id)[2] == 2


def test_quarantine_and_release_refusals(
    provenance, batch, distributor, pharmacy, regulator, manufacturer, outsider, registry, governance
):
    with ape.reverts(provenance.DrugProvenanceMissingReason):
        provenance.quarantine(batch.batch_id, ZERO32, sender=regulator)
    with ape.reverts(provenance.DrugProvenanceUnknownBatch, batchId=b"\x05" * 32):
        provenance.quarantine(b"\x05" * 32, REASON, sender=regulator)
    for caller in (distributor, outsider):  # holds nothing, is no regulator
        with ape.reverts(provenance.DrugProvenanceNotHolderOrRegulator, batchId=batch.batch_id, caller=caller):
            provenance.quarantine(batch.batch_id, REASON, sender=caller)
    registry.suspendMember(manufacturer, reason_code("AUDIT"), sender=governance)
    with ape.reverts(provenance.DrugProvenanceNotHolderOrRegulator, batchId=batch.batch_id, caller=manufacturer):
        provenance.quarantine(batch.batch_id, REASON, sender=manufacturer)  # a holder, but suspended
    with ape.reverts(provenance.DrugProvenanceNotQuarantined, batchId=batch.batch_id):
        provenance.release(batch.batch_id, sender=regulator)
    with ape.reverts(provenance.ConsortiumInactiveMember, account=pharmacy, role=Role.REGULATOR.id):
        provenance.release(batch.batch_id, sender=pharmacy)
    with ape.reverts(provenance.DrugProvenanceUnknownBatch, batchId=b"\x05" * 32):
        provenance.release(b"\x05" * 32, sender=regulator)


def test_recall_is_final(provenance, batch, manufacturer, regulator):
    receipt = provenance.recall(batch.batch_id, REASON, sender=manufacturer)
    log = _only(receipt, provenance.Recalled)
    assert (log.batchId, log.by, log.reasonCode) == (batch.batch_id, manufacturer, REASON)
    assert provenance.batchOf(batch.batch_id)[2] == 3
    with ape.reverts(provenance.DrugProvenanceBatchRecalled, batchId=batch.batch_id):
        provenance.recall(batch.batch_id, REASON, sender=regulator)
    with ape.reverts(provenance.DrugProvenanceBatchRecalled, batchId=batch.batch_id):
        provenance.quarantine(batch.batch_id, REASON, sender=regulator)
    with ape.reverts(provenance.DrugProvenanceBatchRecalled, batchId=batch.batch_id):
        provenance.release(batch.batch_id, sender=regulator)


def test_a_regulator_recalls_and_a_suspended_manufacturer_cannot(
    chain, provenance, batch, manufacturer, regulator, registry, governance
):
    receipt = provenance.recall(batch.batch_id, REASON, sender=regulator)
    assert _only(receipt, provenance.Recalled).by == regulator
    other = make_batch(chain, lot="LOT43")
    commission(provenance, manufacturer, other)
    registry.suspendMember(manufacturer, reason_code("AUDIT"), sender=governance)
    with ape.reverts(provenance.DrugProvenanceNotManufacturerOrRegulator, batchId=other.batch_id, caller=manufacturer):
        provenance.recall(other.batch_id, REASON, sender=manufacturer)  # suspension takes effect here too
    provenance.recall(other.batch_id, REASON, sender=regulator)
    assert provenance.batchOf(other.batch_id)[2] == 3


def test_a_released_batch_is_requarantined_only_by_a_regulator(
    provenance, at_pharmacy, pharmacy, distributor, regulator
):
    batch = at_pharmacy
    provenance.reportSuspect(batch.batch_id, ZERO32, REASON, sender=pharmacy)
    provenance.release(batch.batch_id, sender=regulator)
    assert provenance.wasReleased(batch.batch_id)
    for griefer in (pharmacy, distributor):  # re-reporting after the release: logged only
        receipt = provenance.reportSuspect(batch.batch_id, ZERO32, REASON, sender=griefer)
        assert _only(receipt, provenance.SuspectReported).reporter == griefer
        assert not receipt.events.filter(provenance.Quarantined)
        assert provenance.batchOf(batch.batch_id)[2] == 1
    with ape.reverts(provenance.DrugProvenanceReleasedBatch, batchId=batch.batch_id, caller=pharmacy):
        provenance.quarantine(batch.batch_id, REASON, sender=pharmacy)
    receipt = provenance.reportSuspect(batch.batch_id, ZERO32, reason_code("NEW_EVIDENCE"), sender=regulator)
    assert _only(receipt, provenance.Quarantined).by == regulator
    assert provenance.batchOf(batch.batch_id)[2] == 2


def test_recall_refusals(provenance, batch, distributor, members, registry, governance, regulator):
    with ape.reverts(provenance.DrugProvenanceMissingReason):
        provenance.recall(batch.batch_id, ZERO32, sender=regulator)
    with ape.reverts(provenance.DrugProvenanceUnknownBatch, batchId=b"\x06" * 32):
        provenance.recall(b"\x06" * 32, REASON, sender=regulator)
    with ape.reverts(provenance.DrugProvenanceNotManufacturerOrRegulator, batchId=batch.batch_id, caller=distributor):
        provenance.recall(batch.batch_id, REASON, sender=distributor)
    registry.suspendMember(regulator, reason_code("AUDIT"), sender=governance)
    with ape.reverts(provenance.DrugProvenanceNotManufacturerOrRegulator, batchId=batch.batch_id, caller=regulator):
        provenance.recall(batch.batch_id, REASON, sender=regulator)


# ---------------------------------------------------------------------------------------------
# The client (medchain.provenance) over the SDK: checks before sending, events read from receipts


def test_the_client_ships_only_what_the_signer_holds(provenance, batch, manufacturer, distributor):
    maker = as_sdk(provenance, manufacturer)
    with pytest.raises(ProvenanceInputError, match=f"{manufacturer.address} holds 16 units of batch .*, not 17"):
        ship(maker, batch.batch_id, distributor.address, packs(batch, 16) + [serial_hash("EXTRA")])
    receipt, shipment = ship(maker, batch.batch_id, distributor.address, packs(batch, 3))
    log = only(receipt, DrugProvenance.Shipped)
    assert (bytes(shipment), shipment.batch_id, shipment.shipper) == (
        log.shipmentId,
        batch.batch_id,
        manufacturer.address,
    )
    assert (log.quantity, log.serialsRoot, log.to) == (3, shipment.manifest.root, distributor.address)
    with pytest.raises(ValueError, match="no signer"):
        ship(as_sdk(provenance), batch.batch_id, distributor.address, packs(batch, 1))


def test_the_client_reports_quarantines_releases_and_recalls(
    provenance, at_pharmacy, pharmacy, regulator, manufacturer
):
    batch, bid = at_pharmacy, at_pharmacy.batch_id
    chemist, inspector = as_sdk(provenance, pharmacy), as_sdk(provenance, regulator)
    serial = serial_hash(f"{batch.lot}-0001")
    receipt, quarantined = report_suspect(chemist, bid, serial, reason=REASON)
    assert quarantined and only(receipt, DrugProvenance.SuspectReported).serialHash == serial
    assert batch_info(chemist, bid).status is BatchStatus.QUARANTINED
    receipt, quarantined = report_suspect(chemist, bid, reason=REASON)  # the batch as a whole; already held
    assert not quarantined and only(receipt, DrugProvenance.SuspectReported).serialHash == ZERO32
    with reverts("DrugProvenanceAlreadyQuarantined", batchId=bid):
        quarantine_batch(inspector, bid, reason=REASON)
    assert only(release_batch(inspector, bid), DrugProvenance.Released).by == regulator.address
    with reverts("DrugProvenanceReleasedBatch", batchId=bid, caller=pharmacy):
        quarantine_batch(chemist, bid, reason=REASON)  # after a release, only a regulator holds it again
    assert only(quarantine_batch(inspector, bid, reason=REASON), DrugProvenance.Quarantined).by == regulator.address
    with reverts("DrugProvenanceNotManufacturerOrRegulator", batchId=bid, caller=pharmacy):
        recall_batch(chemist, bid, reason=REASON)
    log = only(recall_batch(as_sdk(provenance, manufacturer), bid, reason=REASON), DrugProvenance.Recalled)
    assert (log.batchId, log.by, log.reasonCode) == (bid, manufacturer.address, REASON)
    info = batch_info(chemist, bid)
    assert (info.status, info.manufacturer, info.quantity, info.serials_root) == (
        BatchStatus.RECALLED,
        manufacturer.address,
        16,
        batch.root,
    )


def test_a_suspect_report_names_a_unit_or_a_batch():
    bid = batch_id(GTIN, "LOT42")
    assert parse_suspect_ref("(01)09506000134352(10)LOT42(21)SN1") == (bid, serial_hash("SN1"))
    assert parse_suspect_ref("(01)09506000134352(10)LOT42") == (bid, ZERO32)
    assert parse_suspect_ref("0x" + bid.hex()) == (bid, ZERO32)
    with pytest.raises(ProvenanceInputError, match=r"target: .*no lot \(10\)"):
        parse_suspect_ref("(01)09506000134352(21)SN1")
    with pytest.raises(ProvenanceInputError, match="batch: .* is not 32-byte hex"):
        parse_suspect_ref("0x" + "zz" * 32)
