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
/// Invariants (checked by tests):
/// - an anchor, once written, is never erased or re-attributed: only `supersededBy` and `retracted`
///   are ever added to it;
/// - a hash is anchored on its own at most once; a root at most once;
/// - `verifyInBatch` returns a provider exactly when the batch exists and the OpenZeppelin
///   StandardMerkleTree proof of the record hash against its root holds.
///
/// Privacy: only salted hashes go on chain; without a record's own salt its hash cannot be
/// matched against a guess of the content.
contract RecordAnchor is IRecordAnchor, ConsortiumGated {
    /// @dev One slot: `provider` bits 0..159, `anchoredAt` 160..223, `retracted` 224..231.
    struct Anchor {
        address provider;
        uint64 anchoredAt;
        bool retracted;
    }

    /// @dev One slot: `provider` bits 0..159, `anchoredAt` 160..223, `count` 224..255.
    struct Batch {
        address provider;
        uint64 anchoredAt;
        uint32 count;
    }

    mapping(bytes32 recordHash => Anchor) private _anchors;
    mapping(bytes32 recordHash => bytes32 newHash) private _supersededBy;
    mapping(bytes32 root => Batch) private _batches;

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
        Batch storage batch = _batches[root];
        if (batch.provider != address(0)) revert RecordAnchorBatchExists(root, batch.provider, batch.anchoredAt);
        _batches[root] = Batch(msg.sender, uint64(block.timestamp), count);
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
    function verify(bytes32 recordHash)
        external
        view
        returns (address provider, uint64 anchoredAt, bytes32 supersededBy, bool retracted)
    {
        Anchor memory a = _anchors[recordHash];
        return (a.provider, a.anchoredAt, _supersededBy[recordHash], a.retracted);
    }

    /// @inheritdoc IRecordAnchor
    function verifyInBatch(bytes32 root, bytes32 recordHash, bytes32[] calldata proof)
        external
        view
        returns (address provider, uint64 anchoredAt)
    {
        Batch memory batch = _batches[root];
        if (batch.provider == address(0) || !MerkleProof.verifyCalldata(proof, root, _leaf(recordHash))) {
            return (address(0), 0);
        }
        return (batch.provider, batch.anchoredAt);
    }

    /// @inheritdoc IRecordAnchor
    function anchorOf(address provider, bytes32 recordHash, bytes32 root, bytes32[] calldata proof)
        external
        view
        returns (uint64 anchoredAt, bool retracted)
    {
        Anchor memory a = _anchors[recordHash];
        if (root == bytes32(0)) return a.provider == provider ? (a.anchoredAt, a.retracted) : (uint64(0), false);
        Batch memory batch = _batches[root];
        if (provider == address(0) || batch.provider != provider || !MerkleProof.verifyCalldata(proof, root, _leaf(recordHash))) {
            return (0, false);
        }
        return (batch.anchoredAt, a.provider == provider && a.retracted);
    }

    /// @inheritdoc IRecordAnchor
    function batchOf(bytes32 root) external view returns (address provider, uint64 anchoredAt, uint32 count) {
        Batch memory batch = _batches[root];
        return (batch.provider, batch.anchoredAt, batch.count);
    }

    /// @inheritdoc IRecordAnchor
    function latestVersion(bytes32 recordHash) external view returns (bytes32 latest) {
        latest = recordHash;
        for (bytes32 next = _supersededBy[latest]; next != bytes32(0); next = _supersededBy[latest]) {
            latest = next;
        }
    }

    // ------------------------------------------------------------------------------------------
    // Internals

    function _anchor(bytes32 recordHash) private {
        if (recordHash == bytes32(0)) revert RecordAnchorZeroHash();
        Anchor storage existing = _anchors[recordHash];
        if (existing.provider != address(0)) {
            revert RecordAnchorAlreadyAnchored(recordHash, existing.provider, existing.anchoredAt);
        }
        _anchors[recordHash] = Anchor(msg.sender, uint64(block.timestamp), false);
        emit RecordAnchored(recordHash, msg.sender, uint64(block.timestamp));
    }

    function _amend(Anchor storage old, bytes32 oldHash, bytes32 newHash) private {
        if (old.retracted) revert RecordAnchorRetracted(oldHash);
        bytes32 successor = _supersededBy[oldHash];
        if (successor != bytes32(0)) revert RecordAnchorAlreadySuperseded(oldHash, successor);
        _anchor(newHash);
        _supersededBy[oldHash] = newHash;
        emit RecordAmended(oldHash, newHash, msg.sender);
    }

    function _retract(Anchor storage record, bytes32 recordHash, bytes32 reasonCode) private {
        if (reasonCode == bytes32(0)) revert RecordAnchorMissingReason();
        if (record.retracted) revert RecordAnchorRetracted(recordHash);
        record.retracted = true;
        emit RecordRetracted(recordHash, msg.sender, reasonCode);
    }

    /// @dev The caller's own single anchor of `recordHash`.
    function _ownAnchor(bytes32 recordHash) private view returns (Anchor storage a) {
        a = _anchors[recordHash];
        if (a.provider == address(0)) revert RecordAnchorNotAnchored(recordHash);
        if (a.provider != msg.sender) revert RecordAnchorNotAnchoringProvider(recordHash, a.provider, msg.sender);
    }

    /// @dev The caller's own anchor of `recordHash`, proven into its batch `root`; written on first use
    /// with the batch's provider and time, so that {verify} then tells the record's story.
    function _ownAnchorFromBatch(bytes32 root, bytes32 recordHash, bytes32[] calldata proof)
        private
        returns (Anchor storage a)
    {
        a = _anchors[recordHash];
        if (a.provider != address(0)) {
            if (a.provider != msg.sender) revert RecordAnchorNotAnchoringProvider(recordHash, a.provider, msg.sender);
            return a;
        }
        Batch memory batch = _batches[root];
        if (batch.provider == address(0)) revert RecordAnchorUnknownBatch(root);
        if (batch.provider != msg.sender) revert RecordAnchorNotAnchoringProvider(recordHash, batch.provider, msg.sender);
        if (!MerkleProof.verifyCalldata(proof, root, _leaf(recordHash))) revert RecordAnchorNotInBatch(root, recordHash);
        a.provider = batch.provider;
        a.anchoredAt = batch.anchoredAt;
    }

    /// @dev OpenZeppelin StandardMerkleTree leaf of one bytes32 value (double hashed: no second-preimage
    /// confusion between leaves and inner nodes).
    function _leaf(bytes32 recordHash) private pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(recordHash))));
    }
}
