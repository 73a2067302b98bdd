// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IConsortiumRegistry
/// @notice Membership of the medchain consortium: who acts as a provider, insurer, manufacturer,
/// distributor, pharmacy, regulator or auditor, and whether that membership is active right now.
/// Every other medchain contract takes the registry at construction and asks {isActiveMember}.
interface IConsortiumRegistry {
    /// @notice A member's record, packed in one storage slot.
    /// @dev Layout (low to high bits): `roles` 0..7, `registeredAt` 8..47, `suspendedAt` 48..87,
    /// `suspendedBy` 88..247. `roles` is a mask over {MemberRoles} bit order (bit 0 provider ... bit 6
    /// auditor); `suspendedBy` is the account that suspended the member (zero when not suspended).
    struct Member {
        uint8 roles;
        uint40 registeredAt;
        uint40 suspendedAt;
        address suspendedBy;
    }

    /// @notice Thrown when an account argument is the zero address.
    error ConsortiumRegistryZeroAddress();

    /// @notice Thrown when `role` is not one of the seven member roles.
    error ConsortiumRegistryUnknownRole(bytes32 role);

    /// @notice Thrown when a credential hash is zero: every membership is backed by a credential.
    error ConsortiumRegistryEmptyCredential();

    /// @notice Thrown when a suspension or removal carries no reason code.
    error ConsortiumRegistryMissingReason();

    /// @notice Thrown when registering `account` for a `role` it already holds.
    error ConsortiumRegistryAlreadyMember(address account, bytes32 role);

    /// @notice Thrown when acting on a `role` that `account` does not hold.
    error ConsortiumRegistryRoleNotHeld(address account, bytes32 role);

    /// @notice Thrown when suspending or reinstating an account that holds no member role.
    error ConsortiumRegistryUnknownMember(address account);

    /// @notice Thrown when suspending an account that has been suspended since `suspendedAt`.
    error ConsortiumRegistryAlreadySuspended(address account, uint40 suspendedAt);

    /// @notice Thrown when reinstating an account that is not suspended.
    error ConsortiumRegistryNotSuspended(address account);

    /// @notice Thrown when `account`, neither the admin nor an active regulator, tries to suspend or reinstate.
    error ConsortiumRegistryNotAdminOrRegulator(address account);

    /// @notice Thrown when `regulator` tries to suspend `account`, a regulator or the admin: only
    /// governance suspends regulators.
    error ConsortiumRegistrySuspensionOutOfScope(address regulator, address account);

    /// @notice Thrown when `caller`, a regulator, tries to lift the suspension of `account` that
    /// `suspendedBy` (another regulator or governance) imposed: only that authority or governance lifts it.
    error ConsortiumRegistryNotSuspender(address caller, address account, address suspendedBy);

    /// @notice Thrown on `grantRole`/`revokeRole` of a member role: use {registerMember}/{removeMember},
    /// which record the credential or reason that auditors need.
    error ConsortiumRegistryDirectRoleChange(bytes32 role);

    /// @notice Emitted when `account` joins as `role`, backed by `credentialHash`.
    /// @param account The new member.
    /// @param role The member role granted.
    /// @param credentialHash Salted hash of the licence or accreditation document (never the document).
    /// @param registeredBy The admin who registered the member.
    event MemberRegistered(
        address indexed account, bytes32 indexed role, bytes32 credentialHash, address indexed registeredBy
    );

    /// @notice Emitted when the credential behind `account`'s `role` is replaced (e.g. a renewed licence).
    /// @param account The member.
    /// @param role The role whose credential changed.
    /// @param previousHash The credential hash replaced.
    /// @param credentialHash The new credential hash.
    event MemberCredentialUpdated(
        address indexed account, bytes32 indexed role, bytes32 previousHash, bytes32 credentialHash
    );

