// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {
    AccessControlDefaultAdminRules
} from "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {IConsortiumRegistry} from "../interfaces/IConsortiumRegistry.sol";
import {MemberRoles, MEMBER_ROLE_COUNT} from "./MemberRoles.sol";

/// @title ConsortiumRegistry
/// @notice Who belongs to the medchain consortium, in which roles, backed by which credential, and
/// whether they are active. Built on OpenZeppelin AccessControl; the consortium's governance account
/// (a multisig in production) holds `DEFAULT_ADMIN_ROLE`, transferable only in two steps with a delay.
///
/// Invariants (checked by tests):
/// - `isActiveMember(a, r)` is true exactly when `hasRole(r, a)`, `r` is a member role and `a` is not suspended;
/// - the packed role mask of every account equals the set of member roles it holds in AccessControl;
/// - member roles change only through {registerMember}, {removeMember} and `renounceRole`, each with its
///   event, so the event trail alone reconstructs the membership at any block;
/// - suspension is scoped: governance suspends anyone, a regulator only members that are neither
///   regulators nor the admin; a suspension is lifted only by governance or by the regulator that imposed it;
/// - `isActive(a)` is true exactly when `isActiveMember(a, r)` is for some member role `r`: a removed or
///   suspended member is inactive for every contract that asks either view (see {ConsortiumGated}).
///
/// Privacy: members are organisations. Only a salted hash of a credential document is stored, never
/// the document, and reason codes are short codes, not free text.
contract ConsortiumRegistry is AccessControlDefaultAdminRules, IConsortiumRegistry {
    bytes32 public constant PROVIDER_ROLE = MemberRoles.PROVIDER;
    bytes32 public constant INSURER_ROLE = MemberRoles.INSURER;
    bytes32 public constant MANUFACTURER_ROLE = MemberRoles.MANUFACTURER;
    bytes32 public constant DISTRIBUTOR_ROLE = MemberRoles.DISTRIBUTOR;
    bytes32 public constant PHARMACY_ROLE = MemberRoles.PHARMACY;
    bytes32 public constant REGULATOR_ROLE = MemberRoles.REGULATOR;
    bytes32 public constant AUDITOR_ROLE = MemberRoles.AUDITOR;

    /// @notice The reason code of a {MemberRemoved} event caused by `renounceRole`.
    bytes32 public constant RENOUNCED = "RENOUNCED";

    mapping(address account => Member) private _members;
    mapping(address account => mapping(bytes32 role => bytes32 credentialHash)) private _credentials;

    /// @param governance The consortium governance account, holder of `DEFAULT_ADMIN_ROLE`.
    /// @param adminTransferDelay Seconds between starting and accepting a transfer of the admin role
    /// (OpenZeppelin {AccessControlDefaultAdminRules}); days in production, 0 on a local test chain.
    constructor(address governance, uint48 adminTransferDelay)
        AccessControlDefaultAdminRules(adminTransferDelay, governance)
    {}

    /// @dev Whether the caller holds the admin role; reverts unless it does or is an active regulator.
    function _adminOrRegulator() private view returns (bool admin) {
        admin = hasRole(DEFAULT_ADMIN_ROLE, msg.sender);
        if (!admin && !isActiveMember(msg.sender, REGULATOR_ROLE)) {
            revert ConsortiumRegistryNotAdminOrRegulator(msg.sender);
        }
    }

    // ------------------------------------------------------------------------------------------
    // Membership

    /// @inheritdoc IConsortiumRegistry
    function registerMember(address account, bytes32 role, bytes32 credentialHash)
        external
        onlyRole(DEFAULT_ADMIN_ROLE)
    {
        if (account == address(0)) revert ConsortiumRegistryZeroAddress();
        _requireMemberRole(role);
        if (credentialHash == bytes32(0)) revert ConsortiumRegistryEmptyCredential();
        if (hasRole(role, account)) revert ConsortiumRegistryAlreadyMember(account, role);

        _credentials[account][role] = credentialHash;
        _grantRole(role, account);
        emit MemberRegistered(account, role, credentialHash, msg.sender);
    }

    /// @inheritdoc IConsortiumRegistry
    function updateCredential(address account, bytes32 role, bytes32 credentialHash)
        external
        onlyRole(DEFAULT_ADMIN_ROLE)
    {
        _requireMemberRole(role);
        if (!hasRole(role, account)) revert ConsortiumRegistryRoleNotHeld(account, role);
        if (credentialHash == bytes32(0)) revert ConsortiumRegistryEmptyCredential();

        bytes32 previousHash = _credentials[account][role];
        _credentials[account][role] = credentialHash;
        emit MemberCredentialUpdated(account, role, previousHash, credentialHash);
    }

    /// @inheritdoc IConsortiumRegistry
    function removeMember(address account, bytes32 role, bytes32 reasonCode) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _requireMemberRole(role);
        if (!hasRole(role, account)) revert ConsortiumRegistryRoleNotHeld(account, role);
        if (reasonCode == bytes32(0)) revert ConsortiumRegistryMissingReason();

        _revokeRole(role, account);
        emit MemberRemoved(account, role, reasonCode, msg.sender);
    }

    /// @inheritdoc IConsortiumRegistry
    function suspendMember(address account, bytes32 reasonCode) external {
        bool admin = _adminOrRegulator();
        Member storage member = _members[account];
        uint8 roles = member.roles;
        if (roles == 0) revert ConsortiumRegistryUnknownMember(account);
        if (!admin && (roles & MemberRoles.bit(REGULATOR_ROLE) != 0 || hasRole(DEFAULT_ADMIN_ROLE, account))) {
            revert ConsortiumRegistrySuspensionOutOfScope(msg.sender, account);
        }
        if (member.suspendedAt != 0) revert ConsortiumRegistryAlreadySuspended(account, member.suspendedAt);
        if (reasonCode == bytes32(0)) revert ConsortiumRegistryMissingReason();

        member.suspendedAt = uint40(block.timestamp);
        member.suspendedBy = msg.sender;
        emit MemberSuspended(account, reasonCode, msg.sender);
    }

    /// @inheritdoc IConsortiumRegistry
    function reinstateMember(address account) external {
        bool admin = _adminOrRegulator();
        Member storage member = _members[account];
        if (member.suspendedAt == 0) revert ConsortiumRegistryNotSuspended(account);
        address suspendedBy = member.suspendedBy;
        if (!admin && suspendedBy != msg.sender) {
            revert ConsortiumRegistryNotSuspender(msg.sender, account, suspendedBy);
        }

        member.suspendedAt = 0;
        member.suspendedBy = address(0);
        emit MemberReinstated(account, msg.sender);
    }

    // ------------------------------------------------------------------------------------------
    // Views

    /// @inheritdoc IConsortiumRegistry
    function isActiveMember(address account, bytes32 role) public view returns (bool) {
        // Only the two fields read (one slot): copying the whole record to memory would decode `suspendedBy` too.
        Member storage member = _members[account];
        (uint8 roles, uint40 suspendedAt) = (member.roles, member.suspendedAt);
        return suspendedAt == 0 && (roles & MemberRoles.bit(role)) != 0;
    }

    /// @inheritdoc IConsortiumRegistry
    function isActive(address account) external view returns (bool) {
        Member storage member = _members[account];
        (uint8 roles, uint40 suspendedAt) = (member.roles, member.suspendedAt);
        return suspendedAt == 0 && roles != 0;
    }

    /// @inheritdoc IConsortiumRegistry
    function memberOf(address account) external view returns (Member memory) {
        return _members[account];
    }

    /// @inheritdoc IConsortiumRegistry
    function rolesOf(address account) external view returns (bytes32[] memory roles) {
        uint8 mask = _members[account].roles;
        bytes32[MEMBER_ROLE_COUNT] memory all = MemberRoles.all();
        roles = new bytes32[](MEMBER_ROLE_COUNT);
        uint256 n;
        for (uint256 i; i < MEMBER_ROLE_COUNT; ++i) {
            if (mask & (1 << i) != 0) roles[n++] = all[i];
        }
        // Trim the array to the roles found; n <= COUNT, so the store cannot grow it.
        assembly ("memory-safe") {
            mstore(roles, n)
        }
    }

    /// @inheritdoc IConsortiumRegistry
    function credentialOf(address account, bytes32 role) external view returns (bytes32) {
        return _credentials[account][role];
    }

    /// @notice ERC-165: also answers for {IConsortiumRegistry}, so consumers can check the address they are given.
    function supportsInterface(bytes4 interfaceId) public view override returns (bool) {
        return interfaceId == type(IConsortiumRegistry).interfaceId || super.supportsInterface(interfaceId);
    }

    // ------------------------------------------------------------------------------------------
    // AccessControl integration

    /// @notice Grants a non-member role (none exists today besides the admin's, which has its own rules).
    /// @dev Reverts with {ConsortiumRegistryDirectRoleChange} for member roles: use {registerMember}.
    function grantRole(bytes32 role, address account) public override {
        if (MemberRoles.bit(role) != 0) revert ConsortiumRegistryDirectRoleChange(role);
        super.grantRole(role, account);
    }

    /// @notice Revokes a non-member role.
    /// @dev Reverts with {ConsortiumRegistryDirectRoleChange} for member roles: use {removeMember}.
    function revokeRole(bytes32 role, address account) public override {
        if (MemberRoles.bit(role) != 0) revert ConsortiumRegistryDirectRoleChange(role);
        super.revokeRole(role, account);
    }

    /// @notice Gives up `role` held by the caller (`account` must be the caller, as in OpenZeppelin).
    /// @dev For a member role held, also emits {MemberRemoved} with reason {RENOUNCED}.
    function renounceRole(bytes32 role, address account) public override {
        bool memberRoleHeld = MemberRoles.bit(role) != 0 && hasRole(role, account);
        super.renounceRole(role, account);
        if (memberRoleHeld) emit MemberRemoved(account, role, RENOUNCED, account);
    }

    /// @dev Keeps the packed role mask in step with AccessControl on every grant.
    function _grantRole(bytes32 role, address account) internal override returns (bool granted) {
        granted = super._grantRole(role, account);
        uint8 bit = MemberRoles.bit(role);
        if (granted && bit != 0) {
            Member storage member = _members[account];
            member.roles |= bit;
            if (member.registeredAt == 0) member.registeredAt = uint40(block.timestamp);
        }
    }

    /// @dev Keeps the packed role mask in step with AccessControl on every revocation, and drops
    /// the credential of the role given up.
    function _revokeRole(bytes32 role, address account) internal override returns (bool revoked) {
        revoked = super._revokeRole(role, account);
        uint8 bit = MemberRoles.bit(role);
        if (revoked && bit != 0) {
            _members[account].roles &= ~bit;
            delete _credentials[account][role];
        }
    }

    function _requireMemberRole(bytes32 role) private pure {
        if (MemberRoles.bit(role) == 0) revert ConsortiumRegistryUnknownRole(role);
    }
}
