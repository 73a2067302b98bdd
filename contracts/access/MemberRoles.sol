// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

// Number of member roles; every role mask fits in this many low bits.
uint256 constant MEMBER_ROLE_COUNT = 7;

/// @title MemberRoles
/// @notice The consortium's member roles, as `keccak256` of the role name (OpenZeppelin convention),
/// and the bit each one occupies in a member's packed role mask.
/// @dev Bit order is part of the storage layout of {ConsortiumRegistry}: append, never reorder.
library MemberRoles {
    bytes32 internal constant PROVIDER = keccak256("PROVIDER_ROLE");
    bytes32 internal constant INSURER = keccak256("INSURER_ROLE");
    bytes32 internal constant MANUFACTURER = keccak256("MANUFACTURER_ROLE");
    bytes32 internal constant DISTRIBUTOR = keccak256("DISTRIBUTOR_ROLE");
    bytes32 internal constant PHARMACY = keccak256("PHARMACY_ROLE");
    bytes32 internal constant REGULATOR = keccak256("REGULATOR_ROLE");
    bytes32 internal constant AUDITOR = keccak256("AUDITOR_ROLE");

    /// @notice The mask bit of `role`: `1 << i` for the i-th role above, 0 for any other role.
    function bit(bytes32 role) internal pure returns (uint8) {
        if (role == PROVIDER) return 1 << 0;
        if (role == INSURER) return 1 << 1;
        if (role == MANUFACTURER) return 1 << 2;
        if (role == DISTRIBUTOR) return 1 << 3;
        if (role == PHARMACY) return 1 << 4;
        if (role == REGULATOR) return 1 << 5;
        if (role == AUDITOR) return 1 << 6;
        return 0;
    }

    /// @notice The roles in mask-bit order.
    function all() internal pure returns (bytes32[MEMBER_ROLE_COUNT] memory roles) {
        roles = [PROVIDER, INSURER, MANUFACTURER, DISTRIBUTOR, PHARMACY, REGULATOR, AUDITOR];
    }
}
