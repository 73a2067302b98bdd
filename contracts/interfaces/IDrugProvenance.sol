// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IDrugProvenance
/// @notice Drug batch provenance after US DSCSA and EU FMD: manufacturers commission GS1-identified
/// batches (GTIN + lot + expiry, with a Merkle root over the units' serial hashes) of the GTINs under
/// the GS1 company prefixes the consortium's governance assigned them (brand ownership); licensed trading
/// partners hand custody over in two steps (ship, then receive); pharmacies verify a unit by its
/// serial and Merkle proof and dispense it once (revertible within 10 days); anyone in the consortium
/// reports suspect product, holders and regulators quarantine, regulators release, and manufacturers
/// or regulators recall. No personal data: parties are member addresses, units are serial hashes.
///
/// Expiry is a unix day: the number of whole days from 1970-01-01 (UTC) to the expiry date printed
/// on the pack (GS1 AI 17). The product may be used through that whole day: a batch is expired from
/// `(expiryDay + 1) * 86400` on.
interface IDrugProvenance {
    /// @notice Thrown when `gtin` is not a GTIN-14 (as an integer, 1 to 14 digits) with a valid GS1
    /// mod-10 check digit.
    error DrugProvenanceInvalidGtin(uint64 gtin);

    /// @notice Thrown when a batch's lot is zero (GS1 AI 10, left-aligned ASCII in a bytes32).
    error DrugProvenanceEmptyLot();

    /// @notice Thrown when `expiry` (a unix day) is before today or does not fit in 24 bits.
    error DrugProvenanceInvalidExpiry(uint32 expiry);

    /// @notice Thrown when a batch or shipment quantity is zero.
    error DrugProvenanceZeroQuantity();

    /// @notice Thrown when a batch's serials root is zero.
    error DrugProvenanceEmptySerialsRoot();

    /// @notice Thrown when commissioning batch `batchId`, already commissioned by `manufacturer`.
    error DrugProvenanceBatchExists(bytes32 batchId, address manufacturer);

    /// @notice Thrown when no batch `batchId` has been commissioned.
    error DrugProvenanceUnknownBatch(bytes32 batchId);

    /// @notice Thrown when batch `batchId` has been recalled: it can no longer be shipped, received,
    /// dispensed, quarantined or released.
    error DrugProvenanceBatchRecalled(bytes32 batchId);

    /// @notice Thrown when shipping, receiving or dispensing batch `batchId` while it is quarantined.
    error DrugProvenanceBatchQuarantined(bytes32 batchId);

    /// @notice Thrown when shipping, receiving or dispensing batch `batchId`, expired after `expiryDay`.
    error DrugProvenanceBatchExpired(bytes32 batchId, uint32 expiryDay);

    /// @notice Thrown when `holder` has `held` units of `batchId` and `needed` are required.
    error DrugProvenanceInsufficientUnits(address holder, bytes32 batchId, uint32 held, uint32 needed);

    /// @notice Thrown when `account` is not an active consortium member in any role.
    error DrugProvenanceInactiveMember(address account);

    /// @notice Thrown when shipping to `to`, which is neither an active distributor or pharmacy nor
    /// the batch's active manufacturer (a return), or is the sender itself.
    error DrugProvenanceInvalidRecipient(address to);

    /// @notice Thrown when `shipmentId` is not in transit (never shipped, or cancelled).
    error DrugProvenanceUnknownShipment(bytes32 shipmentId);

    /// @notice Thrown when `shipmentId` was received already.
    error DrugProvenanceShipmentReceived(bytes32 shipmentId);
    /// @notice Thrown when `shipmentId` is in transit with another batch, shipper or serials root than given.
    error DrugProvenanceShipmentMismatch(bytes32 shipmentId);
    /// @notice Thrown when `caller` dispenses from `shipmentId`, which it did not receive with the given contents.
    error DrugProvenanceNotReceived(bytes32 shipmentId, address caller);
    /// @notice Thrown when the proof does not show `serialHash` among shipment `shipmentId`'s serials.
    error DrugProvenanceSerialNotInShipment(bytes32 shipmentId, bytes32 serialHash);

