// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {Fixture} from "../base/Fixture.sol";
import {Test} from "../base/Test.sol";
import {Vm} from "../base/Vm.sol";
import {MemberRoles} from "../../contracts/access/MemberRoles.sol";
import {IDrugProvenance} from "../../contracts/interfaces/IDrugProvenance.sol";
import {ConsortiumRegistry} from "../../contracts/access/ConsortiumRegistry.sol";
import {DrugProvenance} from "../../contracts/provenance/DrugProvenance.sol";

/// @notice Drives DrugProvenance with random commissioning, shipping, receiving, dispensing and its
/// undo, suspect reports, quarantines, releases and recalls, and company-prefix assignment,
/// reassignment and revocation, by two manufacturers (each the brand owner of one GTIN, and an
/// attacker on the other's: commissioning its GTIN and its next lots), a distributor, two pharmacies
/// (each an attacker on the other's serials: dispensing them through its own shipments, the other's,
/// shipments in transit and made-up shipment contents), a regulator (any of them suspended, and the distributor,
/// a pharmacy and a manufacturer removed, at times), the registry's admin and a non-member, over a pool
/// of lots with four serials each, across expiry days and revert windows, in the same block and across
/// blocks; griefers of every role re-report released batches.
/// It keeps a model of every holding, shipment and dispensed unit, predicts whether each call succeeds,
/// and checks on every call that it succeeded exactly when the model says it must, and that a refusal
/// is one of the contract's own errors (never a panic). Independently of that model, it replays the
/// contract's EVENTS (recorded logs) into who owns each prefix, who holds what, who released what, and
/// counts every event that breaks an ownership or finality rule.
contract ProvenanceHandler is Test {
    uint256 public constant LOTS = 6;
    uint256 public constant ACTORS = 7;
    uint64 public constant GTIN = 9506000134352; // under 9506000, `maker`'s prefix
    uint64 public constant GTIN2 = 9506010000012; // under 950601, `maker2`'s prefix
    uint256 internal constant NOBODY = type(uint256).max;
    uint256 internal constant GOV = ACTORS; // the registry's admin, as a caller index
    uint8 internal constant ACTIVE = 1;
    uint8 internal constant QUARANTINED = 2;
    uint8 internal constant RECALLED = 3;
    // Actor indices: roles are fixed, suspensions toggle.
    uint256 internal constant MAKER = 0;
    uint256 internal constant MAKER2 = 1;
    uint256 internal constant WHOLESALER = 2;
    uint256 internal constant PHARMACY = 3;
    uint256 internal constant PHARMACY2 = 4;
    uint256 internal constant REGULATOR = 5;
    uint256 internal constant STRANGER = 6;

    struct BatchModel {
        bool exists;
        uint8 maker;
        uint8 status;
        uint32 expiryDay;
        uint32 quantity;
        uint32 inTransit;
        uint32 dispensed;
    }

    struct ShipmentModel {
        uint8 lot;
        uint8 to;
        uint8 from;
        uint8 mask; // the serials (bit j: serial j of the lot) the shipment's root carries
        uint32 quantity;
        bool open;
        bool received;
    }

    struct UnitModel {
        uint8 pharmacy; // actor index + 1; 0: not dispensed
        uint40 dispensedAt;
    }

    DrugProvenance public immutable provenance;
    ConsortiumRegistry public immutable registry;
    address public immutable gov;
    address[ACTORS] internal _actors;
    bool[ACTORS] public suspended;
    bool[ACTORS] public removed;
    /// @dev Model: the owner (actor index, or NOBODY) of each GTIN's prefix; whether a regulator released a lot.
    uint256[2] internal _prefixOwner;
    mapping(uint256 lot => bool) internal _released;

    // Replayed from events only (never from the model above).
    mapping(uint64 prefix => address) internal _evPrefixOwner;
    mapping(bytes32 batchId => address) internal _evMaker;
    mapping(bytes32 batchId => mapping(address => int256)) internal _evHeld;
    mapping(bytes32 shipmentId => address) internal _evShippedTo;
    mapping(bytes32 shipmentId => uint32) internal _evShippedQty;
    mapping(bytes32 shipmentId => address) internal _evShippedFrom;
    mapping(bytes32 shipmentId => bytes32) internal _evShippedRoot;
    mapping(bytes32 shipmentId => bytes32) internal _evShippedBatch;
    /// @dev Serials a Received shipment carried to a holder (from the Shipped root, decoded by the pool).
    mapping(bytes32 batchId => mapping(address holder => mapping(bytes32 serial => bool))) internal _evCarried;
    /// @dev Every subset root the pool can build, to its lot and mask (how events are decoded).
    mapping(bytes32 root => uint256) internal _maskOfRoot; // mask + 1
    mapping(bytes32 batchId => mapping(bytes32 serial => address)) internal _evDispenser;
    mapping(bytes32 batchId => bool) internal _evReleased;
    /// @dev Events that broke a rule (each must stay 0).
    uint256 public commissionedByNonOwner; // BatchCommissioned not from the GTIN's prefix owner
    uint256 public dispensedWithoutCustody; // Dispensed by a pharmacy no received shipment carried the serial to
    uint256 public cancelledByAnother; // ShipmentCancelled not by the Shipped sender, or after its Received
    uint256 public shippedWithoutUnits; // Shipped more units than the sender's replayed holding
    uint256 public revertedByAnother; // DispenseReverted not by the unit's dispenser
    uint256 public receivedByAnother; // Received not by the Shipped addressee, or twice
    uint256 public requarantinedByNonRegulator; // Quarantined after a Released, by a non-regulator
    uint256 public actedWhileInactive; // an event naming a suspended, removed or non-member actor
    uint256 public prefixChangedByOther; // a prefix event not by the admin (or, revoking, a regulator)

    mapping(uint256 lot => BatchModel) internal _batches;
    mapping(uint256 lot => uint32[ACTORS]) internal _held;
    mapping(uint256 lot => mapping(uint256 serial => UnitModel)) internal _units;
    mapping(bytes32 shipmentId => ShipmentModel) internal _shipments;
    bytes32[] internal _open;
    bytes32[] internal _received;
    mapping(bytes32 shipmentId => uint256) internal _openIndex; // position + 1 in _open

    /// @dev Ship, receive or dispense that succeeded on a batch the model holds recalled, quarantined
    /// or expired (must stay 0).
    uint256 public movedWhileStopped;
    /// @dev Dispenses of a unit already dispensed (must stay 0).
    uint256 public doubleDispenses;
    /// @dev Successful calls per handler function (how deep the campaign got).
    mapping(bytes4 selector => uint256) public succeeded;
    /// @dev The last successful dispense: warp aims at its revert window's end, revertDispense at it.
    uint256 internal _lastDispensedAt;
    uint256 internal _lastLot;
    uint256 internal _lastSerial;
    uint256 internal _lastPharmacy;

    constructor(
        DrugProvenance provenance_,
        ConsortiumRegistry registry_,
        address gov_,
        address[ACTORS] memory actors_
    ) {
        provenance = provenance_;
        registry = registry_;
        gov = gov_;
        _actors = actors_;
        _prefixOwner = [MAKER, MAKER2];
        _evPrefixOwner[9_506_000] = actors_[MAKER];
        _evPrefixOwner[950_601] = actors_[MAKER2];
        for (uint256 k; k < LOTS; ++k) {
            for (uint256 mask = 1; mask < 16; ++mask) {
                (bytes32 root,) = subsetTree(k, mask, 0);
                _maskOfRoot[root] = mask + 1;
            }
        }
    }

    /// @dev Records the logs of the action, then replays them.
    modifier replayed() {
        vm.recordLogs();
        _;
        _replay(vm.getRecordedLogs());
    }

    // ------------------------------------------------------------------------------------------
    // Pool: lots, serials, proofs

    function lotOf(uint256 k) public pure returns (bytes32) {
        return bytes32(bytes.concat("LOT-", bytes1(uint8(65 + k % LOTS))));
    }

    /// @dev Even lots are of `maker`'s GTIN, odd ones of `maker2`'s.
    function gtinOf(uint256 k) public pure returns (uint64) {
        return k % 2 == 0 ? GTIN : GTIN2;
    }

    function batchIdAt(uint256 k) public pure returns (bytes32) {
        return keccak256(abi.encode(gtinOf(k), lotOf(k % LOTS)));
    }

    function serialAt(uint256 k, uint256 j) public pure returns (bytes32) {
        return keccak256(abi.encode("medchain serial", k % LOTS, j % 4));
    }

    function _leaves(uint256 k) internal pure returns (bytes32[4] memory l) {
        for (uint256 j; j < 4; ++j) {
            l[j] = leaf(serialAt(k, j));
        }
    }

    /// @dev The StandardMerkleTree-style root of the serials of lot `k` in `mask` (1..15), and the proof
    /// of serial `j` in it (meaningful when bit j is set): the leaves in serial order, paired left to
    /// right (OpenZeppelin's sorted pair hashing verifies any binary shape).
    function subsetTree(uint256 k, uint256 mask, uint256 j) public pure returns (bytes32 root, bytes32[] memory proof) {
        bytes32[4] memory l = _leaves(k);
        bytes32[] memory level = new bytes32[](4);
        uint256 n;
        uint256 at = type(uint256).max;
        for (uint256 x; x < 4; ++x) {
            if (mask & (1 << x) != 0) {
                if (x == j) at = n;
                level[n++] = l[x];
            }
        }
        proof = new bytes32[](2);
        uint256 depth;
        while (n > 1) {
            uint256 m;
            for (uint256 x; x < n; x += 2) {
                if (x + 1 < n) {
                    if (at == x) proof[depth++] = level[x + 1];
                    else if (at == x + 1) proof[depth++] = level[x];
                    level[m++] = hashPair(level[x], level[x + 1]);
                } else {
                    level[m++] = level[x];
                }
            }
            if (at != type(uint256).max) at /= 2;
            n = m;
        }
        root = level[0];
        assembly ("memory-safe") {
            mstore(proof, depth)
        }
    }

    function rootAt(uint256 k) public pure returns (bytes32) {
        bytes32[4] memory l = _leaves(k);
        return hashPair(hashPair(l[0], l[1]), hashPair(l[2], l[3]));
    }

    function proofAt(uint256 k, uint256 j) public pure returns (bytes32[] memory proof) {
        bytes32[4] memory l = _leaves(k);
        j %= 4;
        proof = new bytes32[](2);
        proof[0] = l[j ^ 1];
        proof[1] = j < 2 ? hashPair(l[2], l[3]) : hashPair(l[0], l[1]);
    }

    /// @dev A unit to present for lot `k`: modes 0..3 its serials with their proofs; 4 a serial with
    /// another's proof; 5 a serial of the next lot with a proof of this one; 6 an inner node of the
    /// tree presented as a serial with its sibling as the proof.
    function unitAt(uint256 k, uint256 mode)
        public
        pure
        returns (bytes32 serial, bytes32[] memory proof, bool inBatch)
    {
        mode %= 7;
        if (mode < 4) return (serialAt(k, mode), proofAt(k, mode), true);
        if (mode == 4) return (serialAt(k, 0), proofAt(k, 1), false);
        if (mode == 5) return (serialAt(k + 1, 0), proofAt(k, 0), false);
        bytes32[4] memory l = _leaves(k);
        proof = new bytes32[](1);
        proof[0] = hashPair(l[2], l[3]);
        return (hashPair(l[0], l[1]), proof, false);
    }

    // ------------------------------------------------------------------------------------------
    // Model reads (for the invariant)

    function batchModel(uint256 k) external view returns (BatchModel memory) {
        return _batches[k];
    }

    function heldModel(uint256 k, uint256 i) external view returns (uint32) {
        return _held[k][i];
    }

    function unitModel(uint256 k, uint256 j) external view returns (address pharmacy, uint40 dispensedAt) {
        UnitModel memory u = _units[k][j];
        return (u.pharmacy == 0 ? address(0) : _actors[u.pharmacy - 1], u.dispensedAt);
    }

    function actor(uint256 i) external view returns (address) {
        return _actors[i];
    }

    function openShipments() external view returns (bytes32[] memory) {
        return _open;
    }

    function shipmentModel(bytes32 id) external view returns (ShipmentModel memory) {
        return _shipments[id];
    }

    /// @dev What verifyUnit must answer for serial `j` of lot `k`.
    function expectedStatus(uint256 k, uint256 j) external view returns (uint8) {
        BatchModel memory b = _batches[k];
        if (!b.exists) return provenance.UNIT_UNKNOWN_BATCH();
        if (_units[k][j].pharmacy != 0) return provenance.UNIT_ALREADY_DISPENSED();
        if (b.status == RECALLED) return provenance.UNIT_RECALLED();
        if (b.status == QUARANTINED) return provenance.UNIT_QUARANTINED();
        if (_expired(b)) return provenance.UNIT_EXPIRED();
        return provenance.UNIT_GENUINE();
    }

    // ------------------------------------------------------------------------------------------
    // Actions

    function commission(uint256 by, uint256 lotSeed, uint32 quantity, uint8 expirySeed) external replayed {
        uint256 i = by % 4 == 0 ? by % ACTORS : MAKER + (by >> 2) % 2; // mostly a manufacturer, either GTIN
        uint256 k = lotSeed % LOTS;
        quantity = uint32(bound(quantity, 0, 40));
        uint32 today = uint32(block.timestamp / 1 days);
        uint32 expiry = today - 1 + uint32(expirySeed % 40);
        bool predicted =
            _activeMaker(i) && expiry >= today && quantity != 0 && !_batches[k].exists && _prefixOwner[k % 2] == i;
        bool ok;
        vm.prank(_actors[i]);
        try provenance.commissionBatch(gtinOf(k), lotOf(k), expiry, quantity, rootAt(k)) returns (bytes32 id) {
            ok = true;
            assertEq(id, batchIdAt(k), "commission: the batch id");
        } catch (bytes memory err) {
            _refused(err);
        }
        assertEq(ok, predicted, "commission succeeds exactly as the model predicts");
        if (ok) ++succeeded[msg.sig];
        if (ok) {
            _batches[k] = BatchModel(true, uint8(i), ACTIVE, expiry, quantity, 0, 0);
            _held[k][i] = quantity;
        }
        _checkHolding(k, i);
    }

    function ship(uint256 by, uint256 lotSeed, uint256 toSeed, uint32 quantity) external replayed {
        uint256 mask = 1 + (toSeed >> 8) % 15; // the serials the shipper says it ships (any: not checked)
        uint256 k = lotSeed % LOTS;
        uint256 i = by % 4 == 0 ? by % ACTORS : _holderOf(k, by >> 2); // mostly a holder
        uint256 t = toSeed % 2 == 0 ? PHARMACY + (toSeed >> 1) % 2 : toSeed % ACTORS; // often a pharmacy
        BatchModel memory b = _batches[k];
        quantity = uint32(bound(quantity, 0, uint256(_held[k][i]) + 1));
        bool predicted = quantity != 0 && _usable(b) && _active(i) && _recipient(t, i, b) && _held[k][i] >= quantity;
        bool ok;
        bytes32 id;
        vm.prank(_actors[i]);
        (bytes32 root,) = subsetTree(k, mask, 0);
        try provenance.ship(batchIdAt(k), _actors[t], quantity, root) returns (bytes32 shipmentId) {
            ok = true;
            id = shipmentId;
        } catch (bytes memory err) {
            _refused(err);
        }
        assertEq(ok, predicted, "ship succeeds exactly as the model predicts");
        if (ok) ++succeeded[msg.sig];
        if (ok) {
            if (!_usable(b)) ++movedWhileStopped;
            assertEq(address(uint160(uint256(id))), _actors[t], "shipment id: addressee");
            assertEq(uint32(uint256(id) >> 160), quantity, "shipment id: quantity");
            assertEq(uint40(uint256(id) >> 192), uint40(block.number), "shipment id: block");
            assertFalse(_shipments[id].open || _shipments[id].received, "a shipment id is never reused");
            _shipments[id] = ShipmentModel(uint8(k), uint8(t), uint8(i), uint8(mask), quantity, true, false);
            _open.push(id);
            _openIndex[id] = _open.length;
            _held[k][i] -= quantity;
            _batches[k].inTransit += quantity;
        }
        _checkHolding(k, i);
    }

    function receiveShipment(uint256 by, uint256 shipSeed, bool asAddressee) external replayed {
        bytes32 id;
        if (_open.length == 0 || shipSeed % 16 == 0) id = keccak256(abi.encode("never shipped", shipSeed));
        else id = _open[shipSeed % _open.length];
        ShipmentModel memory s = _shipments[id];
        uint256 i = asAddressee && s.open ? s.to : by % ACTORS;
        BatchModel memory b = _batches[s.lot];
        bool predicted = s.open && i == s.to && _active(i) && _usable(b);
        bool ok;
        vm.prank(_actors[i]);
        (bytes32 root,) = s.mask == 0 ? (bytes32(0), new bytes32[](0)) : subsetTree(s.lot, s.mask, 0);
        try provenance.receiveShipment(id, batchIdAt(s.lot), _actors[s.from], root) {
            ok = true;
        } catch (bytes memory err) {
            _refused(err);
        }
        assertEq(ok, predicted, "receiveShipment succeeds exactly as the model predicts");
        if (ok) ++succeeded[msg.sig];
        if (ok) {
            if (!_usable(b)) ++movedWhileStopped;
            (_shipments[id].open, _shipments[id].received) = (false, true);
            _removeOpen(id);
            _received.push(id);
            _held[s.lot][i] += s.quantity;
            _batches[s.lot].inTransit -= s.quantity;
            _checkHolding(s.lot, i);
        }
    }

    /// @dev A pharmacy (or anyone) dispenses a unit of a lot through a shipment reference: modes 0-3 a
    /// shipment it received (its own shelf), 4-5 a shipment another received (another's shelf), 6 a
    /// shipment in transit, 7 its own received shipment with a made-up root carrying the serial.
    function dispense(uint256 by, uint256 lotSeed, uint256 unitSeed, bool asPharmacy) external replayed {
        uint256 i = asPharmacy ? PHARMACY + by % 2 : by % ACTORS;
        (bytes32 ref, IDrugProvenance.ShipmentRef memory shipment, uint256 k) = _pickShipment(i, lotSeed, unitSeed >> 8);
        if (ref == bytes32(0)) k = lotSeed % LOTS;
        (bytes32 serial, bytes32[] memory proof, bool inBatch) = unitAt(k, unitSeed);
        uint256 j = unitSeed % 7;
        bytes32[] memory shipmentProof = _shipmentProof(ref, j, inBatch);
        if ((unitSeed >> 8) % 8 == 7) {
            // A made-up shipment content: the serial alone as the root.
            shipment.serialsRoot = leaf(serial);
            shipmentProof = new bytes32[](0);
        }
        bool predicted = _isPharmacy(i) && _usable(_batches[k]) && inBatch && _units[k][j].pharmacy == 0
            && _carried(ref, shipment, i, k, j);
        bool ok;
        vm.prank(_actors[i]);
        try provenance.dispense(batchIdAt(k), serial, proof, shipment, shipmentProof) {
            ok = true;
        } catch (bytes memory err) {
            _refused(err);
        }
        assertEq(ok, predicted, "dispense succeeds exactly as the model predicts");
        if (ok) {
            ++succeeded[msg.sig];
            if (!_usable(_batches[k])) ++movedWhileStopped;
            if (!inBatch || _units[k][j].pharmacy != 0) ++doubleDispenses;
            _units[k][j] = UnitModel(uint8(i + 1), uint40(block.timestamp));
            (_lastDispensedAt, _lastLot, _lastSerial, _lastPharmacy) = (block.timestamp, k, j, i);
            _batches[k].dispensed += 1;
        }
        if (inBatch) _checkUnit(k, j, serial);
        _checkHolding(k, i);
    }

    function _shipmentProof(bytes32 ref, uint256 j, bool inBatch) internal view returns (bytes32[] memory proof) {
        ShipmentModel memory s = _shipments[ref];
        if (inBatch && s.mask != 0) (, proof) = subsetTree(s.lot, s.mask, j);
    }

    /// @dev Whether `shipment` (model `ref`) is one `i` received, as received, carrying serial `j` of lot `k`.
    function _carried(bytes32 ref, IDrugProvenance.ShipmentRef memory shipment, uint256 i, uint256 k, uint256 j)
        internal
        view
        returns (bool)
    {
        ShipmentModel memory s = _shipments[ref];
        return s.received && s.to == i && s.lot == k && shipment.serialsRoot == _rootOf(s)
            && shipment.shipper == _actors[s.from] && s.mask & (1 << j) != 0;
    }

    function _checkUnit(uint256 k, uint256 j, bytes32 serial) internal view {
        (address pharmacy, uint40 at) = provenance.dispenseOf(batchIdAt(k), serial);
        UnitModel memory u = _units[k][j];
        assertEq(pharmacy, u.pharmacy == 0 ? address(0) : _actors[u.pharmacy - 1], "dispenser as modelled");
        assertEq(at, u.dispensedAt, "dispense time as modelled");
    }

    function _rootOf(ShipmentModel memory s) internal pure returns (bytes32 root) {
        if (s.mask != 0) (root,) = subsetTree(s.lot, s.mask, 0);
    }

    /// @dev A shipment for `i` to dispense from (see {dispense}), and its lot; zero id: none yet.
    function _pickShipment(uint256 i, uint256 lotSeed, uint256 mode)
        internal
        view
        returns (bytes32 id, IDrugProvenance.ShipmentRef memory ref, uint256 k)
    {
        mode %= 8;
        if (mode == 6 && _open.length != 0) {
            id = _open[lotSeed % _open.length];
        } else if (_received.length != 0) {
            // Own shelf: the first received shipment to i from a random start; else anyone's.
            uint256 start = lotSeed % _received.length;
            id = _received[start];
            for (uint256 n; n < _received.length; ++n) {
                bytes32 candidate = _received[(start + n) % _received.length];
                bool mine = _shipments[candidate].to == i;
                if ((mode < 4 || mode == 7) == mine) {
                    id = candidate;
                    break;
                }
            }
        }
        if (id == bytes32(0)) {
            return (
                id,
                IDrugProvenance.ShipmentRef(bytes32(uint256(uint160(_actors[i]))), _actors[i], bytes32(uint256(1))),
                0
            );
        }
        ShipmentModel memory s = _shipments[id];
        ref = IDrugProvenance.ShipmentRef(id, _actors[s.from], _rootOf(s));
        k = s.lot;
    }

    /// @dev The shipper (mostly), the addressee or anyone cancels a shipment in transit, or a received one.
    function cancelShipment(uint256 by, uint256 shipSeed, bool asShipper) external replayed {
        bytes32 id;
        if (shipSeed % 8 == 0 && _received.length != 0) id = _received[shipSeed % _received.length];
        else if (_open.length != 0) id = _open[shipSeed % _open.length];
        else id = keccak256(abi.encode("never shipped", shipSeed));
        ShipmentModel memory s = _shipments[id];
        uint256 i = asShipper && (s.open || s.received) ? s.from : by % ACTORS;
        bool predicted = s.open && i == s.from && _active(i);
        bool ok;
        vm.prank(_actors[i]);
        try provenance.cancelShipment(id, batchIdAt(s.lot), _rootOf(s)) {
            ok = true;
        } catch (bytes memory err) {
            _refused(err);
        }
        assertEq(ok, predicted, "cancelShipment succeeds exactly as the model predicts");
        if (ok) {
            ++succeeded[msg.sig];
            delete _shipments[id];
            _removeOpen(id);
            _held[s.lot][i] += s.quantity;
            _batches[s.lot].inTransit -= s.quantity;
            _checkHolding(s.lot, i);
        }
    }

    function revertDispense(uint256 by, uint256 lotSeed, uint256 serialSeed, bool asPharmacy) external replayed {
        uint256 i = asPharmacy ? PHARMACY + by % 2 : by % ACTORS;
        uint256 k = lotSeed % LOTS;
        uint256 j = serialSeed % 4;
        // Half the time, the last unit dispensed (by its pharmacy, when asPharmacy).
        if (_lastDispensedAt != 0 && serialSeed % 8 < 4) {
            (k, j) = (_lastLot, _lastSerial);
            if (asPharmacy) i = _lastPharmacy;
        }
        UnitModel memory u = _units[k][j];
        bool predicted = _isPharmacy(i) && u.pharmacy == i + 1 && block.timestamp < uint256(u.dispensedAt) + 10 days;
        bool ok;
        vm.prank(_actors[i]);
        try provenance.revertDispense(batchIdAt(k), serialAt(k, j)) {
            ok = true;
        } catch (bytes memory err) {
            _refused(err);
        }
        assertEq(ok, predicted, "revertDispense succeeds exactly as the model predicts");
        if (ok) ++succeeded[msg.sig];
        if (ok) {
            delete _units[k][j];
            _batches[k].dispensed -= 1;
        }
        assertEq(provenance.dispenserOf(batchIdAt(k), serialAt(k, j)), ok ? address(0) : _dispenser(k, j), "dispenser");
        _checkHolding(k, i);
    }

    function reportSuspect(uint256 by, uint256 lotSeed, uint256 unitSeed, uint8 reasonSeed) external replayed {
        uint256 i = by % ACTORS;
        uint256 k = lotSeed % LOTS;
        (bytes32 serial,,) = unitAt(k, unitSeed);
        bytes32 reason = _reason(reasonSeed);
        bool predicted = reason != 0 && _active(i) && _batches[k].exists;
        bool ok;
        vm.prank(_actors[i]);
        try provenance.reportSuspect(batchIdAt(k), serial, reason) {
            ok = true;
        } catch (bytes memory err) {
            _refused(err);
        }
        assertEq(ok, predicted, "reportSuspect succeeds exactly as the model predicts");
        if (ok) ++succeeded[msg.sig];
        if (ok && _batches[k].status == ACTIVE && (!_released[k] || _isRegulator(i))) {
            _batches[k].status = QUARANTINED;
        }
        _checkStatus(k);
    }

    function quarantine(uint256 by, uint256 lotSeed, uint8 reasonSeed) external replayed {
        uint256 i = by % ACTORS;
        uint256 k = lotSeed % LOTS;
        bytes32 reason = _reason(reasonSeed);
        BatchModel memory b = _batches[k];
        bool predicted = reason != 0 && b.exists && b.status == ACTIVE
            && ((_held[k][i] != 0 && _active(i) && !_released[k]) || _isRegulator(i));
        bool ok;
        vm.prank(_actors[i]);
        try provenance.quarantine(batchIdAt(k), reason) {
            ok = true;
        } catch (bytes memory err) {
            _refused(err);
        }
        assertEq(ok, predicted, "quarantine succeeds exactly as the model predicts");
        if (ok) ++succeeded[msg.sig];
        if (ok) _batches[k].status = QUARANTINED;
        _checkStatus(k);
    }

    function release(uint256 by, uint256 lotSeed, bool asRegulator) external replayed {
        uint256 i = asRegulator ? REGULATOR : by % ACTORS;
        uint256 k = lotSeed % LOTS;
        bool predicted = _isRegulator(i) && _batches[k].exists && _batches[k].status == QUARANTINED;
        bool ok;
        vm.prank(_actors[i]);
        try provenance.release(batchIdAt(k)) {
            ok = true;
        } catch (bytes memory err) {
            _refused(err);
        }
        assertEq(ok, predicted, "release succeeds exactly as the model predicts");
        if (ok) ++succeeded[msg.sig];
        if (ok) (_batches[k].status, _released[k]) = (ACTIVE, true);
        _checkStatus(k);
    }

    function recall(uint256 by, uint256 lotSeed, uint8 reasonSeed) external replayed {
        uint256 i = by % ACTORS;
        uint256 k = lotSeed % LOTS;
        // Half the recalls carry no reason, so that batches stay in play through most of a run.
        bytes32 reason = reasonSeed % 2 == 0 ? bytes32(0) : bytes32("RECALL");
        BatchModel memory b = _batches[k];
        bool predicted =
            reason != 0 && b.exists && b.status != RECALLED && ((i == b.maker && _activeMaker(i)) || _isRegulator(i));
        bool ok;
        vm.prank(_actors[i]);
        try provenance.recall(batchIdAt(k), reason) {
            ok = true;
        } catch (bytes memory err) {
            _refused(err);
        }
        assertEq(ok, predicted, "recall succeeds exactly as the model predicts");
        if (ok) ++succeeded[msg.sig];
        if (ok) _batches[k].status = RECALLED;
        _checkStatus(k);
    }

    function toggleSuspension(uint256 who) external {
        uint256 i = who % (ACTORS - 1); // every member; the non-member cannot be suspended
        if (removed[i]) return; // a removed member holds no role to suspend
        vm.startPrank(gov);
        if (suspended[i]) registry.reinstateMember(_actors[i]);
        else registry.suspendMember(_actors[i], "AUDIT");
        vm.stopPrank();
        suspended[i] = !suspended[i];
    }

    /// @dev Removes the distributor, a pharmacy or a manufacturer from its role, or registers it again.
    function toggleRemoval(uint256 who) external {
        uint256[3] memory removable = [WHOLESALER, PHARMACY2, MAKER2];
        uint256 i = removable[who % 3];
        if (suspended[i]) return;
        bytes32 role = i == WHOLESALER
            ? MemberRoles.DISTRIBUTOR
            : i == PHARMACY2 ? MemberRoles.PHARMACY : MemberRoles.MANUFACTURER;
        vm.startPrank(gov);
        if (removed[i]) registry.registerMember(_actors[i], role, keccak256("licence again"));
        else registry.removeMember(_actors[i], role, "LICENCE_WITHDRAWN");
        vm.stopPrank();
        removed[i] = !removed[i];
    }

    /// @dev Assigns (op 0), reassigns (1) or revokes (2) the prefix of GTIN `g`, to manufacturer `m`,
    /// as the registry's admin, the regulator, or any actor (attackers: a manufacturer taking the other's
    /// prefix, a pharmacy, the non-member).
    function prefixAction(uint256 by, uint256 gSeed, uint8 op, bool toOther) external replayed {
        uint256 g = gSeed % 2;
        (uint64 prefix, uint8 length) = g == 0 ? (uint64(9_506_000), uint8(7)) : (uint64(950_601), uint8(6));
        uint256 c = by % 3 == 0 ? by % ACTORS : by % 3 == 1 ? GOV : REGULATOR;
        address caller = c == GOV ? gov : _actors[c];
        uint256 m = toOther ? MAKER + (1 - g) : MAKER + g;
        uint256 owner = _prefixOwner[g];
        op %= 3;
        bool predicted;
        bytes memory call;
        if (op == 0) {
            predicted = c == GOV && owner == NOBODY && _activeMaker(m);
            call = abi.encodeCall(provenance.assignCompanyPrefix, (prefix, length, _actors[m]));
        } else if (op == 1) {
            predicted = c == GOV && owner != NOBODY && owner != m && _activeMaker(m);
            call = abi.encodeCall(provenance.reassignCompanyPrefix, (prefix, length, _actors[m]));
        } else {
            predicted = (c == GOV || _isRegulator(c)) && owner != NOBODY;
            call = abi.encodeCall(provenance.revokeCompanyPrefix, (prefix, length, "REVIEW"));
        }
        vm.prank(caller);
        (bool ok, bytes memory err) = address(provenance).call(call);
        if (!ok) _refused(err);
        assertEq(ok, predicted, "prefix change succeeds exactly as the model predicts");
        if (ok) {
            ++succeeded[bytes4(uint32(msg.sig) + op)];
            _prefixOwner[g] = op == 2 ? NOBODY : m;
        }
        (address gtinOwner,,) = provenance.gtinOwnerOf(g == 0 ? GTIN : GTIN2);
        assertEq(gtinOwner, _prefixOwner[g] == NOBODY ? address(0) : _actors[_prefixOwner[g]], "GTIN owner");
    }

    /// @dev Moves time: up to 3 days, or to a day's last or next day's first second (expiry), or to
    /// the last or first second past the latest dispense's revert window; sometimes to the next block
    /// too (shipment ids recur within a block only).
    function warp(uint32 seconds_, uint8 mode) external {
        uint256 t = block.timestamp + bound(seconds_, 0, 3 days);
        if (mode % 4 == 1) t = (t / 1 days + 1) * 1 days - 1 + (mode / 4) % 2;
        if (mode % 4 == 2 && _lastDispensedAt + 10 days > block.timestamp) {
            t = _lastDispensedAt + 10 days - 1 + (mode / 4) % 2;
        }
        vm.warp(t);
        if (mode % 2 == 1) vm.roll(block.number + 1);
    }

    // ------------------------------------------------------------------------------------------
    // Model rules (the contract's, restated)

    function _active(uint256 i) internal view returns (bool) {
        return i != STRANGER && !suspended[i] && !removed[i];
    }

    function _activeMaker(uint256 i) internal view returns (bool) {
        return (i == MAKER || i == MAKER2) && _active(i);
    }

    function _isPharmacy(uint256 i) internal view returns (bool) {
        return (i == PHARMACY || i == PHARMACY2) && _active(i);
    }

    function _isRegulator(uint256 i) internal view returns (bool) {
        return i == REGULATOR && !suspended[i];
    }

    function _recipient(uint256 t, uint256 from, BatchModel memory b) internal view returns (bool) {
        if (t == from || !_active(t)) return false;
        return t == WHOLESALER || t == PHARMACY || t == PHARMACY2 || t == b.maker;
    }

    function _expired(BatchModel memory b) internal view returns (bool) {
        return block.timestamp / 1 days > b.expiryDay;
    }

    function _usable(BatchModel memory b) internal view returns (bool) {
        return b.exists && b.status == ACTIVE && !_expired(b);
    }

    function _reason(uint8 seed) internal pure returns (bytes32) {
        return seed % 8 == 0 ? bytes32(0) : bytes32("SUSPECT");
    }

    /// @dev The first actor from `start` on (cyclically) holding units of lot `k`, else `start`'s.
    function _holderOf(uint256 k, uint256 start) internal view returns (uint256) {
        for (uint256 n; n < ACTORS; ++n) {
            uint256 i = (start % ACTORS + n) % ACTORS;
            if (_held[k][i] != 0) return i;
        }
        return start % ACTORS;
    }

    /// @dev The first lot from `start` on (cyclically) that actor `i` holds units of, else `start`'s.
    function _lotHeldBy(uint256 i, uint256 start) internal view returns (uint256) {
        for (uint256 n; n < LOTS; ++n) {
            uint256 k = (start % LOTS + n) % LOTS;
            if (_held[k][i] != 0) return k;
        }
        return start % LOTS;
    }

    function _dispenser(uint256 k, uint256 j) internal view returns (address) {
        uint8 p = _units[k][j].pharmacy;
        return p == 0 ? address(0) : _actors[p - 1];
    }

    // ------------------------------------------------------------------------------------------
    // Event replay: ownership and finality from the contract's own trail

    function _index(address account) internal view returns (uint256) {
        if (account == gov) return GOV;
        for (uint256 i; i < ACTORS; ++i) {
            if (_actors[i] == account) return i;
        }
        return NOBODY;
    }

    /// @dev Whether `account` was an active member when it acted (the flags only change between calls).
    function _wasActive(address account) internal view returns (bool) {
        uint256 i = _index(account);
        return i < ACTORS && _active(i);
    }

    function _replay(Vm.Log[] memory logs) internal {
        for (uint256 n; n < logs.length; ++n) {
            Vm.Log memory log = logs[n];
            if (log.emitter != address(provenance)) continue;
            bytes32 sig = log.topics[0];
            if (sig == IDrugProvenance.CompanyPrefixAssigned.selector) {
                _evPrefixOwner[uint64(uint256(log.topics[1]))] = _addr(log.topics[2]);
                if (_addr(log.topics[3]) != gov) ++prefixChangedByOther;
            } else if (sig == IDrugProvenance.CompanyPrefixReassigned.selector) {
                _evPrefixOwner[uint64(uint256(log.topics[1]))] = _addr(log.topics[3]);
                (, address by) = abi.decode(log.data, (uint8, address));
                if (by != gov) ++prefixChangedByOther;
            } else if (sig == IDrugProvenance.CompanyPrefixRevoked.selector) {
                delete _evPrefixOwner[uint64(uint256(log.topics[1]))];
                address by = _addr(log.topics[3]);
                if (by != gov && !(_index(by) == REGULATOR && _wasActive(by))) ++prefixChangedByOther;
            } else if (sig == IDrugProvenance.BatchCommissioned.selector) {
                _replayCommissioned(log);
            } else if (sig == IDrugProvenance.Shipped.selector) {
                (bytes32 id, uint32 quantity, bytes32 root) = abi.decode(log.data, (bytes32, uint32, bytes32));
                address from = _addr(log.topics[2]);
                _evHeld[log.topics[1]][from] -= int256(uint256(quantity));
                if (_evHeld[log.topics[1]][from] < 0) ++shippedWithoutUnits;
                if (!_wasActive(from)) ++actedWhileInactive;
                (_evShippedTo[id], _evShippedQty[id]) = (_addr(log.topics[3]), quantity);
                (_evShippedFrom[id], _evShippedRoot[id], _evShippedBatch[id]) = (from, root, log.topics[1]);
            } else if (sig == IDrugProvenance.Received.selector) {
                bytes32 id = log.topics[1];
                address to = _addr(log.topics[3]);
                if (_evShippedTo[id] != to || !_wasActive(to)) ++receivedByAnother;
                _evHeld[log.topics[2]][to] += int256(uint256(_evShippedQty[id]));
                delete _evShippedTo[id];
                // The serials its Shipped root carried are now the addressee's to dispense.
                uint256 mask = _maskOfRoot[_evShippedRoot[id]] - 1;
                for (uint256 j; j < 4; ++j) {
                    if (mask & (1 << j) != 0) _evCarried[log.topics[2]][to][serialAtBatch(log.topics[2], j)] = true;
                }
            } else if (sig == IDrugProvenance.ShipmentCancelled.selector) {
                bytes32 id = log.topics[1];
                address shipper = _addr(log.topics[3]);
                if (_evShippedTo[id] == address(0) || _evShippedFrom[id] != shipper || !_wasActive(shipper)) {
                    ++cancelledByAnother;
                }
                _evHeld[log.topics[2]][shipper] += int256(uint256(_evShippedQty[id]));
                delete _evShippedTo[id];
            } else if (sig == IDrugProvenance.Dispensed.selector) {
                address pharmacy = _addr(log.topics[3]);
                // Custody of the serial: a Received shipment's root carried this serial to the pharmacy.
                if (!_evCarried[log.topics[1]][pharmacy][log.topics[2]] || !_wasActive(pharmacy)) {
                    ++dispensedWithoutCustody;
                }
                _evDispenser[log.topics[1]][log.topics[2]] = pharmacy;
            } else if (sig == IDrugProvenance.DispenseReverted.selector) {
                address pharmacy = _addr(log.topics[3]);
                if (_evDispenser[log.topics[1]][log.topics[2]] != pharmacy) ++revertedByAnother;
                delete _evDispenser[log.topics[1]][log.topics[2]];
            } else if (sig == IDrugProvenance.Released.selector) {
                _evReleased[log.topics[1]] = true;
            } else if (sig == IDrugProvenance.Quarantined.selector) {
                address by = _addr(log.topics[2]);
                bool regulator = _index(by) == REGULATOR && _wasActive(by);
                if (_evReleased[log.topics[1]] && !regulator) ++requarantinedByNonRegulator;
                if (!_wasActive(by)) ++actedWhileInactive;
            } else if (sig == IDrugProvenance.Recalled.selector) {
                (address by,) = abi.decode(log.data, (address, bytes32));
                bool regulator = _index(by) == REGULATOR && _wasActive(by);
                if (!regulator && !(by == _evMaker[log.topics[1]] && _wasActive(by))) ++actedWhileInactive;
            } else if (sig == IDrugProvenance.SuspectReported.selector) {
                if (!_wasActive(_addr(log.topics[3]))) ++actedWhileInactive;
            }
        }
    }

    function _replayCommissioned(Vm.Log memory log) internal {
        (uint64 gtin,,, uint32 quantity,) = abi.decode(log.data, (uint64, bytes32, uint32, uint32, bytes32));
        address manufacturer = _addr(log.topics[2]);
        uint64 prefix = gtin == GTIN ? 9_506_000 : gtin == GTIN2 ? 950_601 : 0;
        if (_evPrefixOwner[prefix] != manufacturer || !_wasActive(manufacturer)) ++commissionedByNonOwner;
        _evMaker[log.topics[1]] = manufacturer;
        _evHeld[log.topics[1]][manufacturer] += int256(uint256(quantity));
    }

    /// @dev Serial `j` of the lot whose batch id is `batchId`.
    function serialAtBatch(bytes32 batchId, uint256 j) public pure returns (bytes32) {
        for (uint256 k; k < LOTS; ++k) {
            if (batchIdAt(k) == batchId) return serialAt(k, j);
        }
        return bytes32(0);
    }

    function _addr(bytes32 topic) internal pure returns (address) {
        return address(uint160(uint256(topic)));
    }

    /// @dev An event-replayed holding, for the invariant to compare with the contract's.
    function eventHeld(bytes32 batchId, address holder) external view returns (int256) {
        return _evHeld[batchId][holder];
    }

    // ------------------------------------------------------------------------------------------
    // Per-call checks

    /// @dev A refusal is one of the contract's own errors: a selector, never a panic or a bare revert.
    function _refused(bytes memory err) internal pure {
        assertGe(err.length, 4, "a refusal names its error");
        bytes4 selector = bytes4(err);
        assertTrue(selector != 0x4e487b71, "never a panic (overflow, underflow, ...)");
        assertTrue(selector != 0x08c379a0, "never a string revert");
    }

    function _checkHolding(uint256 k, uint256 i) internal view {
        assertEq(provenance.balanceOf(_actors[i], batchIdAt(k)), _held[k][i], "holding as modelled");
        _checkStatus(k);
    }

    function _checkStatus(uint256 k) internal view {
        (,, uint8 status,,) = provenance.batchOf(batchIdAt(k));
        assertEq(status, _batches[k].status, "status as modelled");
    }

    function _removeOpen(bytes32 id) internal {
        uint256 at = _openIndex[id] - 1;
        bytes32 last = _open[_open.length - 1];
        _open[at] = last;
        _openIndex[last] = at + 1;
        _open.pop();
        delete _openIndex[id];
    }
}

