// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IRecordAnchor
/// @notice Providers anchor salted hashes of medical records (never the records), singly or as
/// Merkle batches, so anyone holding a record, its salt and a proof can show who recorded it, when,
/// and that it has not changed since. Versions are linked (amend) and errors marked (retract);
/// nothing is ever erased.
///
/// Every anchor entry, batch and version link belongs to the provider that wrote it and is looked up
/// by that provider's address: another provider anchoring the same hash, or a batch root, or an inner
/// node of someone's tree, writes an entry of its own and never changes, blocks or shadows the first
/// provider's. Readers therefore always ask about a named provider (a receipt, a claim or a disclosure
/// names it).
interface IRecordAnchor {
    /// @notice Thrown when a record hash or batch root is zero.
    error RecordAnchorZeroHash();

    /// @notice Thrown when `provider` already anchored `recordHash` on its own, at `anchoredAt`.
    error RecordAnchorAlreadyAnchored(bytes32 recordHash, address provider, uint64 anchoredAt);

    /// @notice Thrown when a batch claims zero records.
    error RecordAnchorEmptyBatch();

    /// @notice Thrown when `provider` already anchored batch `root`, at `anchoredAt`.
    error RecordAnchorBatchExists(bytes32 root, address provider, uint64 anchoredAt);

    /// @notice Thrown when `provider` (the caller) has no entry of its own for `recordHash` (anchored
    /// alone, through amend, or proven into its batch first).
    error RecordAnchorNotAnchored(address provider, bytes32 recordHash);

    /// @notice Thrown when amending `recordHash`, already superseded by `supersededBy`.
    error RecordAnchorAlreadySuperseded(bytes32 recordHash, bytes32 supersededBy);

    /// @notice Thrown when amending or retracting `recordHash`, which is retracted (entered in error).
    error RecordAnchorRetracted(bytes32 recordHash);

    /// @notice Thrown when a retraction carries no reason code.
    error RecordAnchorMissingReason();

    /// @notice Thrown when `provider` (the caller) anchored no batch with `root`.
    error RecordAnchorUnknownBatch(address provider, bytes32 root);

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
    /// @param count Number of records in the batch, as the provider states it (not checked on chain).
    /// @param anchoredAt Block time of anchoring.
    event BatchAnchored(bytes32 indexed root, address indexed provider, uint32 count, uint64 anchoredAt);

    /// @notice Emitted when `provider` anchors `newHash` as a new version of its record `oldHash`.
    event RecordAmended(bytes32 indexed oldHash, bytes32 indexed newHash, address indexed provider);

    /// @notice Emitted when `provider` marks its record `recordHash` entered-in-error.
    /// @param reasonCode A short code (e.g. `bytes32("WRONG_PATIENT")`), never free text.
    event RecordRetracted(bytes32 indexed recordHash, address indexed provider, bytes32 reasonCode);

    /// @notice Anchors one record hash in the caller's own namespace.
    /// @dev Another provider's anchor of the same hash does not matter: each has its own entry.
    /// Requirements: the caller is an active PROVIDER; `recordHash` is not zero and the caller has not
    /// anchored it on its own yet.
    /// Emits a {RecordAnchored} event.
    function anchor(bytes32 recordHash) external;

    /// @notice Anchors the Merkle root of a batch of record hashes in the caller's own namespace.
    /// @dev Leaves follow OpenZeppelin's StandardMerkleTree for one `bytes32` value:
    /// `keccak256(bytes.concat(keccak256(abi.encode(recordHash))))`, pairs hashed sorted.
    /// `count` is the provider's statement of how many records the tree holds: it is stored and logged
    /// for readers, never checked (the contract never sees the leaves) and never relied on on chain.
    /// Requirements: the caller is an active PROVIDER; `root` is not zero and the caller has not
    /// anchored it yet; `count` > 0.
    /// Emits a {BatchAnchored} event.
    function anchorBatch(bytes32 root, uint32 count) external;