    /// @notice A received shipment a unit is dispensed from: its id, shipper and serials root.
    struct ShipmentRef {
        bytes32 shipmentId;
        address shipper;
        bytes32 serialsRoot;
    }
    /// @notice Emitted when `shipper` cancels shipment `shipmentId` before its receipt.
    event ShipmentCancelled(bytes32 indexed shipmentId, bytes32 indexed batchId, address indexed shipper);
    /// @notice Thrown when `caller` receives `shipmentId`, addressed to `addressee`.
    error DrugProvenanceNotAddressee(bytes32 shipmentId, address addressee, address caller);

    /// @notice Thrown when the proof does not show `serialHash` among batch `batchId`'s serials.
    error DrugProvenanceUnknownSerial(bytes32 batchId, bytes32 serialHash);

    /// @notice Thrown when unit `serialHash` of `batchId` was dispensed by `pharmacy` at `dispensedAt`.
    error DrugProvenanceAlreadyDispensed(bytes32 batchId, bytes32 serialHash, address pharmacy, uint40 dispensedAt);

    /// @notice Thrown when reverting the dispense of unit `serialHash` of `batchId`, which is not dispensed.
    error DrugProvenanceNotDispensed(bytes32 batchId, bytes32 serialHash);

    /// @notice Thrown when `caller` reverts a dispense made by `pharmacy`.
    error DrugProvenanceNotDispenser(bytes32 batchId, bytes32 serialHash, address pharmacy, address caller);

    /// @notice Thrown when reverting a dispense at or after `closedAt` (10 days after dispensing).
    error DrugProvenanceRevertWindowClosed(bytes32 batchId, bytes32 serialHash, uint256 closedAt);

    /// @notice Thrown when a suspect report, quarantine or recall carries no reason code.
    error DrugProvenanceMissingReason();

    /// @notice Thrown when `caller`, neither an active holder of `batchId` nor an active regulator, quarantines it.
    error DrugProvenanceNotHolderOrRegulator(bytes32 batchId, address caller);

    /// @notice Thrown when `caller`, neither the manufacturer of `batchId` nor an active regulator, recalls it.
    error DrugProvenanceNotManufacturerOrRegulator(bytes32 batchId, address caller);

    /// @notice Thrown when quarantining batch `batchId`, which is quarantined already.
    error DrugProvenanceAlreadyQuarantined(bytes32 batchId);

    /// @notice Thrown when releasing batch `batchId`, which is not quarantined.
    error DrugProvenanceNotQuarantined(bytes32 batchId);

    /// @notice Thrown when `caller` commissions a batch of `gtin`, whose GS1 company prefix is assigned
    /// to `prefixOwner` (zero: to nobody).
    error DrugProvenanceGtinNotOwned(uint64 gtin, address prefixOwner, address caller);

    /// @notice Thrown when a company prefix is not `length` (6 to 12) digits: `prefix` >= 10^length.
    error DrugProvenanceInvalidCompanyPrefix(uint64 prefix, uint8 length);

    /// @notice Thrown when assigning company prefix (`prefix`, `length`), assigned to `owner` already
    /// (or reassigning it to its owner).
    error DrugProvenanceCompanyPrefixTaken(uint64 prefix, uint8 length, address owner);

    /// @notice Thrown when reassigning or revoking company prefix (`prefix`, `length`), not assigned.
    error DrugProvenanceCompanyPrefixNotAssigned(uint64 prefix, uint8 length);

    /// @notice Thrown when assigning company prefix (`prefix`, `length`) inside the assigned prefix
    /// (`assignedPrefix`, `assignedLength`) of `owner`: prefixes never overlap.
    error DrugProvenanceCompanyPrefixWithin(
        uint64 prefix, uint8 length, uint64 assignedPrefix, uint8 assignedLength, address owner
    );

    /// @notice Thrown when assigning company prefix (`prefix`, `length`) around `assignedWithin`
    /// longer assigned prefixes that start with it: prefixes never overlap.
    error DrugProvenanceCompanyPrefixCovers(uint64 prefix, uint8 length, uint32 assignedWithin);

    /// @notice Thrown when `caller`, not the consortium registry's admin, assigns or reassigns a prefix.
    error DrugProvenanceNotRegistryAdmin(address caller);

    /// @notice Thrown when `caller`, neither the registry's admin nor an active regulator, revokes a prefix.
    error DrugProvenanceNotRegistryAdminOrRegulator(address caller);

