// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC165Checker} from "@openzeppelin/contracts/utils/introspection/ERC165Checker.sol";
import {IConsortiumRegistry} from "../interfaces/IConsortiumRegistry.sol";

/// @title ConsortiumGated
/// @notice Base for every medchain contract that acts for consortium members: holds the registry
/// (fixed at deployment) and checks that callers are active members in the role an action needs.
abstract contract ConsortiumGated {
    /// @notice Thrown at deployment when `registry` does not implement {IConsortiumRegistry} (ERC-165).
    error ConsortiumInvalidRegistry(address registry);

    /// @notice Thrown when `account` is not an active member in `role` (never registered, removed or suspended).
    error ConsortiumInactiveMember(address account, bytes32 role);

    /// @notice The consortium membership registry this contract trusts.
    IConsortiumRegistry public immutable registry;

    /// @param registry_ The deployed {ConsortiumRegistry}.
    constructor(IConsortiumRegistry registry_) {
        if (!ERC165Checker.supportsInterface(address(registry_), type(IConsortiumRegistry).interfaceId)) {
            revert ConsortiumInvalidRegistry(address(registry_));
        }
        registry = registry_;
    }

    /// @dev Reverts with {ConsortiumInactiveMember} unless the caller is an active member in `role`.
    modifier onlyActiveMember(bytes32 role) {
        _requireActiveMember(msg.sender, role);
        _;
    }

    /// @dev Reverts with {ConsortiumInactiveMember} unless `account` is an active member in `role`.
    function _requireActiveMember(address account, bytes32 role) internal view {
        if (!registry.isActiveMember(account, role)) revert ConsortiumInactiveMember(account, role);
    }
}