    /// @notice Anchors `newHash` as the new version of the caller's record `oldHash` and links them.
    /// @dev Requirements: the caller is an active PROVIDER and has its own entry for `oldHash` (anchored
    /// alone, through amend, or proven into its batch before); `oldHash` is neither superseded nor
    /// retracted; `newHash` is not zero and the caller has not anchored it on its own.
    /// Emits {RecordAnchored} and {RecordAmended} events.
    function amend(bytes32 oldHash, bytes32 newHash) external;

    /// @notice {amend} for a record of the caller's batch `root`, proven by `proof`.
    /// @dev The old record gets the caller's own entry (its batch's time) if it has none, then is amended.
    /// Requirements: those of {amend}; without an entry for `oldHash`, the caller anchored batch `root`
    /// and `proof` shows `oldHash` in it.
    /// Emits {RecordAnchored} and {RecordAmended} events.
    function amendInBatch(bytes32 root, bytes32 oldHash, bytes32[] calldata proof, bytes32 newHash) external;

    /// @notice Marks the caller's record `recordHash` (its own entry) as entered-in-error.
    /// @dev Only the caller's entry changes; another provider's anchor of the same hash is untouched.
    /// Requirements: the caller is an active PROVIDER and has its own entry for `recordHash`; it is not
    /// retracted yet; `reasonCode` is not zero.
    /// Emits a {RecordRetracted} event.
    function retract(bytes32 recordHash, bytes32 reasonCode) external;

    /// @notice {retract} for a record of the caller's batch `root`, proven by `proof`.
    /// @dev The record gets the caller's own entry (its batch's time) if it has none, then is retracted.
    /// Requirements: those of {retract}; without an entry for `recordHash`, the caller anchored batch
    /// `root` and `proof` shows `recordHash` in it.
    /// Emits a {RecordRetracted} event.
    function retractInBatch(bytes32 root, bytes32 recordHash, bytes32[] calldata proof, bytes32 reasonCode) external;

    /// @notice When `provider` anchored `recordHash`: alone (`root` == 0, `proof` ignored) or as a leaf of
    /// its batch `root` (OpenZeppelin StandardMerkleTree proof), and whether that provider has since
    /// retracted it. (0, false) when it did not.
    /// @dev With `root` == 0: `provider`'s own entry (anchored alone, through amend, or written when it
    /// amended or retracted the record in its batch). Otherwise: the time of `provider`'s batch `root` if
    /// the proof holds, with the retraction `provider` recorded for the hash (a retraction in a batch is
    /// kept in the provider's own entry). Nothing another provider did changes the answer.
    function anchorOf(address provider, bytes32 recordHash, bytes32 root, bytes32[] calldata proof)
        external
        view
        returns (uint64 anchoredAt, bool retracted);

    /// @notice `provider`'s own entry for `recordHash`: when it was anchored (0: no entry), the version
    /// that superseded it (zero if none) and whether `provider` retracted it.
    function verify(address provider, bytes32 recordHash)
        external
        view
        returns (uint64 anchoredAt, bytes32 supersededBy, bool retracted);

    /// @notice When `provider` anchored its batch `root`, if `proof` shows `recordHash` in it (0: not proven).
    function verifyInBatch(address provider, bytes32 root, bytes32 recordHash, bytes32[] calldata proof)
        external
        view
        returns (uint64 anchoredAt);

    /// @notice `provider`'s batch `root`: when it was anchored and the record count it stated (0, 0 if unknown).
    function batchOf(address provider, bytes32 root) external view returns (uint64 anchoredAt, uint32 count);

    /// @notice The latest version of `provider`'s record `recordHash`, following that provider's
    /// amendments (itself if never amended).
    /// @dev A view for off-chain callers; no contract calls it. The chain walked is only ever lengthened
    /// by `provider` itself, one {amend} (over 50,000 gas) per link, and each link costs this view one
    /// storage read (2,100 gas cold): no one else can make another provider's chain long.
    function latestVersion(address provider, bytes32 recordHash) external view returns (bytes32 latest);
}