    /// @notice Thrown when `caller`, not an active regulator, quarantines batch `batchId` after a
    /// regulator released it: from then on only regulators quarantine it.
    error DrugProvenanceReleasedBatch(bytes32 batchId, address caller);

    /// @notice Emitted when the registry's admin `by` assigns GS1 company prefix (`prefix`, `length`)
    /// to `manufacturer`: from then on only it commissions batches of GTINs under that prefix.
    /// @param prefix The prefix's digits as an integer (leading zeros are counted by `length`).
    /// @param length Its number of digits, 6 to 12.
    event CompanyPrefixAssigned(uint64 indexed prefix, uint8 length, address indexed manufacturer, address indexed by);

    /// @notice Emitted when the registry's admin `by` moves company prefix (`prefix`, `length`) from
    /// `from` to `to` (batches commissioned before stay `from`'s).
    event CompanyPrefixReassigned(
        uint64 indexed prefix, uint8 length, address indexed from, address indexed to, address by
    );

    /// @notice Emitted when the registry's admin or a regulator `by` revokes company prefix
    /// (`prefix`, `length`) from `from`: nobody commissions its GTINs until it is assigned again.
    event CompanyPrefixRevoked(
        uint64 indexed prefix, uint8 length, address indexed from, address indexed by, bytes32 reasonCode
    );

    /// @notice Emitted when a manufacturer commissions a batch (GS1 CBV bizStep `commissioning`).
    /// @param batchId keccak256(abi.encode(gtin, lot)).
    /// @param manufacturer The commissioning manufacturer, first holder of every unit.
    /// @param gtin The GTIN-14 as an integer.
    /// @param lot The lot (GS1 AI 10), left-aligned ASCII.
    /// @param expiryDay The expiry date as a unix day.
    /// @param quantity The number of units.
    /// @param serialsRoot StandardMerkleTree root over the units' serial hashes.
    event BatchCommissioned(
        bytes32 indexed batchId,
        address indexed manufacturer,
        uint64 gtin,
        bytes32 lot,
        uint32 expiryDay,
        uint32 quantity,
        bytes32 serialsRoot
    );

    /// @notice Emitted when `from` ships `quantity` units of `batchId` to `to`; they are in transit.
    /// `serialsRoot` commits to the serials the shipment aggregates (an SSCC's contents).
    /// @param shipmentId The shipment (see {ship} for its layout); not indexed, since an event has at
    /// most three indexed fields and batch and parties are what trails are filtered by. {Received}
    /// indexes it.
    /// @param batchId The batch.
    /// @param from The shipping holder.
    /// @param to The addressee.
    /// @param quantity Units shipped.
    /// @param serialsRoot StandardMerkleTree root over the shipped units' serial hashes (same leaves as
    /// the batch's tree): the pharmacy it reaches dispenses exactly these serials.
    event Shipped(
        bytes32 shipmentId,
        bytes32 indexed batchId,
        address indexed from,
        address indexed to,
        uint32 quantity,
        bytes32 serialsRoot
    );

    /// @notice Emitted when `to` takes delivery of shipment `shipmentId` of `batchId`.
    event Received(bytes32 indexed shipmentId, bytes32 indexed batchId, address indexed to);

    /// @notice Emitted when `pharmacy` dispenses unit `serialHash` of `batchId` (EU FMD decommissioning).
    event Dispensed(bytes32 indexed batchId, bytes32 indexed serialHash, address indexed pharmacy);

    /// @notice Emitted when `pharmacy` undoes its dispense of unit `serialHash` of `batchId`.
    event DispenseReverted(bytes32 indexed batchId, bytes32 indexed serialHash, address indexed pharmacy);

    /// @notice Emitted when `reporter` reports unit `serialHash` (zero: the batch as a whole) of
    /// `batchId` as suspect (DSCSA suspect product).
    /// @param reasonCode A short code (e.g. `bytes32("PACKAGING_MISMATCH")`), never free text.
    event SuspectReported(
        bytes32 indexed batchId, bytes32 indexed serialHash, address indexed reporter, bytes32 reasonCode
    );

    /// @notice Emitted when batch `batchId` is quarantined by `by`.
    event Quarantined(bytes32 indexed batchId, address indexed by, bytes32 reasonCode);

    /// @notice Emitted when a regulator `by` releases batch `batchId` from quarantine.
    event Released(bytes32 indexed batchId, address indexed by);

