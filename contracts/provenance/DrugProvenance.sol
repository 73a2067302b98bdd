// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {Hashes} from "@openzeppelin/contracts/utils/cryptography/Hashes.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {ConsortiumGated} from "../access/ConsortiumGated.sol";
import {MemberRoles} from "../access/MemberRoles.sol";
import {IConsortiumRegistry} from "../interfaces/IConsortiumRegistry.sol";
import {IDrugProvenance} from "../interfaces/IDrugProvenance.sol";

/// @title DrugProvenance
/// @notice GS1-identified drug batches traced from the manufacturer to the dispensing pharmacy, unit
/// by unit: commissioning, two-step custody hand-over, verification by Merkle proof, suspect reports,
/// quarantine, recall and dispense-once (DSCSA, EU FMD; GS1 EPCIS/CBV vocabulary).
///
/// Invariants (checked by tests, including a stateful property test):
/// - conservation: for every batch, commissioned quantity = Σ balanceOf(holder) + units in pending
///   shipments; units move only by ship → receive (or ship → cancel); a pharmacy's dispensed units stay
///   in its holding;
/// - custody of the serial: a unit is dispensed only by a pharmacy that received a shipment whose
///   serials root holds that serial;
/// - a unit (batch, serial hash) is dispensed at most once at a time: a second dispense reverts until
///   the first is reverted by its pharmacy within 10 days;
/// - `verifyUnit` is GENUINE only for a serial hash whose proof holds against the batch's root, in a
///   batch that is active, unexpired, and where that unit is not dispensed;
/// - a recall is final: a recalled batch never ships, is received, dispensed, quarantined or released;
/// - nothing is shipped, received or dispensed while its batch is quarantined, recalled or expired;
/// - a GTIN's batches are commissioned only by the manufacturer its GS1 company prefix is assigned to
///   (a registry of prefixes kept by the consortium registry's admin; prefixes never overlap);
/// - once a regulator has released a batch, only a regulator quarantines it again;
/// - suspension and removal take effect everywhere: a suspended or removed member neither ships,
///   receives, dispenses, reports, quarantines nor recalls.
///
/// Privacy: no personal data. Parties are member addresses; units are hashes of their serial numbers;
/// reasons are short codes.
contract DrugProvenance is IDrugProvenance, ConsortiumGated {
    // Unit statuses answered by {verifyUnit} (0 is never answered).
    uint8 public constant UNIT_GENUINE = 1;
    uint8 public constant UNIT_UNKNOWN_SERIAL = 2;
    uint8 public constant UNIT_ALREADY_DISPENSED = 3;
    uint8 public constant UNIT_RECALLED = 4;
    uint8 public constant UNIT_QUARANTINED = 5;
    uint8 public constant UNIT_EXPIRED = 6;
    uint8 public constant UNIT_UNKNOWN_BATCH = 7;

    // Shipment states answered by {shipmentOf} (0: never shipped, or cancelled).
    uint8 public constant SHIPMENT_IN_TRANSIT = 1;
    uint8 public constant SHIPMENT_RECEIVED = 2;

    // Batch statuses (0: not commissioned).
    uint8 public constant BATCH_ACTIVE = 1;
    uint8 public constant BATCH_QUARANTINED = 2;
    uint8 public constant BATCH_RECALLED = 3;

    /// @notice How long a pharmacy may undo a dispense (EU FMD).
    uint256 public constant REVERT_WINDOW = 10 days;

    /// @dev The largest GTIN-14 as an integer.
    uint256 private constant _MAX_GTIN = 99_999_999_999_999;

    /// @notice Shortest and longest GS1 company prefix, in digits.
    uint8 public constant MIN_PREFIX_LENGTH = 6;
    uint8 public constant MAX_PREFIX_LENGTH = 12;

    /// @dev Bit 7 of a stored batch status: a regulator has released the batch at least once. The
    /// low bits are the `BATCH_*` status; every read masks the flag off.
    uint8 private constant _RELEASED = 0x80;
    uint8 private constant _STATUS = 0x7f;
    uint256 private constant _RECEIVED = 1;

    /// @dev Registry role-mask bits that may receive shipments, and the manufacturer's (for returns).
    uint8 private constant _TRADING_PARTNER_BITS = (1 << 3) | (1 << 4); // DISTRIBUTOR | PHARMACY
    uint8 private constant _MANUFACTURER_BIT = 1 << 2;

    /// @dev A batch in one slot: `manufacturer` bits 0..159, `expiryDay` 160..183, `status` 184..191,
    /// `quantity` 192..223, `manufacturerHeld` 224..255. The manufacturer's own holding lives here, not
    /// in `_held`, so that commissioning writes two new slots (this and the root), not three.
    struct Batch {
        address manufacturer;
        uint24 expiryDay;
        uint8 status;
        uint32 quantity;
        uint32 manufacturerHeld;
    }

    /// @dev A GS1 company prefix in one slot, keyed by {_prefixKey} (length, digits): `owner` bits
    /// 0..159, `lengths` 160..175, `longer` 176..207, `soleTail` 208..231, `soleLength` 232..239.
    /// `longer` counts the assigned prefixes that strictly extend this one, so that no prefix is
    /// assigned inside or around another (GS1 never allocates overlapping prefixes; here it is enforced).
    /// The 6-digit entry of every 6-digit head also says where its GTINs' owner is, so that
    /// commissioning usually reads this one slot:
    /// - `soleLength` 0: `owner` is the head's own owner as a 6-digit prefix (zero: unassigned);
    /// - `soleLength` 7..12: exactly one assigned prefix extends the head, of that length, whose digits
    ///   after the head are `soleTail`, and `owner` is its owner (a copy of its own entry's);
    /// - `lengths`: bit L is set once a prefix of L digits under the head has been assigned (never
    ///   cleared: a stale bit costs commissioning one more read, nothing else), for the other cases.
    struct CompanyPrefix {
        address owner;
        uint16 lengths;
        uint32 longer;
        uint24 soleTail;
        uint8 soleLength;
    }

    /// @dev A dispensed unit in one slot: `pharmacy` bits 0..159, `dispensedAt` 160..199.
    struct Dispense {
        address pharmacy;
        uint40 dispensedAt;
    }

    mapping(bytes32 batchId => Batch) private _batches;
    mapping(bytes32 batchId => bytes32 serialsRoot) private _roots;
    /// @dev Holdings of everyone but the batch's manufacturer (see {Batch}).
    mapping(bytes32 batchId => mapping(address holder => uint32 units)) private _held;
    /// @dev Shipments, in transit and received. A shipment id describes its shipment (bits 0..159 the
    /// addressee, 160..191 the quantity, 192..231 the block number of shipping, 232..255 a counter that
    /// keeps ids of the same block, addressee and quantity apart), and one slot commits to the rest:
    /// keccak256(abi.encode(batchId, shipper, serialsRoot)) with bit 0 cleared, set on receipt (kept:
    /// dispense reads it). Callers repeat the three values from the Shipped event. Cancel clears it.
    mapping(bytes32 shipmentId => uint256 commitment) private _shipments;
    /// @dev Keyed by unit id, keccak256(abi.encode(batchId, serialHash)) (see {unitIdOf}): the same
    /// two hashes a nested mapping costs, and one key the claims contract can look a unit up by.
    mapping(bytes32 unitId => Dispense) private _dispensed;
    mapping(uint256 prefixKey => CompanyPrefix) private _prefixes;

    /// @param registry_ The consortium registry: roles and suspensions are read from it live.
    constructor(IConsortiumRegistry registry_) ConsortiumGated(registry_) {}

    // ------------------------------------------------------------------------------------------
    // Commissioning and custody

    /// @inheritdoc IDrugProvenance
    function commissionBatch(uint64 gtin, bytes32 lot, uint32 expiry, uint32 quantity, bytes32 serialsRoot)
        external
        returns (bytes32 batchId)
    {
        _requireActive(MemberRoles.MANUFACTURER);
        if (!_validGtin(gtin)) revert DrugProvenanceInvalidGtin(gtin);
        if (lot == bytes32(0)) revert DrugProvenanceEmptyLot();
        if (expiry > type(uint24).max || expiry < block.timestamp / 1 days) revert DrugProvenanceInvalidExpiry(expiry);
        if (quantity == 0) revert DrugProvenanceZeroQuantity();
        if (serialsRoot == bytes32(0)) revert DrugProvenanceEmptySerialsRoot();
        (address brandOwner,,) = _gtinOwner(gtin);
        if (brandOwner != msg.sender) revert DrugProvenanceGtinNotOwned(gtin, brandOwner, msg.sender);
        batchId = keccak256(abi.encode(gtin, lot));
        address existing = _batches[batchId].manufacturer;
        if (existing != address(0)) revert DrugProvenanceBatchExists(batchId, existing);
        _batches[batchId] = Batch(msg.sender, uint24(expiry), BATCH_ACTIVE, quantity, quantity);
        _roots[batchId] = serialsRoot;
        emit BatchCommissioned(batchId, msg.sender, gtin, lot, expiry, quantity, serialsRoot);
    }

    /// @inheritdoc IDrugProvenance
    function ship(bytes32 batchId, address to, uint32 quantity, bytes32 serialsRoot)
        external
        returns (bytes32 shipmentId)
    {
        if (quantity == 0) revert DrugProvenanceZeroQuantity();
        if (serialsRoot == bytes32(0)) revert DrugProvenanceEmptySerialsRoot();
        Batch memory batch = _usableBatch(batchId);
        if (!registry.isActive(msg.sender)) revert DrugProvenanceInactiveMember(msg.sender);
        _requireRecipient(batch.manufacturer, to);
        _debit(batchId, batch, msg.sender, quantity);
        uint256 id = (block.number << 192) | (uint256(quantity) << 160) | uint256(uint160(to));
        unchecked {
            while (_shipments[bytes32(id)] != 0) {
                id += 1 << 232;
            }
        }
        shipmentId = bytes32(id);
        _shipments[shipmentId] = _commitment(batchId, msg.sender, serialsRoot);
        emit Shipped(shipmentId, batchId, msg.sender, to, quantity, serialsRoot);
    }

    /// @inheritdoc IDrugProvenance
    function receiveShipment(bytes32 shipmentId, bytes32 batchId, address from, bytes32 serialsRoot) external {
        uint256 stored = _shipments[shipmentId];
        _requireInTransit(shipmentId, stored, _commitment(batchId, from, serialsRoot));
        address to = address(uint160(uint256(shipmentId)));
        if (msg.sender != to) revert DrugProvenanceNotAddressee(shipmentId, to, msg.sender);
        if (!_isActive(msg.sender)) revert DrugProvenanceInactiveMember(msg.sender);
        Batch memory batch = _usableBatch(batchId);
        _shipments[shipmentId] = stored | _RECEIVED;
        _credit(batchId, batch, to, uint32(uint256(shipmentId) >> 160));
        emit Received(shipmentId, batchId, to);
    }

    /// @inheritdoc IDrugProvenance
    function cancelShipment(bytes32 shipmentId, bytes32 batchId, bytes32 serialsRoot) external {
        uint256 stored = _shipments[shipmentId];
        _requireInTransit(shipmentId, stored, _commitment(batchId, msg.sender, serialsRoot));
        if (!_isActive(msg.sender)) revert DrugProvenanceInactiveMember(msg.sender);
        delete _shipments[shipmentId];
        _credit(batchId, _batches[batchId], msg.sender, uint32(uint256(shipmentId) >> 160));
        emit ShipmentCancelled(shipmentId, batchId, msg.sender);
    }

    // ------------------------------------------------------------------------------------------
    // Dispensing

    /// @inheritdoc IDrugProvenance
    function dispense(
        bytes32 batchId,
        bytes32 serialHash,
        bytes32[] calldata proof,
        ShipmentRef calldata shipment,
        bytes32[] calldata shipmentProof
    ) external {
        _requireActive(MemberRoles.PHARMACY);
        _usableBatch(batchId);
        bytes32 leaf = _leaf(serialHash);
        if (!MerkleProof.verifyCalldata(proof, _roots[batchId], leaf)) {
            revert DrugProvenanceUnknownSerial(batchId, serialHash);
        }
        bytes32 shipmentId = shipment.shipmentId;
        if (
            address(uint160(uint256(shipmentId))) != msg.sender
                || _shipments[shipmentId] != _commitment(batchId, shipment.shipper, shipment.serialsRoot) | _RECEIVED
        ) revert DrugProvenanceNotReceived(shipmentId, msg.sender);
        if (!MerkleProof.verifyCalldata(shipmentProof, shipment.serialsRoot, leaf)) {
            revert DrugProvenanceSerialNotInShipment(shipmentId, serialHash);
        }
        bytes32 unitId = _unitId(batchId, serialHash);
        Dispense memory previous = _dispensed[unitId];
        if (previous.pharmacy != address(0)) {
            revert DrugProvenanceAlreadyDispensed(batchId, serialHash, previous.pharmacy, previous.dispensedAt);
        }
        _dispensed[unitId] = Dispense(msg.sender, uint40(block.timestamp));
        emit Dispensed(batchId, serialHash, msg.sender);
    }

    /// @inheritdoc IDrugProvenance
    function revertDispense(bytes32 batchId, bytes32 serialHash) external onlyActiveMember(MemberRoles.PHARMACY) {
        bytes32 unitId = _unitId(batchId, serialHash);
        Dispense memory unit = _dispensed[unitId];
        if (unit.pharmacy == address(0)) revert DrugProvenanceNotDispensed(batchId, serialHash);
        if (unit.pharmacy != msg.sender) {
            revert DrugProvenanceNotDispenser(batchId, serialHash, unit.pharmacy, msg.sender);
        }
        uint256 closedAt = uint256(unit.dispensedAt) + REVERT_WINDOW;
        if (block.timestamp >= closedAt) revert DrugProvenanceRevertWindowClosed(batchId, serialHash, closedAt);
        delete _dispensed[unitId];
        emit DispenseReverted(batchId, serialHash, msg.sender);
    }

    // ------------------------------------------------------------------------------------------
    // Suspect product, quarantine and recall

    /// @inheritdoc IDrugProvenance
    function reportSuspect(bytes32 batchId, bytes32 serialHash, bytes32 reasonCode) external {
        if (reasonCode == bytes32(0)) revert DrugProvenanceMissingReason();
        if (!registry.isActive(msg.sender)) revert DrugProvenanceInactiveMember(msg.sender);
        Batch memory batch = _existingBatch(batchId);
        emit SuspectReported(batchId, serialHash, msg.sender, reasonCode);
        // A batch never released quarantines on any member's report; a released one only on a
        // regulator's (anyone else's report is logged, for a regulator to act on).
        if (
            batch.status == BATCH_ACTIVE
                || (batch.status == BATCH_ACTIVE | _RELEASED && _isActiveMember(msg.sender, MemberRoles.REGULATOR))
        ) {
            _batches[batchId].status = (batch.status & _RELEASED) | BATCH_QUARANTINED;
            emit Quarantined(batchId, msg.sender, reasonCode);
        }
    }

    /// @inheritdoc IDrugProvenance
    function quarantine(bytes32 batchId, bytes32 reasonCode) external {
        if (reasonCode == bytes32(0)) revert DrugProvenanceMissingReason();
        Batch memory batch = _existingBatch(batchId);
        uint8 status = batch.status & _STATUS;
        if (status == BATCH_RECALLED) revert DrugProvenanceBatchRecalled(batchId);
        if (status == BATCH_QUARANTINED) revert DrugProvenanceAlreadyQuarantined(batchId);
        if (!_isActiveMember(msg.sender, MemberRoles.REGULATOR)) {
            bool holder =
                _heldBy(batchId, batch.manufacturer, batch.manufacturerHeld, msg.sender) != 0 && _isActive(msg.sender);
            if (!holder) revert DrugProvenanceNotHolderOrRegulator(batchId, msg.sender);
            if (batch.status & _RELEASED != 0) revert DrugProvenanceReleasedBatch(batchId, msg.sender);
        }
        _batches[batchId].status = (batch.status & _RELEASED) | BATCH_QUARANTINED;
        emit Quarantined(batchId, msg.sender, reasonCode);
    }

    /// @inheritdoc IDrugProvenance
    function release(bytes32 batchId) external onlyActiveMember(MemberRoles.REGULATOR) {
        Batch memory batch = _existingBatch(batchId);
        uint8 status = batch.status & _STATUS;
        if (status == BATCH_RECALLED) revert DrugProvenanceBatchRecalled(batchId);
        if (status != BATCH_QUARANTINED) revert DrugProvenanceNotQuarantined(batchId);
        _batches[batchId].status = BATCH_ACTIVE | _RELEASED;
        emit Released(batchId, msg.sender);
    }

    /// @inheritdoc IDrugProvenance
    function recall(bytes32 batchId, bytes32 reasonCode) external {
        if (reasonCode == bytes32(0)) revert DrugProvenanceMissingReason();
        Batch storage batch = _batches[batchId];
        // The batch slot read once and written once (layout at {Batch}): manufacturer in the low 160
        // bits, status at bits 184..191.
        uint256 word;
        assembly ("memory-safe") {
            word := sload(batch.slot)
        }
        address manufacturer = address(uint160(word));
        if (manufacturer == address(0)) revert DrugProvenanceUnknownBatch(batchId);
        if (uint8(word >> 184) & _STATUS == BATCH_RECALLED) revert DrugProvenanceBatchRecalled(batchId);
        // One registry call either way: the manufacturer must be an active manufacturer, anyone else an
        // active regulator (suspension and removal take effect on recalls too).
        if (!_isActiveMember(msg.sender, msg.sender == manufacturer ? MemberRoles.MANUFACTURER : MemberRoles.REGULATOR))
        {
            revert DrugProvenanceNotManufacturerOrRegulator(batchId, msg.sender);
        }
        // The status becomes RECALLED; the released flag (bit 7) stays, as history.
        word = (word & ~(uint256(_STATUS) << 184)) | (uint256(BATCH_RECALLED) << 184);
        assembly ("memory-safe") {
            sstore(batch.slot, word)
        }
        emit Recalled(batchId, msg.sender, reasonCode);
    }

    // ------------------------------------------------------------------------------------------
    // Views

    /// @inheritdoc IDrugProvenance
    function verifyUnit(bytes32 batchId, bytes32 serialHash, bytes32[] calldata proof)
        external
        view
        returns (uint8 status)
    {
        Batch memory batch = _batches[batchId];
        if (batch.manufacturer == address(0)) return UNIT_UNKNOWN_BATCH;
        if (!MerkleProof.verifyCalldata(proof, _roots[batchId], _leaf(serialHash))) return UNIT_UNKNOWN_SERIAL;
        if (_dispensed[_unitId(batchId, serialHash)].pharmacy != address(0)) return UNIT_ALREADY_DISPENSED;
        uint8 batchStatus = batch.status & _STATUS;
        if (batchStatus == BATCH_RECALLED) return UNIT_RECALLED;
        if (batchStatus == BATCH_QUARANTINED) return UNIT_QUARANTINED;
        if (_expired(batch.expiryDay)) return UNIT_EXPIRED;
        return UNIT_GENUINE;
    }

    /// @inheritdoc IDrugProvenance
    function balanceOf(address holder, bytes32 batchId) external view returns (uint32) {
        Batch memory batch = _batches[batchId];
        return _heldBy(batchId, batch.manufacturer, batch.manufacturerHeld, holder);
    }

    /// @inheritdoc IDrugProvenance
    function dispenserOf(bytes32 batchId, bytes32 serialHash) external view returns (address pharmacy) {
        return _dispensed[_unitId(batchId, serialHash)].pharmacy;
    }

    /// @inheritdoc IDrugProvenance
    function dispenseOf(bytes32 batchId, bytes32 serialHash)
        external
        view
        returns (address pharmacy, uint40 dispensedAt)
    {
        Dispense memory unit = _dispensed[_unitId(batchId, serialHash)];
        return (unit.pharmacy, unit.dispensedAt);
    }

    /// @inheritdoc IDrugProvenance
    function unitDispense(bytes32 unitId)
        external
        view
        returns (address pharmacy, uint64 dispensedAt, uint64 revertibleUntil)
    {
        Dispense memory unit = _dispensed[unitId];
        if (unit.pharmacy == address(0)) return (address(0), 0, 0);
        return (unit.pharmacy, unit.dispensedAt, uint64(unit.dispensedAt + REVERT_WINDOW));
    }

    /// @inheritdoc IDrugProvenance
    function unitIdOf(bytes32 batchId, bytes32 serialHash) external pure returns (bytes32) {
        return _unitId(batchId, serialHash);
    }

    /// @inheritdoc IDrugProvenance
    function batchOf(bytes32 batchId)
        external
        view
        returns (address manufacturer, uint32 expiryDay, uint8 status, uint32 quantity, bytes32 serialsRoot)
    {
        Batch memory batch = _batches[batchId];
        return (batch.manufacturer, batch.expiryDay, batch.status & _STATUS, batch.quantity, _roots[batchId]);
    }

    /// @inheritdoc IDrugProvenance
    function shipmentOf(bytes32 shipmentId) external view returns (address to, uint32 quantity, uint8 state) {
        uint256 stored = _shipments[shipmentId];
        if (stored == 0) return (address(0), 0, 0);
        return (
            address(uint160(uint256(shipmentId))),
            uint32(uint256(shipmentId) >> 160),
            stored & _RECEIVED == 0 ? SHIPMENT_IN_TRANSIT : SHIPMENT_RECEIVED
        );
    }

    /// @inheritdoc IDrugProvenance
    function batchIdOf(uint64 gtin, bytes32 lot) external pure returns (bytes32) {
        return keccak256(abi.encode(gtin, lot));
    }

    /// @inheritdoc IDrugProvenance
    function wasReleased(bytes32 batchId) external view returns (bool) {
        return _batches[batchId].status & _RELEASED != 0;
    }

    /// @inheritdoc IDrugProvenance
    function companyPrefixOwner(uint64 prefix, uint8 length) external view returns (address) {
        return _assignedOwner(_prefixes[_prefixKey(prefix, length)]);
    }

    /// @inheritdoc IDrugProvenance
    function gtinOwnerOf(uint64 gtin) external view returns (address owner, uint64 prefix, uint8 length) {
        if (gtin == 0 || gtin > _MAX_GTIN) return (address(0), 0, 0);
        return _gtinOwner(gtin);
    }

    // ------------------------------------------------------------------------------------------
    // GS1 company prefixes

    /// @inheritdoc IDrugProvenance
    function assignCompanyPrefix(uint64 prefix, uint8 length, address manufacturer) external {
        _requireRegistryAdmin();
        _requireValidPrefix(prefix, length);
        _requireActiveMember(manufacturer, MemberRoles.MANUFACTURER);
        CompanyPrefix storage entry = _prefixes[_prefixKey(prefix, length)];
        address taken = _assignedOwner(entry);
        if (taken != address(0)) revert DrugProvenanceCompanyPrefixTaken(prefix, length, taken);
        if (entry.longer != 0) revert DrugProvenanceCompanyPrefixCovers(prefix, length, entry.longer);
        for (uint256 shorterLength = MIN_PREFIX_LENGTH; shorterLength < length; ++shorterLength) {
            uint64 shorter = uint64(prefix / 10 ** (length - shorterLength));
            CompanyPrefix storage around = _prefixes[_prefixKey(shorter, shorterLength)];
            address aroundOwner = _assignedOwner(around);
            if (aroundOwner != address(0)) {
                revert DrugProvenanceCompanyPrefixWithin(prefix, length, shorter, uint8(shorterLength), aroundOwner);
            }
            // Cannot overflow: at most 10^12 prefixes extend one.
            unchecked {
                ++around.longer;
            }
        }
        entry.owner = manufacturer;
        if (length != MIN_PREFIX_LENGTH) {
            CompanyPrefix storage head = _head(prefix, length);
            head.lengths |= uint16(1 << length);
            // The head's first prefix is cached in it; a second one ends the cache.
            (head.owner, head.soleTail, head.soleLength) = head.longer == 1
                ? (manufacturer, uint24(prefix % 10 ** (length - MIN_PREFIX_LENGTH)), length)
                : (address(0), uint24(0), uint8(0));
        }
        emit CompanyPrefixAssigned(prefix, length, manufacturer, msg.sender);
    }

    /// @inheritdoc IDrugProvenance
    function reassignCompanyPrefix(uint64 prefix, uint8 length, address manufacturer) external {
        _requireRegistryAdmin();
        CompanyPrefix storage entry = _prefixes[_prefixKey(prefix, length)];
        address previous = _assignedOwner(entry);
        if (previous == address(0)) revert DrugProvenanceCompanyPrefixNotAssigned(prefix, length);
        if (previous == manufacturer) revert DrugProvenanceCompanyPrefixTaken(prefix, length, previous);
        _requireActiveMember(manufacturer, MemberRoles.MANUFACTURER);
        entry.owner = manufacturer;
        if (length != MIN_PREFIX_LENGTH) {
            CompanyPrefix storage head = _head(prefix, length);
            if (head.soleLength != 0) head.owner = manufacturer; // the cached sole prefix is this one
        }
        emit CompanyPrefixReassigned(prefix, length, previous, manufacturer, msg.sender);
    }

    /// @inheritdoc IDrugProvenance
    function revokeCompanyPrefix(uint64 prefix, uint8 length, bytes32 reasonCode) external {
        if (reasonCode == bytes32(0)) revert DrugProvenanceMissingReason();
        if (!_isRegistryAdmin(msg.sender) && !_isActiveMember(msg.sender, MemberRoles.REGULATOR)) {
            revert DrugProvenanceNotRegistryAdminOrRegulator(msg.sender);
        }
        CompanyPrefix storage entry = _prefixes[_prefixKey(prefix, length)];
        address previous = _assignedOwner(entry);
        if (previous == address(0)) revert DrugProvenanceCompanyPrefixNotAssigned(prefix, length);
        entry.owner = address(0);
        if (length != MIN_PREFIX_LENGTH) {
            // The cache, if any, was this prefix (the only one under the head): cleared.
            CompanyPrefix storage head = _head(prefix, length);
            (head.owner, head.soleTail, head.soleLength) = (address(0), uint24(0), uint8(0));
        }
        for (uint256 shorterLength = MIN_PREFIX_LENGTH; shorterLength < length; ++shorterLength) {
            // Cannot underflow: assigning this prefix counted it in every shorter one.
            unchecked {
                --_prefixes[_prefixKey(uint64(prefix / 10 ** (length - shorterLength)), shorterLength)].longer;
            }
        }
        emit CompanyPrefixRevoked(prefix, length, previous, msg.sender, reasonCode);
    }

    // ------------------------------------------------------------------------------------------
    // Internals

    /// @dev A prefix's storage key: its length above its digits (leading zeros are part of a prefix,
    /// so the length is part of its identity).
    function _prefixKey(uint256 prefix, uint256 length) private pure returns (uint256) {
        return (length << 64) | prefix;
    }

    /// @dev The owner of `entry` as a prefix of its own (not the sole-prefix cache of a head).
    function _assignedOwner(CompanyPrefix storage entry) private view returns (address) {
        return entry.soleLength == 0 ? entry.owner : address(0);
    }

    /// @dev The 6-digit head entry of prefix (`prefix`, `length`).
    function _head(uint64 prefix, uint256 length) private view returns (CompanyPrefix storage) {
        return _prefixes[_prefixKey(prefix / 10 ** (length - MIN_PREFIX_LENGTH), MIN_PREFIX_LENGTH)];
    }

    function _requireValidPrefix(uint64 prefix, uint8 length) private pure {
        if (length < MIN_PREFIX_LENGTH || length > MAX_PREFIX_LENGTH || prefix >= 10 ** uint256(length)) {
            revert DrugProvenanceInvalidCompanyPrefix(prefix, length);
        }
    }

    /// @dev The assigned company prefix of a GTIN-14 (prefixes never overlap, so at most one matches):
    /// the 6-digit head's entry answers directly, or says which longer lengths to read.
    function _gtinOwner(uint64 gtin) private view returns (address owner, uint64 prefix, uint8 length) {
        // The 12 digits between the indicator digit and the check digit.
        uint256 body = (uint256(gtin) / 10) % 1e12;
        uint256 head = body / 1e6;
        CompanyPrefix memory entry = _prefixes[_prefixKey(head, MIN_PREFIX_LENGTH)];
        if (entry.soleLength != 0) {
            // The one prefix under this head: the GTIN's, or none is.
            uint256 candidate = body / 10 ** (MAX_PREFIX_LENGTH - entry.soleLength);
            if (candidate % 10 ** (entry.soleLength - MIN_PREFIX_LENGTH) != entry.soleTail) return (address(0), 0, 0);
            return (entry.owner, uint64(candidate), entry.soleLength);
        }
        if (entry.owner != address(0)) return (entry.owner, uint64(head), MIN_PREFIX_LENGTH);
        if (entry.longer == 0) return (address(0), 0, 0);
        uint256 lengths = entry.lengths;
        for (uint256 len = MIN_PREFIX_LENGTH + 1; len <= MAX_PREFIX_LENGTH; ++len) {
            if (lengths & (1 << len) != 0) {
                uint256 candidate = body / 10 ** (MAX_PREFIX_LENGTH - len);
                address candidateOwner = _prefixes[_prefixKey(candidate, len)].owner;
                if (candidateOwner != address(0)) return (candidateOwner, uint64(candidate), uint8(len));
            }
        }
    }

    /// @dev The registry's admin is the consortium's governance: it alone assigns prefixes.
    function _isRegistryAdmin(address account) private view returns (bool) {
        return IAccessControl(address(registry)).hasRole(bytes32(0), account);
    }

    function _requireRegistryAdmin() private view {
        if (!_isRegistryAdmin(msg.sender)) revert DrugProvenanceNotRegistryAdmin(msg.sender);
    }

    /// @dev {ConsortiumGated-onlyActiveMember} for the caller, through {_isActiveMember}'s cheaper call.
    function _requireActive(bytes32 role) private view {
        if (!_isActiveMember(msg.sender, role)) revert ConsortiumInactiveMember(msg.sender, role);
    }

    /// @dev `registry.isActive(account)` through the same low-level call as {_isActiveMember}.
    function _isActive(address account) private view returns (bool active) {
        address target = address(registry);
        bytes4 selector = IConsortiumRegistry.isActive.selector;
        assembly ("memory-safe") {
            mstore(0x00, selector)
            mstore(0x04, account)
            let ok := staticcall(gas(), target, 0x00, 0x24, 0x00, 0x20)
            active := and(ok, and(gt(returndatasize(), 0x1f), eq(mload(0x00), 1)))
        }
    }

    /// @dev The batch, which must exist.
    function _existingBatch(bytes32 batchId) private view returns (Batch memory batch) {
        batch = _batches[batchId];
        if (batch.manufacturer == address(0)) revert DrugProvenanceUnknownBatch(batchId);
    }

    /// @dev The batch, which must exist and be active and unexpired (units may move).
    function _usableBatch(bytes32 batchId) private view returns (Batch memory batch) {
        batch = _batches[batchId];
        if (batch.manufacturer == address(0)) revert DrugProvenanceUnknownBatch(batchId);
        uint8 status = batch.status & _STATUS;
        if (status == BATCH_RECALLED) revert DrugProvenanceBatchRecalled(batchId);
        if (status == BATCH_QUARANTINED) revert DrugProvenanceBatchQuarantined(batchId);
        if (_expired(batch.expiryDay)) revert DrugProvenanceBatchExpired(batchId, batch.expiryDay);
    }

    /// @dev Expired from the first second after the expiry day.
    function _expired(uint24 expiryDay) private view returns (bool) {
        return block.timestamp / 1 days > expiryDay;
    }

    /// @dev `registry.isActiveMember(account, role)`, without the ABI machinery of a high-level call
    /// (which costs a recall by a regulator a few hundred gas). A failed call answers false.
    function _isActiveMember(address account, bytes32 role) private view returns (bool active) {
        address target = address(registry);
        bytes4 selector = IConsortiumRegistry.isActiveMember.selector;
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, selector)
            mstore(add(ptr, 0x04), account)
            mstore(add(ptr, 0x24), role)
            let ok := staticcall(gas(), target, ptr, 0x44, 0x00, 0x20)
            active := and(ok, and(gt(returndatasize(), 0x1f), eq(mload(0x00), 1)))
        }
    }

    /// @dev `to` must be an active distributor or pharmacy, or the batch's active manufacturer, and not the caller.
    function _requireRecipient(address manufacturer, address to) private view {
        if (to == msg.sender) revert DrugProvenanceInvalidRecipient(to);
        IConsortiumRegistry.Member memory member = registry.memberOf(to);
        uint8 allowed = to == manufacturer ? _TRADING_PARTNER_BITS | _MANUFACTURER_BIT : _TRADING_PARTNER_BITS;
        if (member.suspendedAt != 0 || member.roles & allowed == 0) revert DrugProvenanceInvalidRecipient(to);
    }

    function _heldBy(bytes32 batchId, address manufacturer, uint32 manufacturerHeld, address holder)
        private
        view
        returns (uint32)
    {
        return holder == manufacturer ? manufacturerHeld : _held[batchId][holder];
    }

    /// @dev Takes `units` from `holder`'s holding of `batchId` (`batch` is its current value).
    function _debit(bytes32 batchId, Batch memory batch, address holder, uint32 units) private {
        if (holder == batch.manufacturer) {
            if (batch.manufacturerHeld < units) {
                revert DrugProvenanceInsufficientUnits(holder, batchId, batch.manufacturerHeld, units);
            }
            // Cannot underflow: checked just above.
            unchecked {
                _batches[batchId].manufacturerHeld = batch.manufacturerHeld - units;
            }
        } else {
            uint32 held = _held[batchId][holder];
            if (held < units) revert DrugProvenanceInsufficientUnits(holder, batchId, held, units);
            // Cannot underflow: checked just above.
            unchecked {
                _held[batchId][holder] = held - units;
            }
        }
    }

    /// @dev Adds `units` to `holder`'s holding of `batchId` (`batch` is its current value).
    function _credit(bytes32 batchId, Batch memory batch, address holder, uint32 units) private {
        // Cannot overflow: by conservation a holding never exceeds the batch quantity, a uint32.
        unchecked {
            if (holder == batch.manufacturer) {
                _batches[batchId].manufacturerHeld = batch.manufacturerHeld + units;
            } else {
                _held[batchId][holder] += units;
            }
        }
    }

    /// @dev GS1 mod-10 check digit of a GTIN-14 (shorter GTINs are left-padded with zeros, which changes
    /// nothing): from the right, the digits after the check digit weigh 3, 1, 3, 1, ...
    function _validGtin(uint64 gtin) private pure returns (bool) {
        if (gtin == 0 || gtin > _MAX_GTIN) return false;
        uint256 rest = gtin / 10;
        uint256 sum;
        // At most 13 digits, each below 10: the sum stays below 13 * 27; divisions cannot underflow.
        unchecked {
            while (rest != 0) {
                sum += 3 * (rest % 10) + (rest / 10) % 10;
                rest /= 100;
            }
            return (10 - sum % 10) % 10 == gtin % 10;
        }
    }

    /// @dev OpenZeppelin StandardMerkleTree leaf of one bytes32 value, as in RecordAnchor.
    /// @dev A unit's id: keccak256(abi.encode(batchId, serialHash)).
    function _unitId(bytes32 batchId, bytes32 serialHash) private pure returns (bytes32) {
        return Hashes.efficientKeccak256(batchId, serialHash);
    }

    /// @dev A shipment's commitment: bit 0 clear (in transit); receipt sets it.
    function _commitment(bytes32 batchId, address shipper, bytes32 serialsRoot) private pure returns (uint256) {
        return uint256(keccak256(abi.encode(batchId, shipper, serialsRoot))) & ~_RECEIVED;
    }

    function _requireInTransit(bytes32 shipmentId, uint256 stored, uint256 commitment) private pure {
        if (stored == 0) revert DrugProvenanceUnknownShipment(shipmentId);
        if (stored & _RECEIVED != 0) revert DrugProvenanceShipmentReceived(shipmentId);
        if (stored != commitment) revert DrugProvenanceShipmentMismatch(shipmentId);
    }

    function _leaf(bytes32 serialHash) private pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(serialHash))));
    }
}