/// @notice DrugProvenance's NatSpec invariants under random sequences of every state change.
contract DrugProvenanceInvariants is Fixture {
    ProvenanceHandler internal handler;

    function setUp() public {
        deployProvenance();
        handler = new ProvenanceHandler(
            provenance, registry, gov, [maker, maker2, wholesaler, pharmacy, pharmacy2, regulator, stranger]
        );
        targetContract(address(handler));
        bytes4[] memory selectors = new bytes4[](23);
        selectors[0] = ProvenanceHandler.commission.selector;
        selectors[1] = ProvenanceHandler.ship.selector;
        selectors[2] = ProvenanceHandler.ship.selector;
        selectors[3] = ProvenanceHandler.ship.selector;
        selectors[4] = ProvenanceHandler.receiveShipment.selector;
        selectors[5] = ProvenanceHandler.receiveShipment.selector;
        selectors[6] = ProvenanceHandler.receiveShipment.selector;
        selectors[7] = ProvenanceHandler.dispense.selector;
        selectors[8] = ProvenanceHandler.dispense.selector;
        selectors[9] = ProvenanceHandler.revertDispense.selector;
        selectors[10] = ProvenanceHandler.reportSuspect.selector;
        selectors[11] = ProvenanceHandler.quarantine.selector;
        selectors[12] = ProvenanceHandler.release.selector;
        selectors[13] = ProvenanceHandler.release.selector;
        selectors[14] = ProvenanceHandler.recall.selector;
        selectors[15] = ProvenanceHandler.toggleSuspension.selector;
        selectors[16] = ProvenanceHandler.warp.selector;
        selectors[17] = ProvenanceHandler.revertDispense.selector;
        selectors[18] = ProvenanceHandler.prefixAction.selector;
        selectors[19] = ProvenanceHandler.toggleRemoval.selector;
        selectors[20] = ProvenanceHandler.commission.selector;
        selectors[21] = ProvenanceHandler.cancelShipment.selector;
        selectors[22] = ProvenanceHandler.dispense.selector;
        targetSelector(FuzzSelector(address(handler), selectors));
    }

    /// @dev Conservation per batch (commissioned = Σ holdings + in transit, each read from
    /// the contract); holdings, statuses, shipments in transit and dispensed units as modelled; a unit
    /// dispensed at most once; verifyUnit as the model says, and never GENUINE for a serial outside the
    /// batch; a recalled, quarantined or expired batch never moved.
    function invariant_provenance() public view {
        uint256 lots = handler.LOTS();
        uint256[] memory inTransit = new uint256[](lots);
        bytes32[] memory open = handler.openShipments();
        for (uint256 s; s < open.length; ++s) {
            ProvenanceHandler.ShipmentModel memory m = handler.shipmentModel(open[s]);
            (address to, uint32 quantity, uint8 state) = provenance.shipmentOf(open[s]);
            assertEq(state, provenance.SHIPMENT_IN_TRANSIT(), "shipment in transit: state");
            assertEq(to, handler.actor(m.to), "shipment in transit: addressee");
            assertEq(quantity, m.quantity, "shipment in transit: quantity");
            inTransit[m.lot] += quantity;
        }
        for (uint256 k; k < lots; ++k) {
            _checkBatch(k, inTransit[k]);
        }
        assertEq(handler.movedWhileStopped(), 0, "nothing moves while recalled, quarantined or expired");
        assertEq(handler.commissionedByNonOwner(), 0, "every BatchCommissioned for a GTIN came from its prefix owner");
        assertEq(
            handler.dispensedWithoutCustody(),
            0,
            "a unit's Dispensed comes only from a pharmacy to which a received shipment carried that serial"
        );
        assertEq(handler.cancelledByAnother(), 0, "a ShipmentCancelled comes only from its shipper, before receipt");
        assertEq(handler.shippedWithoutUnits(), 0, "a Shipped never exceeds what its sender received and holds");
        assertEq(handler.revertedByAnother(), 0, "a DispenseReverted comes only from the unit's dispenser");
        assertEq(handler.receivedByAnother(), 0, "a Received comes only from the Shipped addressee, once, active");
        assertEq(handler.requarantinedByNonRegulator(), 0, "after a Released, only a regulator's Quarantined");
        assertEq(handler.actedWhileInactive(), 0, "no event names a suspended, removed or non-member actor");
        assertEq(handler.prefixChangedByOther(), 0, "prefix events only by the admin (revocation: or a regulator)");
        assertEq(handler.doubleDispenses(), 0, "a unit is dispensed at most once at a time");
    }

    function _checkBatch(uint256 k, uint256 inTransit) internal view {
        bytes32 batchId = handler.batchIdAt(k);
        ProvenanceHandler.BatchModel memory b = handler.batchModel(k);
        uint32 quantity = _checkRecord(k, batchId, b);
        assertEq(inTransit, b.inTransit, "in transit as modelled");
        uint256 held = _checkHoldings(k, batchId);
        for (uint256 i; i < handler.ACTORS(); ++i) {
            address a = handler.actor(i);
            assertTrue(
                handler.eventHeld(batchId, a) == int256(uint256(provenance.balanceOf(a, batchId))),
                "events replay to the holdings"
            );
        }
        uint256 dispensed = _checkUnits(k, batchId);
        assertEq(dispensed, b.dispensed, "dispensed as modelled");
        assertEq(held + inTransit, quantity, "conservation: commissioned = held + in transit");
        uint8 outside = b.exists ? provenance.UNIT_UNKNOWN_SERIAL() : provenance.UNIT_UNKNOWN_BATCH();
        for (uint256 mode = 4; mode < 7; ++mode) {
            (bytes32 serial, bytes32[] memory proof,) = handler.unitAt(k, mode);
            assertEq(
                provenance.verifyUnit(batchId, serial, proof), outside, "a serial outside the batch never verifies"
            );
        }
    }

    function _checkRecord(uint256 k, bytes32 batchId, ProvenanceHandler.BatchModel memory b)
        internal
        view
        returns (uint32 quantity)
    {
        address manufacturer;
        uint32 expiryDay;
        uint8 status;
        bytes32 root;
        (manufacturer, expiryDay, status, quantity, root) = provenance.batchOf(batchId);
        assertEq(manufacturer, b.exists ? handler.actor(b.maker) : address(0), "manufacturer");
        assertEq(status, b.status, "status");
        assertEq(quantity, b.quantity, "quantity");
        assertEq(expiryDay, b.expiryDay, "expiry");
        assertEq(root, b.exists ? handler.rootAt(k) : bytes32(0), "root");
    }

    function _checkHoldings(uint256 k, bytes32 batchId) internal view returns (uint256 held) {
        for (uint256 i; i < handler.ACTORS(); ++i) {
            uint32 balance = provenance.balanceOf(handler.actor(i), batchId);
            assertEq(balance, handler.heldModel(k, i), "holding");
            held += balance;
        }
    }

    function _checkUnits(uint256 k, bytes32 batchId) internal view returns (uint256 dispensed) {
        for (uint256 j; j < 4; ++j) {
            bytes32 serial = handler.serialAt(k, j);
            (address pharmacy, uint40 at) = provenance.dispenseOf(batchId, serial);
            (address modelPharmacy, uint40 modelAt) = handler.unitModel(k, j);
            assertEq(pharmacy, modelPharmacy, "dispenser");
            assertEq(at, modelAt, "dispense time");
            assertEq(provenance.dispenserOf(batchId, serial), pharmacy, "dispenserOf agrees with dispenseOf");
            if (pharmacy != address(0)) ++dispensed;
            assertEq(
                provenance.verifyUnit(batchId, serial, handler.proofAt(k, j)),
                handler.expectedStatus(k, j),
                "verifyUnit as modelled"
            );
        }
    }
}