    /// @notice Emitted when batch `batchId` is recalled by `by` (its manufacturer or a regulator).
    /// @dev `by` is not indexed: recalls are few (list them all, or filter by batch), and a third topic
    /// would put a regulator's recall over its 35,000-gas target.
    event Recalled(bytes32 indexed batchId, address by, bytes32 reasonCode);

    /// @notice Commissions a batch: the caller becomes the holder of all `quantity` units.
    /// @dev Requirements:
    /// - the caller is an active MANUFACTURER;
    /// - `gtin` is a GTIN-14 with a valid mod-10 check digit, whose GS1 company prefix (the 6 to 12
    ///   digits after the indicator digit) is assigned to the caller (see {assignCompanyPrefix});
    /// - `lot` is not zero;
    /// - `expiry` (a unix day) is today or later and below 2^24; `quantity` and `serialsRoot` are not zero;
    /// - the batch (gtin, lot) has not been commissioned.
    /// Emits a {BatchCommissioned} event.
    /// @return batchId keccak256(abi.encode(gtin, lot)).
    function commissionBatch(uint64 gtin, bytes32 lot, uint32 expiry, uint32 quantity, bytes32 serialsRoot)
        external
        returns (bytes32 batchId);

    /// @notice Ships `quantity` of the caller's units of `batchId` to `to`, the serials whose hashes
    /// `serialsRoot` commits to (a StandardMerkleTree over them, same leaves as the batch's tree). Until
    /// `to` receives them they are in transit and belong to neither side; the shipper may cancel until then.
    /// @dev The shipment id describes the shipment: bits 0..159 are `to`, 160..191 `quantity`,
    /// 192..231 the block number, 232..255 a counter within the block. It is unique among shipments in
    /// transit or received: it never recurs (a cancelled shipment's id may be reused in its block).
    /// The shipment stores one slot: keccak256(abi.encode(batchId, shipper, serialsRoot)), bit 0 set
    /// once received; receipt, cancel and dispense repeat those three values from the {Shipped} event.
    /// Requirements:
    /// - the caller is an active member holding at least `quantity` units of `batchId`;
    /// - the batch is neither recalled, quarantined nor expired; `quantity` and `serialsRoot` are not zero;
    /// - `to` is an active DISTRIBUTOR or PHARMACY, or the batch's active manufacturer (a return),
    ///   and not the caller.
    /// Emits a {Shipped} event.
    function ship(bytes32 batchId, address to, uint32 quantity, bytes32 serialsRoot)
        external
        returns (bytes32 shipmentId);

    /// @notice Takes delivery of shipment `shipmentId`: its units join the caller's holding, and its
    /// serials may be dispensed by the caller (see {dispense}).
    /// @dev Named `receiveShipment` because `receive` is reserved in Solidity for the ether-receive
    /// function. Suspension and removal take effect here too: a shipment to a member suspended since
    /// shipping stays in transit until it is reinstated.
    /// Requirements:
    /// - `shipmentId` is in transit (else {DrugProvenanceUnknownShipment}, or {DrugProvenanceShipmentReceived}),
    ///   of `batchId`, shipped by `from` with `serialsRoot` (else {DrugProvenanceShipmentMismatch});
    /// - it is addressed to the caller, an active member;
    /// - the batch is neither recalled, quarantined nor expired.
    /// Emits a {Received} event.
    function receiveShipment(bytes32 shipmentId, bytes32 batchId, address from, bytes32 serialsRoot) external;
    /// @notice Cancels the caller's shipment `shipmentId` before its receipt: its units are back in
    /// the caller's holding.
    /// @dev `batchId` and `serialsRoot` are the shipment's, as in its {Shipped} event.
    /// Requirements:
    /// - `shipmentId` is in transit (else {DrugProvenanceUnknownShipment}; received:
    ///   {DrugProvenanceShipmentReceived});
    /// - the caller shipped it, of `batchId` with `serialsRoot` (else {DrugProvenanceShipmentMismatch});
    /// - the caller is an active member (the batch's status does not matter: units only go back).
    /// Emits a {ShipmentCancelled} event.
    function cancelShipment(bytes32 shipmentId, bytes32 batchId, bytes32 serialsRoot) external;

