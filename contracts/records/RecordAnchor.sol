// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {ConsortiumGated} from "../access/ConsortiumGated.sol";
import {MemberRoles} from "../access/MemberRoles.sol";
import {IConsortiumRegistry} from "../interfaces/IConsortiumRegistry.sol";
import {IRecordAnchor} from "../interfaces/IRecordAnchor.sol";

/// @title RecordAnchor
/// @notice Attributed, contract-verifiable, batch-cheap, versioned anchoring of salted record hashes.
///
/// Ownership is in the storage keys: every anchor entry, batch and version link sits under the
/// address of the provider that wrote it (`mapping(provider => mapping(hash => ...))`), and every
/// state-changing function writes only under `msg.sender`. Hence (checked by tests, including forge
/// invariant suites with attacker providers):
/// - only the provider who created an entry ever changes it, and only by adding `supersededBy` or
///   `retracted`; an entry is never erased or re-attributed;
/// - another provider anchoring the same hash, a provider's batch root or an inner node of its tree
///   creates an entry of its own and changes nothing any reader is told about the first provider;
/// - a provider anchors a hash on its own at most once, and a root at most once;
/// - `verifyInBatch(p, root, h, proof)` is non-zero exactly when `p` anchored batch `root` and the
///   OpenZeppelin StandardMerkleTree proof of `h` against it holds.
///
/// Privacy: only salted hashes go on chain; without a record's own salt its hash cannot be
/// matched against a guess of the content.
contract RecordAnchor is IRecordAnchor, ConsortiumGated {
    /// @dev One slot: `anchoredAt` bits 0..63 (0: no entry), `retracted` 64..71.
    struct Anchor {
        uint64 anchoredAt;
        bool retracted;
    }

    /// @dev One slot: `anchoredAt` bits 0..63 (0: no batch), `count` 64..95.
    struct Batch {
        uint64 anchoredAt;
        uint32 count;
    }

    mapping(address provider => mapping(bytes32 recordHash => Anchor)) private _anchors;
    mapping(address provider => mapping(bytes32 recordHash => bytes32 newHash)) private _supersededBy;
    mapping(address provider => mapping(bytes32 root => Batch)) private _batches;

    /// @param registry_ The consortium registry: only its active providers anchor.
    constructor(IConsortiumRegistry registry_) ConsortiumGated(registry_) {}

    // ------------------------------------------------------------------------------------------
    // Anchoring

    /// @inheritdoc IRecordAnchor
    function anchor(bytes32 recordHash) external onlyActiveMember(MemberRoles.PROVIDER) {
        _anchor(recordHash);
    }

    /// @inheritdoc IRecordAnchor
    function anchorBatch(bytes32 root, uint32 count) external onlyActiveMember(MemberRoles.PROVIDER) {
        if (root == bytes32(0)) revert RecordAnchorZeroHash();
        if (count == 0) revert RecordAnchorEmptyBatch();
        Batch storage batch = _batches[msg.sender][root];
        uint64 existing = batch.anchoredAt;
        if (existing != 0) revert RecordAnchorBatchExists(root, msg.sender, existing);
        (batch.anchoredAt, batch.count) = (uint64(block.timestamp), count);
        emit BatchAnchored(root, msg.sender, count, uint64(block.timestamp));
    }

    // ------------------------------------------------------------------------------------------
    // Versions and errors

    /// @inheritdoc IRecordAnchor
    function amend(bytes32 oldHash, bytes32 newHash) external onlyActiveMember(MemberRoles.PROVIDER) {
        _amend(_ownAnchor(oldHash), oldHash, newHash);
    }

    /// @inheritdoc IRecordAnchor
    function amendInBatch(bytes32 root, bytes32 oldHash, bytes32[] calldata proof, bytes32 newHash)
        external
        onlyActiveMember(MemberRoles.PROVIDER)
    {
        _amend(_ownAnchorFromBatch(root, oldHash, proof), oldHash, newHash);
    }

    /// @inheritdoc IRecordAnchor
    function retract(bytes32 recordHash, bytes32 reasonCode) external onlyActiveMember(MemberRoles.PROVIDER) {
        _retract(_ownAnchor(recordHash), recordHash, reasonCode);
    }

    /// @inheritdoc IRecordAnchor
    function retractInBatch(bytes32 root, bytes32 recordHash, bytes32[] calldata proof, bytes32 reasonCode)
        external
        onlyActiveMember(MemberRoles.PROVIDER)
    {
        _retract(_ownAnchorFromBatch(root, recordHash, proof), recordHash, reasonCode);
    }

    // ------------------------------------------------------------------------------------------
    // Views

    /// @inheritdoc IRecordAnchor
    function anchorOf(address provider, bytes32 recordHash, bytes32 root, bytes32[] calldata proof)
        external
        view
        returns (uint64 anchoredAt, bool retracted)
    {
        Anchor memory a = _anchors[provider][recordHash];
        if (root == bytes32(0)) return (a.anchoredAt, a.retracted);
        anchoredAt = _provenInBatch(provider, root, recordHash, proof);
        retracted = anchoredAt != 0 && a.retracted;
    }

    /// @inheritdoc IRecordAnchor
    function verify(address provider, bytes32 recordHash)
        external
        view
        returns (uint64 anchoredAt, bytes32 supersededBy, bool retracted)
    {
        Anchor memory a = _anchors[provider][recordHash];
        return (a.anchoredAt, _supersededBy[provider][recordHash], a.retracted);
    }

    /// @inheritdoc IRecordAnchor
    function verifyInBatch(address provider, bytes32 root, bytes32 recordHash, bytes32[] calldata proof)
        external
        view
        returns (uint64 anchoredAt)
    {
        return _provenInBatch(provider, root, recordHash, proof);
    }

    /// @inheritdoc IRecordAnchor
    function batchOf(address provider, bytes32 root) external view returns (uint64 anchoredAt, uint32 count) {
        Batch memory batch = _batches[provider][root];
        return (batch.anchoredAt, batch.count);
    }

    /// @inheritdoc IRecordAnchor
    function latestVersion(address provider, bytes32 recordHash) external view returns (bytes32 latest) {
        mapping(bytes32 => bytes32) storage links = _supersededBy[provider];
        latest = recordHash;
        for (bytes32 next = links[latest]; next != bytes32(0); next = links[latest]) {
            latest = next;
        }
    }

    // ------------------------------------------------------------------------------------------
    // Internals

    /// @dev Writes the caller's own entry for `recordHash`.
    function _anchor(bytes32 recordHash) private {
        if (recordHash == bytes32(0)) revert RecordAnchorZeroHash();
        Anchor storage a = _anchors[msg.sender][recordHash];
        uint64 existing = a.anchoredAt;
        if (existing != 0) revert RecordAnchorAlreadyAnchored(recordHash, msg.sender, existing);
        a.anchoredAt = uint64(block.timestamp);
        emit RecordAnchored(recordHash, msg.sender, uint64(block.timestamp));
    }

    /// @dev Links the caller's `old` entry (for `oldHash`) to its new entry for `newHash`.
    function _amend(Anchor storage old, bytes32 oldHash, bytes32 newHash) private {
        if (old.retracted) revert RecordAnchorRetracted(oldHash);
        mapping(bytes32 => bytes32) storage links = _supersededBy[msg.sender];
        bytes32 successor = links[oldHash];
        if (successor != bytes32(0)) revert RecordAnchorAlreadySuperseded(oldHash, successor);
        _anchor(newHash);
        links[oldHash] = newHash;
        emit RecordAmended(oldHash, newHash, msg.sender);
    }

    /// @dev Marks the caller's `record` entry (for `recordHash`) retracted.
    function _retract(Anchor storage record, bytes32 recordHash, bytes32 reasonCode) private {
        if (reasonCode == bytes32(0)) revert RecordAnchorMissingReason();
        if (record.retracted) revert RecordAnchorRetracted(recordHash);
        record.retracted = true;
        emit RecordRetracted(recordHash, msg.sender, reasonCode);
    }

    /// @dev The caller's own entry for `recordHash`.
    function _ownAnchor(bytes32 recordHash) private view returns (Anchor storage a) {
        a = _anchors[msg.sender][recordHash];
        if (a.anchoredAt == 0) revert RecordAnchorNotAnchored(msg.sender, recordHash);
    }

    /// @dev The caller's own entry for `recordHash`; without one, written (with the batch's time) from a
    /// proof into the caller's own batch `root`, so that {verify} then tells the record's story.
    function _ownAnchorFromBatch(bytes32 root, bytes32 recordHash, bytes32[] calldata proof)
        private
        returns (Anchor storage a)
    {
        a = _anchors[msg.sender][recordHash];
        if (a.anchoredAt != 0) return a;
        uint64 batchAt = _batches[msg.sender][root].anchoredAt;
        if (batchAt == 0) revert RecordAnchorUnknownBatch(msg.sender, root);
        if (!MerkleProof.verifyCalldata(proof, root, _leaf(recordHash))) {
            revert RecordAnchorNotInBatch(root, recordHash);
        }
        a.anchoredAt = batchAt;
    }

    /// @dev When `provider` anchored batch `root`, if `proof` shows `recordHash` in it; else 0.
    function _provenInBatch(address provider, bytes32 root, bytes32 recordHash, bytes32[] calldata proof)
        private
        view
        returns (uint64)
    {
        uint64 batchAt = _batches[provider][root].anchoredAt;
        if (batchAt == 0 || !MerkleProof.verifyCalldata(proof, root, _leaf(recordHash))) return 0;
        return batchAt;
    }

    /// @dev OpenZeppelin StandardMerkleTree leaf of one bytes32 value (double hashed: no second-preimage
    /// confusion between leaves and inner nodes).
    function _leaf(bytes32 recordHash) private pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(recordHash))));
    }
}
