// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {IConsentRegistry} from "../interfaces/IConsentRegistry.sol";

/// @notice Test-only consumer of {IConsentRegistry}: measures what {IConsentRegistry-hasConsent} costs a
/// calling contract, as `gasleft()` before minus after the call (ABI encoding, the CALL, the registry's
/// work and decoding the answer).
contract ConsentProbe {
    /// @notice Emitted by {measure}: the answer and the gas of the first and of a repeated call.
    /// @param allowed What {IConsentRegistry-hasConsent} answered.
    /// @param coldGas Gas of the first call in the transaction: registry address and consent slot cold.
    /// @param warmGas Gas of the same call repeated: address and slot warm (EIP-2929).
    event HasConsentGas(bool allowed, uint256 coldGas, uint256 warmGas);

    /// @notice The registry under measurement.
    IConsentRegistry public immutable registry;

    constructor(IConsentRegistry registry_) {
        registry = registry_;
    }

    /// @notice Calls `registry.hasConsent` twice with the same arguments and reports both costs.
    /// @dev Send it as a transaction so the registry is untouched before the first call (cold).
    /// Emits a {HasConsentGas} event.
    function measure(address patient, address grantee, uint256 purposes, uint256 categories)
        external
        returns (bool allowed, uint256 coldGas, uint256 warmGas)
    {
        uint256 before = gasleft();
        allowed = registry.hasConsent(patient, grantee, purposes, categories);
        coldGas = before - gasleft();

        before = gasleft();
        registry.hasConsent(patient, grantee, purposes, categories);
        warmGas = before - gasleft();

        emit HasConsentGas(allowed, coldGas, warmGas);
    }
}