    /// @notice Dispenses (verifies and decommissions) unit `serialHash` of `batchId` to a patient.
    /// @dev Custody of the serial, not of a count: the unit must have reached the caller in a shipment
    /// it received. `proof` is the StandardMerkleTree proof of `serialHash` against the batch's serials
    /// root; `shipment` is a shipment of `batchId` the caller received (id, shipper and serials root as
    /// in its {Shipped} event), and `shipmentProof` the proof of `serialHash` against that root.
    /// Dispensing does not change holdings (units received count in the holding until shipped on).
    /// Requirements:
    /// - the caller is an active PHARMACY;
    /// - the batch is neither recalled, quarantined nor expired;
    /// - `proof` shows `serialHash` in the batch (else {DrugProvenanceUnknownSerial});
    /// - `shipment` was received by the caller, of `batchId`, from `shipment.shipper` with
    ///   `shipment.serialsRoot` (else {DrugProvenanceNotReceived});
    /// - `shipmentProof` shows `serialHash` in that shipment (else {DrugProvenanceSerialNotInShipment});
    /// - the unit is not dispensed.
    /// Emits a {Dispensed} event.
    function dispense(
        bytes32 batchId,
        bytes32 serialHash,
        bytes32[] calldata proof,
        ShipmentRef calldata shipment,
        bytes32[] calldata shipmentProof
    ) external;

    /// @notice Undoes the caller's dispense of unit `serialHash` of `batchId` (EU FMD: within 10 days):
    /// the unit may be dispensed again (by a pharmacy a received shipment carried it to).
    /// @dev Requirements: the caller is an active PHARMACY that dispensed the unit less than 10 days ago.
    /// Emits a {DispenseReverted} event.
    function revertDispense(bytes32 batchId, bytes32 serialHash) external;

    /// @notice Reports unit `serialHash` of `batchId` (zero: the batch as a whole) as suspect. An active
    /// batch no regulator has released yet is quarantined; one a regulator released is quarantined
    /// only when the reporter is an active regulator (anyone else's report is logged for regulators
    /// to act on: a report cannot undo a regulator's release).
    /// @dev Requirements: the caller is an active member in any role; the batch exists; `reasonCode` is
    /// not zero. Emits a {SuspectReported} event, and a {Quarantined} event when the batch is quarantined.
    function reportSuspect(bytes32 batchId, bytes32 serialHash, bytes32 reasonCode) external;

    /// @notice Quarantines batch `batchId`: no shipping, receiving or dispensing until a regulator releases it.
    /// @dev Requirements: the caller is an active REGULATOR, or an active member holding units of the
    /// batch that no regulator has released yet; the batch exists and is active (neither quarantined
    /// nor recalled); `reasonCode` is not zero.
    /// Emits a {Quarantined} event.
    function quarantine(bytes32 batchId, bytes32 reasonCode) external;

    /// @notice Releases batch `batchId` from quarantine.
    /// @dev Requirements: the caller is an active REGULATOR; the batch is quarantined.
    /// Emits a {Released} event.
    function release(bytes32 batchId) external;

    /// @notice Recalls batch `batchId`, for good: it can never again be shipped, received or dispensed.
    /// @dev Requirements: the caller is the batch's manufacturer, an active MANUFACTURER (suspension
    /// and removal take effect here too: a suspended manufacturer's safety recall goes through a
    /// regulator), or an active REGULATOR; the batch exists and is not recalled; `reasonCode` is not zero.
    /// Emits a {Recalled} event.
    function recall(bytes32 batchId, bytes32 reasonCode) external;

    /// @notice What a pharmacist's scanner asks before dispensing: the status of unit `serialHash` of
    /// `batchId`, one of the `UNIT_*` constants.
    /// @dev Checked in this order: UNKNOWN_BATCH, UNKNOWN_SERIAL (the proof fails: possibly counterfeit),
    /// ALREADY_DISPENSED (possibly a copied serial), RECALLED, QUARANTINED, EXPIRED, else GENUINE.
    /// Never 0, so that a zeroed answer cannot read as genuine.
    function verifyUnit(bytes32 batchId, bytes32 serialHash, bytes32[] calldata proof)
        external
        view
        returns (uint8 status);

    /// @notice Units of `batchId` that `holder` received (or commissioned) and has not shipped on
    /// (in-transit units count for nobody; a pharmacy's dispensed units stay counted).
    function balanceOf(address holder, bytes32 batchId) external view returns (uint32);

