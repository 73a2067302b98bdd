// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {IRecordAnchor} from "../interfaces/IRecordAnchor.sol";

/// @notice Test-only consumer of {IRecordAnchor}: measures what {IRecordAnchor-verifyInBatch} costs a
/// calling contract, as `gasleft()` before minus after the call (ABI encoding of the proof, the CALL,
/// the anchor's Merkle verification and decoding the answer).
contract AnchorProbe {
    /// @notice Emitted by {measure}: the answer and the gas of the first and of a repeated call.
    /// @param provider The provider asked about when the proof held, zero when it did not.
    /// @param anchoredAt The batch's anchoring time, as answered (zero: not proven).
    /// @param coldGas Gas of the first call in the transaction: anchor address and batch slot cold.
    /// @param warmGas Gas of the same call repeated: address and slot warm (EIP-2929).
    event VerifyInBatchGas(address provider, uint64 anchoredAt, uint256 coldGas, uint256 warmGas);

    /// @notice The anchor contract under measurement.
    IRecordAnchor public immutable anchor;

    constructor(IRecordAnchor anchor_) {
        anchor = anchor_;
    }

    /// @notice Calls `anchor.verifyInBatch` for `provider`'s batch twice with the same arguments and
    /// reports both costs.
    /// @dev Send it as a transaction so the anchor is untouched before the first call (cold).
    /// Emits a {VerifyInBatchGas} event.
    function measure(address provider, bytes32 root, bytes32 recordHash, bytes32[] calldata proof)
        external
        returns (address proven, uint64 anchoredAt, uint256 coldGas, uint256 warmGas)
    {
        uint256 before = gasleft();
        anchoredAt = anchor.verifyInBatch(provider, root, recordHash, proof);
        coldGas = before - gasleft();

        before = gasleft();
        anchor.verifyInBatch(provider, root, recordHash, proof);
        warmGas = before - gasleft();

        if (anchoredAt != 0) proven = provider;
        emit VerifyInBatchGas(proven, anchoredAt, coldGas, warmGas);
    }
}