    /// @notice Emitted when `account` loses `role`, by removal or by renouncing it.
    /// @param account The former holder of `role`.
    /// @param role The role removed.
    /// @param reasonCode Why; `RENOUNCED` (as bytes32) when the member gave the role up.
    /// @param removedBy The admin who removed it, or the member itself.
    event MemberRemoved(address indexed account, bytes32 indexed role, bytes32 reasonCode, address indexed removedBy);

    /// @notice Emitted when `account` is suspended: it stays registered but is no longer active.
    /// @param account The suspended member.
    /// @param reasonCode Why, as a short code (e.g. `bytes32("LICENCE_EXPIRED")`).
    /// @param suspendedBy The admin or regulator who suspended it.
    event MemberSuspended(address indexed account, bytes32 indexed reasonCode, address indexed suspendedBy);

    /// @notice Emitted when a suspended `account` becomes active again.
    /// @param account The reinstated member.
    /// @param reinstatedBy The admin or regulator who reinstated it.
    event MemberReinstated(address indexed account, address indexed reinstatedBy);

    /// @notice Registers `account` as a member in `role`, backed by `credentialHash`.
    /// @dev Requirements:
    /// - the caller holds `DEFAULT_ADMIN_ROLE`;
    /// - `account` is not the zero address and does not hold `role` yet;
    /// - `role` is a member role and `credentialHash` is not zero.
    /// An account may hold several roles (a hospital with its own pharmacy). Registering a suspended
    /// account adds the role but leaves it suspended.
    /// Emits a {MemberRegistered} and an {IAccessControl-RoleGranted} event.
    function registerMember(address account, bytes32 role, bytes32 credentialHash) external;

    /// @notice Replaces the credential behind `account`'s `role`.
    /// @dev Requirements: the caller holds `DEFAULT_ADMIN_ROLE`; `account` holds `role`; `credentialHash` is not zero.
    /// Emits a {MemberCredentialUpdated} event.
    function updateCredential(address account, bytes32 role, bytes32 credentialHash) external;

    /// @notice Removes `role` from `account`.
    /// @dev Requirements: the caller holds `DEFAULT_ADMIN_ROLE`; `account` holds `role`; `reasonCode` is not zero.
    /// Emits a {MemberRemoved} and an {IAccessControl-RoleRevoked} event.
    function removeMember(address account, bytes32 role, bytes32 reasonCode) external;

    /// @notice Suspends every role of `account` until it is reinstated.
    /// @dev Requirements:
    /// - the caller holds `DEFAULT_ADMIN_ROLE` or is an active regulator;
    /// - a regulator caller suspends only accounts that are neither regulators nor the admin
    ///   (governance alone suspends regulators);
    /// - `account` holds at least one member role and is not suspended;
    /// - `reasonCode` is not zero.
    /// The caller is recorded as `suspendedBy`. Emits a {MemberSuspended} event.
    function suspendMember(address account, bytes32 reasonCode) external;

    /// @notice Ends the suspension of `account`.
    /// @dev Requirements: `account` is suspended; the caller holds `DEFAULT_ADMIN_ROLE` (the highest
    /// authority lifts any suspension), or is the active regulator that suspended `account`.
    /// Emits a {MemberReinstated} event.
    function reinstateMember(address account) external;

    /// @notice Whether `account` holds member `role` and is not suspended. False for any other role.
    function isActiveMember(address account, bytes32 role) external view returns (bool);

    /// @notice Whether `account` holds at least one member role and is not suspended.
    function isActive(address account) external view returns (bool);

    /// @notice The packed membership record of `account` (all zero for a non-member).
    function memberOf(address account) external view returns (Member memory);

    /// @notice The member roles `account` holds, in {MemberRoles} bit order.
    function rolesOf(address account) external view returns (bytes32[] memory);

    /// @notice The credential hash behind `account`'s `role` (zero when the role is not held).
    function credentialOf(address account, bytes32 role) external view returns (bytes32);
}