    /// @notice The pharmacy that dispensed unit `serialHash` of `batchId` (zero if not dispensed, or
    /// if the dispense was reverted). For the claims contract: "this pharmacy dispensed this unit".
    function dispenserOf(bytes32 batchId, bytes32 serialHash) external view returns (address pharmacy);

    /// @notice When unit `serialHash` of `batchId` was dispensed, and by whom (zeros if not dispensed).
    function dispenseOf(bytes32 batchId, bytes32 serialHash)
        external
        view
        returns (address pharmacy, uint40 dispensedAt);

    /// @notice The dispense of unit `unitId` (see {unitIdOf}): the pharmacy, when, and until when it may
    /// still be reverted (zeros if not dispensed, or reverted). For the claims contract: a pharmacy's
    /// claim is paid only for a unit that pharmacy dispensed, once the dispense can no longer be undone.
    function unitDispense(bytes32 unitId)
        external
        view
        returns (address pharmacy, uint64 dispensedAt, uint64 revertibleUntil);

    /// @notice The id of unit `serialHash` of `batchId`: keccak256(abi.encode(batchId, serialHash)).
    function unitIdOf(bytes32 batchId, bytes32 serialHash) external pure returns (bytes32);

    /// @notice Batch `batchId`: manufacturer (zero if unknown), expiry (unix day), status (one of the
    /// `BATCH_*` constants, 0 if unknown), commissioned quantity and serials root.
    function batchOf(bytes32 batchId)
        external
        view
        returns (address manufacturer, uint32 expiryDay, uint8 status, uint32 quantity, bytes32 serialsRoot);

    /// @notice Shipment `shipmentId`: addressee, quantity and state (1 in transit, 2 received; zeros if
    /// never shipped, or cancelled). Its batch, shipper and serials root are in its {Shipped} event.
    function shipmentOf(bytes32 shipmentId) external view returns (address to, uint32 quantity, uint8 state);
    /// @notice The batch id of (gtin, lot): keccak256(abi.encode(gtin, lot)).
    function batchIdOf(uint64 gtin, bytes32 lot) external pure returns (bytes32);

    /// @notice Whether a regulator has released batch `batchId` at least once (from then on, only
    /// regulators quarantine it).
    function wasReleased(bytes32 batchId) external view returns (bool);

    /// @notice The manufacturer company prefix (`prefix`, `length`) is assigned to (zero: nobody).
    function companyPrefixOwner(uint64 prefix, uint8 length) external view returns (address);

    /// @notice The assigned company prefix `gtin` falls under, and its owner (zeros: none), i.e. who
    /// may commission batches of `gtin`.
    function gtinOwnerOf(uint64 gtin) external view returns (address owner, uint64 prefix, uint8 length);

    /// @notice Assigns GS1 company prefix (`prefix`, `length`) to `manufacturer`, the brand owner GS1
    /// licensed it to: from then on only `manufacturer` commissions batches of the GTINs under it.
    /// @dev Requirements:
    /// - the caller holds the consortium registry's admin role (governance);
    /// - `length` is 6 to 12 and `prefix` < 10^length;
    /// - `manufacturer` is an active MANUFACTURER;
    /// - the prefix is not assigned, and overlaps no assigned prefix (neither inside one nor around one).
    /// Emits a {CompanyPrefixAssigned} event.
    function assignCompanyPrefix(uint64 prefix, uint8 length, address manufacturer) external;

    /// @notice Moves assigned company prefix (`prefix`, `length`) to `manufacturer` (a brand sold, a
    /// licence transferred). Batches commissioned before stay their manufacturer's.
    /// @dev Requirements: the caller holds the registry's admin role; the prefix is assigned, to
    /// another account than `manufacturer`, an active MANUFACTURER.
    /// Emits a {CompanyPrefixReassigned} event.
    function reassignCompanyPrefix(uint64 prefix, uint8 length, address manufacturer) external;

    /// @notice Revokes company prefix (`prefix`, `length`): nobody commissions its GTINs until it is
    /// assigned again. Batches commissioned before are untouched.
    /// @dev Requirements: the caller holds the registry's admin role or is an active REGULATOR (it only
    /// restricts); the prefix is assigned; `reasonCode` is not zero.
    /// Emits a {CompanyPrefixRevoked} event.
    function revokeCompanyPrefix(uint64 prefix, uint8 length, bytes32 reasonCode) external;
}
