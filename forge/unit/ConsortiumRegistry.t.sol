// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {
    IAccessControlDefaultAdminRules
} from "@openzeppelin/contracts/access/extensions/IAccessControlDefaultAdminRules.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {Fixture} from "../base/Fixture.sol";
import {ConsortiumGated} from "../../contracts/access/ConsortiumGated.sol";
import {ConsortiumRegistry} from "../../contracts/access/ConsortiumRegistry.sol";
import {MemberRoles} from "../../contracts/access/MemberRoles.sol";
import {IConsortiumRegistry} from "../../contracts/interfaces/IConsortiumRegistry.sol";
import {GatedProbe} from "../../contracts/test/GatedProbe.sol";
import {TestStableToken} from "../../contracts/test/TestStableToken.sol";

/// @notice ConsortiumRegistry, MemberRoles and ConsortiumGated: every path, every refusal by selector
/// and arguments, every event.
contract ConsortiumRegistryTest is Fixture {
    bytes32 internal constant CRED = keccak256("credential");
    bytes32 internal constant REASON = "LICENCE_EXPIRED";
    address internal newcomer = address(0xBEEF);

    function setUp() public {
        deployRegistry();
    }

    // ------------------------------------------------------------------------------------------
    // registerMember

    function test_registerMember_grantsRoleStoresCredentialAndEmits() public {
        vm.warp(block.timestamp + 100);
        vm.expectEmit(true, true, true, true, address(registry));
        emit IAccessControl.RoleGranted(MemberRoles.PHARMACY, newcomer, gov);
        vm.expectEmit(true, true, true, true, address(registry));
        emit IConsortiumRegistry.MemberRegistered(newcomer, MemberRoles.PHARMACY, CRED, gov);
        vm.prank(gov);
        registry.registerMember(newcomer, MemberRoles.PHARMACY, CRED);

        assertTrue(registry.hasRole(MemberRoles.PHARMACY, newcomer), "role held");
        assertTrue(registry.isActiveMember(newcomer, MemberRoles.PHARMACY), "active pharmacy");
        assertFalse(registry.isActiveMember(newcomer, MemberRoles.PROVIDER), "not a provider");
        assertTrue(registry.isActive(newcomer), "active");
        assertEq(registry.credentialOf(newcomer, MemberRoles.PHARMACY), CRED, "credential");
        IConsortiumRegistry.Member memory m = registry.memberOf(newcomer);
        assertEq(m.roles, 1 << 4, "pharmacy bit");
        assertEq(m.registeredAt, block.timestamp, "registeredAt");
        assertEq(m.suspendedAt, 0, "not suspended");
    }

    function test_registerMember_secondRoleKeepsRegistrationTime() public {
        uint256 t0 = block.timestamp;
        vm.prank(gov);
        registry.registerMember(newcomer, MemberRoles.PROVIDER, CRED);
        vm.warp(t0 + 1 days);
        vm.prank(gov);
        registry.registerMember(newcomer, MemberRoles.PHARMACY, CRED);
        IConsortiumRegistry.Member memory m = registry.memberOf(newcomer);
        assertEq(m.roles, (1 << 0) | (1 << 4), "both bits");
        assertEq(m.registeredAt, t0, "first registration time kept");
        bytes32[] memory roles = registry.rolesOf(newcomer);
        assertEq(roles.length, 2, "two roles");
        assertEq(roles[0], MemberRoles.PROVIDER, "provider first");
        assertEq(roles[1], MemberRoles.PHARMACY, "then pharmacy");
    }

    function test_registerMember_everyRoleHasItsBit() public {
        bytes32[7] memory roles = [
            MemberRoles.PROVIDER,
            MemberRoles.INSURER,
            MemberRoles.MANUFACTURER,
            MemberRoles.DISTRIBUTOR,
            MemberRoles.PHARMACY,
            MemberRoles.REGULATOR,
            MemberRoles.AUDITOR
        ];
        for (uint256 i; i < roles.length; ++i) {
            vm.prank(gov);
            registry.registerMember(newcomer, roles[i], CRED);
            assertEq(registry.memberOf(newcomer).roles, (1 << (i + 1)) - 1, "mask grows bit by bit");
        }
        bytes32[] memory held = registry.rolesOf(newcomer);
        assertEq(held.length, 7, "all seven");
        for (uint256 i; i < roles.length; ++i) {
            assertEq(held[i], roles[i], "bit order");
        }
        assertEq(registry.PROVIDER_ROLE(), keccak256("PROVIDER_ROLE"), "provider name");
        assertEq(registry.INSURER_ROLE(), keccak256("INSURER_ROLE"), "insurer name");
        assertEq(registry.MANUFACTURER_ROLE(), keccak256("MANUFACTURER_ROLE"), "manufacturer name");
        assertEq(registry.DISTRIBUTOR_ROLE(), keccak256("DISTRIBUTOR_ROLE"), "distributor name");
        assertEq(registry.PHARMACY_ROLE(), keccak256("PHARMACY_ROLE"), "pharmacy name");
        assertEq(registry.REGULATOR_ROLE(), keccak256("REGULATOR_ROLE"), "regulator name");
        assertEq(registry.AUDITOR_ROLE(), keccak256("AUDITOR_ROLE"), "auditor name");
    }

    function test_registerMember_refusesNonAdmin() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector, regulator, registry.DEFAULT_ADMIN_ROLE()
            )
        );
        vm.prank(regulator);
        registry.registerMember(newcomer, MemberRoles.PROVIDER, CRED);
    }

    function test_registerMember_refusesZeroAddress() public {
        vm.expectRevert(IConsortiumRegistry.ConsortiumRegistryZeroAddress.selector);
        vm.prank(gov);
        registry.registerMember(address(0), MemberRoles.PROVIDER, CRED);
    }

    function test_registerMember_refusesUnknownRole() public {
        bytes32 role = keccak256("JANITOR_ROLE");
        vm.expectRevert(abi.encodeWithSelector(IConsortiumRegistry.ConsortiumRegistryUnknownRole.selector, role));
        vm.prank(gov);
        registry.registerMember(newcomer, role, CRED);
    }

    function test_registerMember_refusesEmptyCredential() public {
        vm.expectRevert(IConsortiumRegistry.ConsortiumRegistryEmptyCredential.selector);
        vm.prank(gov);
        registry.registerMember(newcomer, MemberRoles.PROVIDER, bytes32(0));
    }

    function test_registerMember_refusesExistingMember() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IConsortiumRegistry.ConsortiumRegistryAlreadyMember.selector, hospital, MemberRoles.PROVIDER
            )
        );
        vm.prank(gov);
        registry.registerMember(hospital, MemberRoles.PROVIDER, CRED);
    }

    // ------------------------------------------------------------------------------------------
    // updateCredential

    function test_updateCredential_replacesAndEmits() public {
        bytes32 previous = registry.credentialOf(hospital, MemberRoles.PROVIDER);
        vm.expectEmit(true, true, true, true, address(registry));
        emit IConsortiumRegistry.MemberCredentialUpdated(hospital, MemberRoles.PROVIDER, previous, CRED);
        vm.prank(gov);
        registry.updateCredential(hospital, MemberRoles.PROVIDER, CRED);
        assertEq(registry.credentialOf(hospital, MemberRoles.PROVIDER), CRED, "new credential");
    }

    function test_updateCredential_refusals() public {
        vm.startPrank(gov);
        bytes32 role = keccak256("JANITOR_ROLE");
        vm.expectRevert(abi.encodeWithSelector(IConsortiumRegistry.ConsortiumRegistryUnknownRole.selector, role));
        registry.updateCredential(hospital, role, CRED);
        vm.expectRevert(
            abi.encodeWithSelector(
                IConsortiumRegistry.ConsortiumRegistryRoleNotHeld.selector, hospital, MemberRoles.INSURER
            )
        );
        registry.updateCredential(hospital, MemberRoles.INSURER, CRED);
        vm.expectRevert(IConsortiumRegistry.ConsortiumRegistryEmptyCredential.selector);
        registry.updateCredential(hospital, MemberRoles.PROVIDER, bytes32(0));
        vm.stopPrank();
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector, hospital, registry.DEFAULT_ADMIN_ROLE()
            )
        );
        vm.prank(hospital);
        registry.updateCredential(hospital, MemberRoles.PROVIDER, CRED);
    }

    // ------------------------------------------------------------------------------------------
    // removeMember

    function test_removeMember_revokesDropsCredentialAndEmits() public {
        vm.expectEmit(true, true, true, true, address(registry));
        emit IAccessControl.RoleRevoked(MemberRoles.PROVIDER, hospital, gov);
        vm.expectEmit(true, true, true, true, address(registry));
        emit IConsortiumRegistry.MemberRemoved(hospital, MemberRoles.PROVIDER, REASON, gov);
        vm.prank(gov);
        registry.removeMember(hospital, MemberRoles.PROVIDER, REASON);
        assertFalse(registry.hasRole(MemberRoles.PROVIDER, hospital), "role gone");
        assertFalse(registry.isActiveMember(hospital, MemberRoles.PROVIDER), "not active");
        assertFalse(registry.isActive(hospital), "no role left");
        assertEq(registry.credentialOf(hospital, MemberRoles.PROVIDER), bytes32(0), "credential dropped");
        assertEq(registry.memberOf(hospital).roles, 0, "mask empty");
        assertEq(registry.rolesOf(hospital).length, 0, "no roles");
    }

    function test_removeMember_refusals() public {
        vm.startPrank(gov);
        bytes32 role = keccak256("JANITOR_ROLE");
        vm.expectRevert(abi.encodeWithSelector(IConsortiumRegistry.ConsortiumRegistryUnknownRole.selector, role));
        registry.removeMember(hospital, role, REASON);
        vm.expectRevert(
            abi.encodeWithSelector(
                IConsortiumRegistry.ConsortiumRegistryRoleNotHeld.selector, hospital, MemberRoles.INSURER
            )
        );
        registry.removeMember(hospital, MemberRoles.INSURER, REASON);
        vm.expectRevert(IConsortiumRegistry.ConsortiumRegistryMissingReason.selector);
        registry.removeMember(hospital, MemberRoles.PROVIDER, bytes32(0));
        vm.stopPrank();
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector, regulator, registry.DEFAULT_ADMIN_ROLE()
            )
        );
        vm.prank(regulator);
        registry.removeMember(hospital, MemberRoles.PROVIDER, REASON);
    }

    // ------------------------------------------------------------------------------------------
    // suspendMember / reinstateMember

    function test_suspend_byRegulator_deactivatesEveryRole_thenReinstateByAdmin() public {
        vm.prank(gov);
        registry.registerMember(hospital, MemberRoles.PHARMACY, CRED);
        vm.warp(block.timestamp + 5);
        vm.expectEmit(true, true, true, true, address(registry));
        emit IConsortiumRegistry.MemberSuspended(hospital, REASON, regulator);
        vm.prank(regulator);
        registry.suspendMember(hospital, REASON);
        assertEq(registry.memberOf(hospital).suspendedAt, block.timestamp, "suspendedAt");
        assertFalse(registry.isActiveMember(hospital, MemberRoles.PROVIDER), "provider inactive");
        assertFalse(registry.isActiveMember(hospital, MemberRoles.PHARMACY), "pharmacy inactive");
        assertFalse(registry.isActive(hospital), "inactive");
        assertTrue(registry.hasRole(MemberRoles.PROVIDER, hospital), "still registered");

        vm.expectEmit(true, true, true, true, address(registry));
        emit IConsortiumRegistry.MemberReinstated(hospital, gov);
        vm.prank(gov);
        registry.reinstateMember(hospital);
        assertTrue(registry.isActiveMember(hospital, MemberRoles.PROVIDER), "active again");
        assertTrue(registry.isActive(hospital), "active");
    }

    function test_suspend_recordsTheSuspender_reinstateClearsIt() public {
        vm.prank(regulator);
        registry.suspendMember(hospital, REASON);
        assertEq(registry.memberOf(hospital).suspendedBy, regulator, "suspendedBy");
        vm.expectEmit(true, true, true, true, address(registry));
        emit IConsortiumRegistry.MemberReinstated(hospital, regulator);
        vm.prank(regulator);
        registry.reinstateMember(hospital);
        assertEq(registry.memberOf(hospital).suspendedBy, address(0), "cleared");
        assertTrue(registry.isActive(hospital), "reinstated by the regulator that suspended it");
    }

    function test_regulatorCannotLiftGovernanceSuspension() public {
        vm.prank(gov);
        registry.suspendMember(hospital, "FRAUD");
        vm.expectRevert(
            abi.encodeWithSelector(
                IConsortiumRegistry.ConsortiumRegistryNotSuspender.selector, regulator, hospital, gov
            )
        );
        vm.prank(regulator);
        registry.reinstateMember(hospital);
        assertFalse(registry.isActive(hospital), "still suspended");
    }

    function test_regulatorCannotLiftAnotherRegulatorsSuspension_governanceCan() public {
        address regulator2 = address(0x4E62);
        vm.prank(gov);
        registry.registerMember(regulator2, MemberRoles.REGULATOR, CRED);
        vm.prank(regulator);
        registry.suspendMember(hospital, REASON);
        vm.expectRevert(
            abi.encodeWithSelector(
                IConsortiumRegistry.ConsortiumRegistryNotSuspender.selector, regulator2, hospital, regulator
            )
        );
        vm.prank(regulator2);
        registry.reinstateMember(hospital);
        vm.expectEmit(true, true, true, true, address(registry));
        emit IConsortiumRegistry.MemberReinstated(hospital, gov);
        vm.prank(gov);
        registry.reinstateMember(hospital);
        assertTrue(registry.isActive(hospital), "the higher authority lifts any suspension");
    }

    function test_regulatorCannotSuspendRegulatorsOrGovernance() public {
        address regulator2 = address(0x4E62);
        vm.startPrank(gov);
        registry.registerMember(regulator2, MemberRoles.REGULATOR, CRED);
        registry.registerMember(clinic, MemberRoles.REGULATOR, CRED); // a provider that is also a regulator
        registry.registerMember(gov, MemberRoles.AUDITOR, CRED); // governance holding a member role
        vm.stopPrank();
        address[4] memory targets = [regulator2, clinic, regulator, gov];
        for (uint256 i; i < targets.length; ++i) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    IConsortiumRegistry.ConsortiumRegistrySuspensionOutOfScope.selector, regulator, targets[i]
                )
            );
            vm.prank(regulator);
            registry.suspendMember(targets[i], REASON);
        }
        vm.prank(gov);
        registry.suspendMember(regulator2, REASON);
        assertFalse(registry.isActive(regulator2), "governance suspends regulators");
    }

    function test_suspendingRegulatorSuspended_onlyGovernanceLiftsItsSuspensions() public {
        vm.prank(regulator);
        registry.suspendMember(hospital, REASON);
        vm.prank(gov);
        registry.suspendMember(regulator, REASON);
        vm.expectRevert(
            abi.encodeWithSelector(IConsortiumRegistry.ConsortiumRegistryNotAdminOrRegulator.selector, regulator)
        );
        vm.prank(regulator);
        registry.reinstateMember(hospital);
        vm.prank(gov);
        registry.reinstateMember(hospital);
        assertTrue(registry.isActive(hospital), "reinstated by governance");
    }

    function test_removedAndSuspendedMembers_inactiveInEveryView() public {
        GatedProbe probe = new GatedProbe(registry);
        address[3] memory accounts = [hospital, clinic, newcomer];
        vm.startPrank(gov);
        registry.registerMember(newcomer, MemberRoles.PROVIDER, CRED);
        registry.suspendMember(hospital, REASON);
        registry.removeMember(clinic, MemberRoles.PROVIDER, REASON);
        vm.stopPrank();
        vm.prank(newcomer);
        registry.renounceRole(MemberRoles.PROVIDER, newcomer);
        bytes32[7] memory roles = MemberRoles.all();
        for (uint256 i; i < accounts.length; ++i) {
            assertFalse(registry.isActive(accounts[i]), "isActive false");
            for (uint256 r; r < roles.length; ++r) {
                assertFalse(registry.isActiveMember(accounts[i], roles[r]), "isActiveMember false for every role");
            }
            vm.expectRevert(
                abi.encodeWithSelector(
                    ConsortiumGated.ConsortiumInactiveMember.selector, accounts[i], MemberRoles.PROVIDER
                )
            );
            vm.prank(accounts[i]);
            probe.ping();
        }
    }

    function test_suspend_refusals() public {
        vm.expectRevert(
            abi.encodeWithSelector(IConsortiumRegistry.ConsortiumRegistryNotAdminOrRegulator.selector, hospital)
        );
        vm.prank(hospital);
        registry.suspendMember(clinic, REASON);

        vm.startPrank(gov);
        vm.expectRevert(abi.encodeWithSelector(IConsortiumRegistry.ConsortiumRegistryUnknownMember.selector, newcomer));
        registry.suspendMember(newcomer, REASON);
        vm.expectRevert(IConsortiumRegistry.ConsortiumRegistryMissingReason.selector);
        registry.suspendMember(hospital, bytes32(0));
        registry.suspendMember(hospital, REASON);
        uint40 at = uint40(block.timestamp);
        vm.expectRevert(
            abi.encodeWithSelector(IConsortiumRegistry.ConsortiumRegistryAlreadySuspended.selector, hospital, at)
        );
        registry.suspendMember(hospital, REASON);
        vm.expectRevert(abi.encodeWithSelector(IConsortiumRegistry.ConsortiumRegistryNotSuspended.selector, clinic));
        registry.reinstateMember(clinic);
        vm.stopPrank();
    }

    function test_suspendedRegulator_cannotActAnyMore() public {
        vm.prank(gov);
        registry.suspendMember(regulator, REASON);
        vm.expectRevert(
            abi.encodeWithSelector(IConsortiumRegistry.ConsortiumRegistryNotAdminOrRegulator.selector, regulator)
        );
        vm.prank(regulator);
        registry.reinstateMember(regulator);
    }

    function test_registeringSuspendedAccount_leavesItSuspended() public {
        vm.startPrank(gov);
        registry.suspendMember(hospital, REASON);
        registry.registerMember(hospital, MemberRoles.AUDITOR, CRED);
        vm.stopPrank();
        assertFalse(registry.isActiveMember(hospital, MemberRoles.AUDITOR), "new role suspended too");
    }

    // ------------------------------------------------------------------------------------------
    // AccessControl integration

    function test_grantAndRevokeRole_refuseMemberRoles() public {
        vm.startPrank(gov);
        vm.expectRevert(
            abi.encodeWithSelector(
                IConsortiumRegistry.ConsortiumRegistryDirectRoleChange.selector, MemberRoles.PROVIDER
            )
        );
        registry.grantRole(MemberRoles.PROVIDER, newcomer);
        vm.expectRevert(
            abi.encodeWithSelector(
                IConsortiumRegistry.ConsortiumRegistryDirectRoleChange.selector, MemberRoles.PROVIDER
            )
        );
        registry.revokeRole(MemberRoles.PROVIDER, hospital);
        vm.stopPrank();
    }

    function test_grantAndRevokeRole_nonMemberRoleGoesThroughAccessControl() public {
        bytes32 role = keccak256("OPERATOR_ROLE");
        vm.startPrank(gov);
        registry.grantRole(role, newcomer);
        assertTrue(registry.hasRole(role, newcomer), "granted");
        assertEq(registry.memberOf(newcomer).roles, 0, "not a member role");
        assertFalse(registry.isActive(newcomer), "not a member");
        registry.revokeRole(role, newcomer);
        vm.stopPrank();
        assertFalse(registry.hasRole(role, newcomer), "revoked");
    }

    function test_grantRole_adminRoleFollowsDefaultAdminRules() public {
        vm.expectRevert(IAccessControlDefaultAdminRules.AccessControlEnforcedDefaultAdminRules.selector);
        vm.prank(gov);
        registry.grantRole(bytes32(0), newcomer); // DEFAULT_ADMIN_ROLE
    }

    function test_renounceRole_memberRoleEmitsRemoved() public {
        vm.expectEmit(true, true, true, true, address(registry));
        emit IAccessControl.RoleRevoked(MemberRoles.PROVIDER, hospital, hospital);
        vm.expectEmit(true, true, true, true, address(registry));
        emit IConsortiumRegistry.MemberRemoved(hospital, MemberRoles.PROVIDER, registry.RENOUNCED(), hospital);
        vm.prank(hospital);
        registry.renounceRole(MemberRoles.PROVIDER, hospital);
        assertEq(registry.memberOf(hospital).roles, 0, "mask cleared");
        assertEq(registry.credentialOf(hospital, MemberRoles.PROVIDER), bytes32(0), "credential dropped");
    }

    function test_renounceRole_notHeld_changesNothing() public {
        vm.recordLogs();
        vm.prank(hospital);
        registry.renounceRole(MemberRoles.INSURER, hospital);
        assertEq(vm.getRecordedLogs().length, 0, "no event");
        assertEq(registry.memberOf(hospital).roles, 1, "provider kept");
        vm.prank(hospital);
        registry.renounceRole(keccak256("OPERATOR_ROLE"), hospital);
        assertEq(vm.getRecordedLogs().length, 0, "no event for a non-member role");
    }

    function test_renounceRole_onlyForOneself() public {
        vm.expectRevert(IAccessControl.AccessControlBadConfirmation.selector);
        vm.prank(hospital);
        registry.renounceRole(MemberRoles.PROVIDER, clinic);
    }

    function test_views_ofStrangerAreEmpty() public view {
        assertFalse(registry.isActive(stranger), "inactive");
        assertFalse(registry.isActiveMember(stranger, MemberRoles.PROVIDER), "inactive provider");
        assertFalse(registry.isActiveMember(hospital, keccak256("JANITOR_ROLE")), "unknown role never active");
        assertEq(registry.rolesOf(stranger).length, 0, "no roles");
        assertEq(registry.memberOf(stranger).registeredAt, 0, "never registered");
        assertEq(registry.credentialOf(stranger, MemberRoles.PROVIDER), bytes32(0), "no credential");
    }

    function test_supportsInterface() public view {
        assertTrue(registry.supportsInterface(type(IConsortiumRegistry).interfaceId), "registry");
        assertTrue(registry.supportsInterface(type(IAccessControl).interfaceId), "access control");
        assertTrue(registry.supportsInterface(type(IERC165).interfaceId), "erc165");
        assertFalse(registry.supportsInterface(0xdeadbeef), "other");
    }

    function test_governance_isTheDefaultAdmin() public view {
        assertEq(registry.defaultAdmin(), gov, "admin");
        assertEq(registry.defaultAdminDelay(), 0, "delay");
    }

    // ------------------------------------------------------------------------------------------
    // ConsortiumGated

    function test_gated_checksTheRegistryAtDeployment() public {
        vm.expectRevert(abi.encodeWithSelector(ConsortiumGated.ConsortiumInvalidRegistry.selector, stranger));
        new GatedProbe(IConsortiumRegistry(stranger));
        TestStableToken notARegistry = new TestStableToken();
        vm.expectRevert(
            abi.encodeWithSelector(ConsortiumGated.ConsortiumInvalidRegistry.selector, address(notARegistry))
        );
        new GatedProbe(IConsortiumRegistry(address(notARegistry)));
    }

    function test_gated_letsOnlyActiveMembersOfTheRole() public {
        GatedProbe probe = new GatedProbe(registry);
        assertEq(address(probe.registry()), address(registry), "registry kept");
        vm.expectEmit(true, true, true, true, address(probe));
        emit GatedProbe.Pinged(hospital);
        vm.prank(hospital);
        probe.ping();

        vm.expectRevert(
            abi.encodeWithSelector(ConsortiumGated.ConsortiumInactiveMember.selector, insurer, MemberRoles.PROVIDER)
        );
        vm.prank(insurer);
        probe.ping();

        vm.prank(gov);
        registry.suspendMember(hospital, REASON);
        vm.expectRevert(
            abi.encodeWithSelector(ConsortiumGated.ConsortiumInactiveMember.selector, hospital, MemberRoles.PROVIDER)
        );
        vm.prank(hospital);
        probe.ping();
    }
}
