// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {ConsortiumGated} from "../access/ConsortiumGated.sol";
import {IConsortiumRegistry} from "../interfaces/IConsortiumRegistry.sol";
import {MemberRoles} from "../access/MemberRoles.sol";

/// @notice Test-only consumer of {ConsortiumGated}: one action gated on the provider role.
contract GatedProbe is ConsortiumGated {
    /// @notice Emitted when an active provider calls {ping}.
    event Pinged(address indexed provider);

    constructor(IConsortiumRegistry registry_) ConsortiumGated(registry_) {}

    /// @notice Succeeds only for an active provider. Emits a {Pinged} event.
    function ping() external onlyActiveMember(MemberRoles.PROVIDER) {
        emit Pinged(msg.sender);
    }
}
