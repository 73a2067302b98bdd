// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {IDrugProvenance} from "../interfaces/IDrugProvenance.sol";

/// @notice Test-only consumer of {IDrugProvenance}: measures what {IDrugProvenance-verifyUnit} costs a
/// calling contract (a pharmacy system's contract, or the claims contract), as `gasleft()` before minus
/// after the call: ABI encoding of the proof, the CALL, the Merkle verification and decoding the answer.
contract ProvenanceProbe {
    /// @notice Emitted by {measure}: the answer and the gas of the first and of a repeated call.
    /// @param status What {IDrugProvenance-verifyUnit} answered.
    /// @param coldGas Gas of the first call in the transaction: contract address and slots cold.
    /// @param warmGas Gas of the same call repeated: address and slots warm (EIP-2929).
    event VerifyUnitGas(uint8 status, uint256 coldGas, uint256 warmGas);

    /// @notice The provenance contract under measurement.
    IDrugProvenance public immutable provenance;

    constructor(IDrugProvenance provenance_) {
        provenance = provenance_;
    }

    /// @notice Calls `provenance.verifyUnit` twice with the same arguments and reports both costs.
    /// @dev Send it as a transaction so the provenance contract is untouched before the first call (cold).
    /// Emits a {VerifyUnitGas} event.
    function measure(bytes32 batchId, bytes32 serialHash, bytes32[] calldata proof)
        external
        returns (uint8 status, uint256 coldGas, uint256 warmGas)
    {
        uint256 before = gasleft();
        status = provenance.verifyUnit(batchId, serialHash, proof);
        coldGas = before - gasleft();

        before = gasleft();
        provenance.verifyUnit(batchId, serialHash, proof);
        warmGas = before - gasleft();

        emit VerifyUnitGas(status, coldGas, warmGas);
    }
}
