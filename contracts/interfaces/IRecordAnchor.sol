// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IRecordAnchor
/// @notice Providers anchor salted hashes of medical records (never the records), singly or as
/// Merkle batches, so anyone holding a record, its salt and a proof can show who recorded it, when,
/// and that it has not changed since. Versions are linked (amend) and errors marked (retract);
/// nothing is ever erased.
interface IRecordAnchor {
    /// @notice Thrown when a record hash or batch root is zero.
    error RecordAnchorZeroHash();

    /// @notice Thrown when `recordHash` was already anchored by `provider` at `anchoredAt`.
    error RecordAnchorAlreadyAnchored(bytes32 recordHash, address provider, uint64 anchoredAt);

    /// @notice Thrown when a batch claims zero records.
    error RecordAnchorEmptyBatch();

    /// @notice Thrown when batch `root` was already anchored by `provider` at `anchoredAt`.
    error RecordAnchorBatchExists(bytes32 root, address provider, uint64 anchoredAt);

    /// @notice Thrown when `recordHash` is not anchored on its own (or proven into a batch first).
    error RecordAnchorNotAnchored(bytes32 recordHash);

    /// @notice Thrown when `caller` acts on `recordHash`, which `provider` anchored.
    error RecordAnchorNotAnchoringProvider(bytes32 recordHash, address provider, address caller);

    /// @notice Thrown when amending `recordHash`, already superseded by `supersededBy`.
    error RecordAnchorAlreadySuperseded(bytes32 recordHash, bytes32 supersededBy);

    /// @notice Thrown when amending or retracting `recordHash`, which is retracted (entered in error).
    error RecordAnchorRetracted(bytes32 recordHash);

    /// @notice Thrown when a retraction carries no reason code.
    error RecordAnchorMissingReason();

    /// @notice Thrown when no batch with `root` is anchored.
    error RecordAnchorUnknownBatch(bytes32 root);

    /// @notice Thrown when `proof` does not show `recordHash` in batch `root`.
    error RecordAnchorNotInBatch(bytes32 root, bytes32 recordHash);

    /// @notice Emitted when `recordHash` is anchored by `provider`.
    /// @param recordHash keccak256(salt ‖ canonical record bytes).
    /// @param provider The anchoring provider.
    /// @param anchoredAt Block time of anchoring.
    event RecordAnchored(bytes32 indexed recordHash, address indexed provider, uint64 anchoredAt);

    /// @notice Emitted when a batch of `count` record hashes with Merkle `root` is anchored by `provider`.
    /// @param root StandardMerkleTree root over the batch's record hashes.
    /// @param provider The anchoring provider.
    /// @param count Number of records in the batch (as the provider states it).
    /// @param anchoredAt Block time of anchoring.
    event BatchAnchored(bytes32 indexed root, address indexed provider, uint32 count, uint64 anchoredAt);

    /// @notice Emitted when `newHash`, a new version of `oldHash`, is anchored and linked to it.
    event RecordAmended(bytes32 indexed oldHash, bytes32 indexed newHash, address indexed provider);

    /// @notice Emitted when `recordHash` is marked entered-in-error.
    /// @param reasonCode A short code (e.g. `bytes32("WRONG_PATIENT")`), never free text.
    event RecordRetracted(bytes32 indexed recordHash, address indexed provider, bytes32 reasonCode);

    /// @notice Anchors one record hash, attributed to the caller.
    /// @dev Requirements: the caller is an active PROVIDER; `recordHash` is not zero and not anchored.
    /// Emits a {RecordAnchored} event.
    function anchor(bytes32 recordHash) external;

    /// @notice Anchors the Merkle root of a batch of `count` record hashes, attributed to the caller.
    /// @dev Leaves follow OpenZeppelin's StandardMerkleTree for one `bytes32` value:
    /// `keccak256(bytes.concat(keccak256(abi.encode(recordHash))))`, pairs hashed sorted.
    /// Requirements: the caller is an active PROVIDER; `root` is not zero and not anchored; `count` > 0.
    /// Emits a {BatchAnchored} event.
    function anchorBatch(bytes32 root, uint32 count) external;

    /// @notice Anchors `newHash` as the new version of `oldHash` (anchored on its own) and links them.
    /// @dev Requirements: the caller is an active PROVIDER and anchored `oldHash`; `oldHash` is neither
    /// superseded nor retracted; `newHash` is not zero and not anchored.
    /// Emits {RecordAnchored} and {RecordAmended} events.
    function amend(bytes32 oldHash, bytes32 newHash) external;

    /// @notice {amend} for a record anchored in the caller's batch `root`, proven by `proof`.
    /// @dev The old record gets its own entry (batch provider and time), then is amended.
    function amendInBatch(bytes32 root, bytes32 oldHash, bytes32[] calldata proof, bytes32 newHash) external;

    /// @notice Marks `recordHash` (anchored on its own by the caller) as entered-in-error.
    /// @dev Requirements: the caller is an active PROVIDER and anchored it; it is not retracted yet;
    /// `reasonCode` is not zero. Emits a {RecordRetracted} event.
    function retract(bytes32 recordHash, bytes32 reasonCode) external;

    /// @notice {retract} for a record anchored in the caller's batch `root`, proven by `proof`.
    function retractInBatch(bytes32 root, bytes32 recordHash, bytes32[] calldata proof, bytes32 reasonCode)
        external;

    /// @notice Who anchored `recordHash` on its own and when (zero provider: not anchored), the
    /// version that superseded it (zero if none) and whether it was retracted.
    function verify(bytes32 recordHash)
        external
        view
        returns (address provider, uint64 anchoredAt, bytes32 supersededBy, bool retracted);

    /// @notice Who anchored batch `root` and when, if `proof` shows `recordHash` in it (zero provider: not proven).
    function verifyInBatch(bytes32 root, bytes32 recordHash, bytes32[] calldata proof)
        external
        view
        returns (address provider, uint64 anchoredAt);

    /// @notice When `provider` anchored `recordHash`: alone (`root` == 0) or as a leaf of its batch `root`
    /// (OZ StandardMerkleTree proof), and whether that provider has since retracted it. (0, false) when it
    /// did not.
    function anchorOf(address provider, bytes32 recordHash, bytes32 root, bytes32[] calldata proof)
        external
        view
        returns (uint64 anchoredAt, bool retracted);

    /// @notice The anchored batch `root`: provider, time and stated record count (all zero if unknown).
    function batchOf(bytes32 root) external view returns (address provider, uint64 anchoredAt, uint32 count);

    /// @notice The latest version of `recordHash`, following amendments (itself if never amended).
    function latestVersion(bytes32 recordHash) external view returns (bytes32);
}
