"""ConsortiumRegistry: every role path, every refusal by custom error, every event."""

from __future__ import annotations

import ape
import pytest
from eth_utils import keccak

from medchain.access import Role, reason_code
from tests.conftest import credential_for

ADMIN_ROLE = b"\0" * 32
OTHER_ROLE = keccak(text="SOMETHING_ELSE_ROLE")
REASON = reason_code("LICENCE_EXPIRED")
ZERO_ADDRESS = "0x" + "00" * 20


def _only(receipt, event):
    logs = receipt.events.filter(event)
    assert len(logs) == 1, f"expected one {event.name}, got {len(logs)}"
    return logs[0]


def _block_time(chain, receipt) -> int:
    return chain.provider.get_block(receipt.block_number).timestamp


# ---------------------------------------------------------------------------------------------
# Deployment and constants


def test_governance_holds_the_admin_role(empty_registry, governance):
    assert empty_registry.defaultAdmin() == governance
    assert empty_registry.hasRole(ADMIN_ROLE, governance)
    assert empty_registry.defaultAdminDelay() == 0


def test_zero_governance_is_refused(project, governance):
    with ape.reverts(project.ConsortiumRegistry.AccessControlInvalidDefaultAdmin, defaultAdmin=ZERO_ADDRESS):
        governance.deploy(project.ConsortiumRegistry, ZERO_ADDRESS, 0)


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.label)
def test_role_ids_are_keccak_of_the_role_name(empty_registry, role):
    assert getattr(empty_registry, role.value)() == role.id


def test_renounced_reason_constant(empty_registry):
    assert empty_registry.RENOUNCED() == reason_code("RENOUNCED")


def test_supports_its_interfaces(empty_registry, project):
    registry_id = _interface_id(project.ConsortiumRegistry.contract_type, project.IConsortiumRegistry.contract_type)
    assert empty_registry.supportsInterface(registry_id)
    assert empty_registry.supportsInterface(bytes.fromhex("7965db0b"))  # IAccessControl
    assert empty_registry.supportsInterface(bytes.fromhex("01ffc9a7"))  # IERC165
    assert not empty_registry.supportsInterface(bytes.fromhex("ffffffff"))


def _interface_id(_contract_type, interface_type) -> bytes:
    """ERC-165 id: XOR of the interface's function selectors."""
    value = 0
    for abi in interface_type.abi:
        if abi.type == "function":
            value ^= int.from_bytes(keccak(text=abi.selector)[:4], "big")
    return value.to_bytes(4, "big")


# ---------------------------------------------------------------------------------------------
# registerMember


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.label)
def test_register_member_in_each_role(chain, empty_registry, governance, newcomer, role):
    cred = credential_for(role, 7)
    receipt = empty_registry.registerMember(newcomer, role.id, cred, sender=governance)

    assert empty_registry.hasRole(role.id, newcomer)
    assert empty_registry.isActiveMember(newcomer, role.id)
    assert empty_registry.isActive(newcomer)
    for other in Role:
        if other is not role:
            assert not empty_registry.isActiveMember(newcomer, other.id)
    assert empty_registry.credentialOf(newcomer, role.id) == cred
    assert empty_registry.rolesOf(newcomer) == [role.id]
    member = empty_registry.memberOf(newcomer)
    assert member.roles == role.bit
    assert member.registeredAt == _block_time(chain, receipt)
    assert member.suspendedAt == 0

    log = _only(receipt, empty_registry.MemberRegistered)
    assert (log.account, log.role, log.credentialHash, log.registeredBy) == (newcomer, role.id, cred, governance)
    granted = _only(receipt, empty_registry.RoleGranted)
    assert (granted.role, granted.account, granted.sender) == (role.id, newcomer, governance)


def test_a_member_may_hold_several_roles(chain, empty_registry, governance, newcomer):
    first = empty_registry.registerMember(newcomer, Role.PROVIDER.id, credential_for(Role.PROVIDER), sender=governance)
    chain.mine(timestamp=chain.pending_timestamp + 100)
    empty_registry.registerMember(newcomer, Role.PHARMACY.id, credential_for(Role.PHARMACY), sender=governance)

    assert empty_registry.rolesOf(newcomer) == [Role.PROVIDER.id, Role.PHARMACY.id]
    assert empty_registry.isActiveMember(newcomer, Role.PROVIDER.id)
    assert empty_registry.isActiveMember(newcomer, Role.PHARMACY.id)
    member = empty_registry.memberOf(newcomer)
    assert member.roles == Role.PROVIDER.bit | Role.PHARMACY.bit
    assert member.registeredAt == _block_time(chain, first), "registeredAt keeps the first registration"


@pytest.mark.parametrize("role", [Role.PROVIDER, Role.REGULATOR], ids=lambda r: r.label)
def test_register_member_requires_the_admin(registry, members, newcomer, role):
    caller = members[role]
    with ape.reverts(registry.AccessControlUnauthorizedAccount, account=caller, neededRole=ADMIN_ROLE):
        registry.registerMember(newcomer, Role.INSURER.id, credential_for(Role.INSURER), sender=caller)


def test_register_member_refuses_the_zero_address(empty_registry, governance):
    with ape.reverts(empty_registry.ConsortiumRegistryZeroAddress):
        empty_registry.registerMember(ZERO_ADDRESS, Role.PROVIDER.id, credential_for(Role.PROVIDER), sender=governance)


@pytest.mark.parametrize("role", [ADMIN_ROLE, OTHER_ROLE], ids=["admin-role", "unknown-role"])
def test_register_member_refuses_non_member_roles(empty_registry, governance, newcomer, role):
    with ape.reverts(empty_registry.ConsortiumRegistryUnknownRole, role=role):
        empty_registry.registerMember(newcomer, role, credential_for(Role.PROVIDER), sender=governance)


def test_register_member_refuses_an_empty_credential(empty_registry, governance, newcomer):
    with ape.reverts(empty_registry.ConsortiumRegistryEmptyCredential):
        empty_registry.registerMember(newcomer, Role.PROVIDER.id, b"\0" * 32, sender=governance)


def test_register_member_refuses_a_role_already_held(registry, governance, members):
    provider = members[Role.PROVIDER]
    with ape.reverts(registry.ConsortiumRegistryAlreadyMember, account=provider, role=Role.PROVIDER.id):
        registry.registerMember(provider, Role.PROVIDER.id, credential_for(Role.PROVIDER, 2), sender=governance)


def test_registering_a_suspended_account_keeps_it_suspended(registry, governance, members):
    provider = members[Role.PROVIDER]
    registry.suspendMember(provider, REASON, sender=governance)
    registry.registerMember(provider, Role.PHARMACY.id, credential_for(Role.PHARMACY), sender=governance)

    assert registry.hasRole(Role.PHARMACY.id, provider)
    assert not registry.isActiveMember(provider, Role.PHARMACY.id)
    assert not registry.isActive(provider)


# ---------------------------------------------------------------------------------------------
# updateCredential


def test_update_credential(registry, governance, members):
    insurer = members[Role.INSURER]
    old, new = credential_for(Role.INSURER), credential_for(Role.INSURER, 2)
    receipt = registry.updateCredential(insurer, Role.INSURER.id, new, sender=governance)

    assert registry.credentialOf(insurer, Role.INSURER.id) == new
    assert registry.isActiveMember(insurer, Role.INSURER.id)
    log = _only(receipt, registry.MemberCredentialUpdated)
    assert (log.account, log.role, log.previousHash, log.credentialHash) == (insurer, Role.INSURER.id, old, new)


def test_update_credential_requires_the_admin(registry, members):
    regulator = members[Role.REGULATOR]
    with ape.reverts(registry.AccessControlUnauthorizedAccount, account=regulator, neededRole=ADMIN_ROLE):
        registry.updateCredential(
            members[Role.INSURER], Role.INSURER.id, credential_for(Role.INSURER, 2), sender=regulator
        )


def test_update_credential_refuses_an_unknown_role(registry, governance, members):
    with ape.reverts(registry.ConsortiumRegistryUnknownRole, role=OTHER_ROLE):
        registry.updateCredential(members[Role.INSURER], OTHER_ROLE, credential_for(Role.INSURER), sender=governance)


def test_update_credential_refuses_a_role_not_held(registry, governance, members):
    insurer = members[Role.INSURER]
    with ape.reverts(registry.ConsortiumRegistryRoleNotHeld, account=insurer, role=Role.PHARMACY.id):
        registry.updateCredential(insurer, Role.PHARMACY.id, credential_for(Role.PHARMACY), sender=governance)


def test_update_credential_refuses_an_empty_credential(registry, governance, members):
    with ape.reverts(registry.ConsortiumRegistryEmptyCredential):
        registry.updateCredential(members[Role.INSURER], Role.INSURER.id, b"\0" * 32, sender=governance)


# ---------------------------------------------------------------------------------------------
# removeMember


def test_remove_member(registry, governance, members):
    distributor = members[Role.DISTRIBUTOR]
    receipt = registry.removeMember(distributor, Role.DISTRIBUTOR.id, reason_code("LEFT_CONSORTIUM"), sender=governance)

    assert not registry.hasRole(Role.DISTRIBUTOR.id, distributor)
    assert not registry.isActiveMember(distributor, Role.DISTRIBUTOR.id)
    assert not registry.isActive(distributor)
    assert registry.credentialOf(distributor, Role.DISTRIBUTOR.id) == b"\0" * 32
    assert registry.rolesOf(distributor) == []
    member = registry.memberOf(distributor)
    assert member.roles == 0 and member.registeredAt > 0, "the first registration time stays on record"

    log = _only(receipt, registry.MemberRemoved)
    assert (log.account, log.role, log.reasonCode, log.removedBy) == (
        distributor,
        Role.DISTRIBUTOR.id,
        reason_code("LEFT_CONSORTIUM"),
        governance,
    )
    revoked = _only(receipt, registry.RoleRevoked)
    assert (revoked.role, revoked.account, revoked.sender) == (Role.DISTRIBUTOR.id, distributor, governance)


def test_removing_one_of_several_roles_keeps_the_others(registry, governance, members):
    provider = members[Role.PROVIDER]
    registry.registerMember(provider, Role.PHARMACY.id, credential_for(Role.PHARMACY), sender=governance)
    registry.removeMember(provider, Role.PHARMACY.id, REASON, sender=governance)

    assert registry.rolesOf(provider) == [Role.PROVIDER.id]
    assert registry.isActiveMember(provider, Role.PROVIDER.id)
    assert not registry.isActiveMember(provider, Role.PHARMACY.id)


def test_remove_member_requires_the_admin(registry, members):
    regulator = members[Role.REGULATOR]
    with ape.reverts(registry.AccessControlUnauthorizedAccount, account=regulator, neededRole=ADMIN_ROLE):
        registry.removeMember(members[Role.PHARMACY], Role.PHARMACY.id, REASON, sender=regulator)


def test_remove_member_refuses_an_unknown_role(registry, governance, members):
    with ape.reverts(registry.ConsortiumRegistryUnknownRole, role=ADMIN_ROLE):
        registry.removeMember(governance, ADMIN_ROLE, REASON, sender=governance)


def test_remove_member_refuses_a_role_not_held(registry, governance, outsider):
    with ape.reverts(registry.ConsortiumRegistryRoleNotHeld, account=outsider, role=Role.PHARMACY.id):
        registry.removeMember(outsider, Role.PHARMACY.id, REASON, sender=governance)


def test_remove_member_requires_a_reason(registry, governance, members):
    with ape.reverts(registry.ConsortiumRegistryMissingReason):
        registry.removeMember(members[Role.PHARMACY], Role.PHARMACY.id, b"\0" * 32, sender=governance)


# ---------------------------------------------------------------------------------------------
# suspendMember / reinstateMember


@pytest.mark.parametrize("by", ["governance", "regulator"])
def test_suspend_member(chain, registry, governance, members, by):
    caller = governance if by == "governance" else members[Role.REGULATOR]
    pharmacy = members[Role.PHARMACY]
    receipt = registry.suspendMember(pharmacy, REASON, sender=caller)

    assert not registry.isActiveMember(pharmacy, Role.PHARMACY.id)
    assert not registry.isActive(pharmacy)
    assert registry.hasRole(Role.PHARMACY.id, pharmacy), "suspension keeps the role; it only deactivates it"
    assert registry.memberOf(pharmacy).suspendedAt == _block_time(chain, receipt)
    log = _only(receipt, registry.MemberSuspended)
    assert (log.account, log.reasonCode, log.suspendedBy) == (pharmacy, REASON, caller)


def test_suspension_covers_every_role_of_the_account(registry, governance, members):
    provider = members[Role.PROVIDER]
    registry.registerMember(provider, Role.PHARMACY.id, credential_for(Role.PHARMACY), sender=governance)
    registry.suspendMember(provider, REASON, sender=governance)
    assert not registry.isActiveMember(provider, Role.PROVIDER.id)
    assert not registry.isActiveMember(provider, Role.PHARMACY.id)


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.REGULATOR], ids=lambda r: r.label)
def test_only_admin_or_regulator_may_suspend(registry, members, role):
    caller = members[role]
    with ape.reverts(registry.ConsortiumRegistryNotAdminOrRegulator, account=caller):
        registry.suspendMember(members[Role.PHARMACY], REASON, sender=caller)


def test_outsider_may_not_suspend(registry, members, outsider):
    with ape.reverts(registry.ConsortiumRegistryNotAdminOrRegulator, account=outsider):
        registry.suspendMember(members[Role.PHARMACY], REASON, sender=outsider)


def test_a_suspended_regulator_may_not_suspend(registry, governance, members):
    regulator = members[Role.REGULATOR]
    registry.suspendMember(regulator, REASON, sender=governance)
    with ape.reverts(registry.ConsortiumRegistryNotAdminOrRegulator, account=regulator):
        registry.suspendMember(members[Role.PHARMACY], REASON, sender=regulator)


def test_a_removed_regulator_may_not_suspend(registry, governance, members):
    regulator = members[Role.REGULATOR]
    registry.removeMember(regulator, Role.REGULATOR.id, REASON, sender=governance)
    with ape.reverts(registry.ConsortiumRegistryNotAdminOrRegulator, account=regulator):
        registry.suspendMember(members[Role.PHARMACY], REASON, sender=regulator)


def test_suspend_refuses_an_unknown_member(registry, governance, outsider):
    with ape.reverts(registry.ConsortiumRegistryUnknownMember, account=outsider):
        registry.suspendMember(outsider, REASON, sender=governance)


def test_suspend_refuses_a_removed_member(registry, governance, members):
    auditor = members[Role.AUDITOR]
    registry.removeMember(auditor, Role.AUDITOR.id, REASON, sender=governance)
    with ape.reverts(registry.ConsortiumRegistryUnknownMember, account=auditor):
        registry.suspendMember(auditor, REASON, sender=governance)


def test_suspend_refuses_an_already_suspended_member(registry, governance, members):
    pharmacy = members[Role.PHARMACY]
    registry.suspendMember(pharmacy, REASON, sender=governance)
    since = registry.memberOf(pharmacy).suspendedAt
    with ape.reverts(registry.ConsortiumRegistryAlreadySuspended, account=pharmacy, suspendedAt=since):
        registry.suspendMember(pharmacy, reason_code("AGAIN"), sender=governance)


def test_suspend_requires_a_reason(registry, governance, members):
    with ape.reverts(registry.ConsortiumRegistryMissingReason):
        registry.suspendMember(members[Role.PHARMACY], b"\0" * 32, sender=governance)


@pytest.mark.parametrize("by", ["governance", "regulator"])
def test_reinstate_member(registry, governance, members, by):
    caller = governance if by == "governance" else members[Role.REGULATOR]
    pharmacy = members[Role.PHARMACY]
    registry.suspendMember(pharmacy, REASON, sender=caller)
    assert registry.memberOf(pharmacy).suspendedBy == caller
    receipt = registry.reinstateMember(pharmacy, sender=caller)

    assert registry.isActiveMember(pharmacy, Role.PHARMACY.id)
    assert registry.isActive(pharmacy)
    assert registry.memberOf(pharmacy).suspendedAt == 0
    log = _only(receipt, registry.MemberReinstated)
    assert (log.account, log.reinstatedBy) == (pharmacy, caller)


def test_regulator_cannot_lift_governance_suspension(registry, governance, members):
    pharmacy, regulator = members[Role.PHARMACY], members[Role.REGULATOR]
    registry.suspendMember(pharmacy, reason_code("FRAUD"), sender=governance)
    with ape.reverts(
        registry.ConsortiumRegistryNotSuspender, caller=regulator, account=pharmacy, suspendedBy=governance
    ):
        registry.reinstateMember(pharmacy, sender=regulator)
    assert not registry.isActive(pharmacy)


def test_governance_lifts_a_regulators_suspension(registry, governance, members):
    pharmacy = members[Role.PHARMACY]
    registry.suspendMember(pharmacy, REASON, sender=members[Role.REGULATOR])
    registry.reinstateMember(pharmacy, sender=governance)
    assert registry.isActive(pharmacy)
    assert int(registry.memberOf(pharmacy).suspendedBy, 16) == 0


def test_regulator_cannot_suspend_a_regulator(registry, governance, members, newcomer):
    regulator = members[Role.REGULATOR]
    registry.registerMember(newcomer, Role.REGULATOR.id, credential_for(Role.REGULATOR), sender=governance)
    for target in (newcomer, regulator):
        with ape.reverts(registry.ConsortiumRegistrySuspensionOutOfScope, regulator=regulator, account=target):
            registry.suspendMember(target, REASON, sender=regulator)
    registry.suspendMember(newcomer, REASON, sender=governance)  # governance may
    assert not registry.isActive(newcomer)


def test_only_admin_or_regulator_may_reinstate(registry, governance, members):
    pharmacy, auditor = members[Role.PHARMACY], members[Role.AUDITOR]
    registry.suspendMember(pharmacy, REASON, sender=governance)
    with ape.reverts(registry.ConsortiumRegistryNotAdminOrRegulator, account=auditor):
        registry.reinstateMember(pharmacy, sender=auditor)


def test_a_suspended_regulator_may_not_reinstate_itself(registry, governance, members):
    regulator = members[Role.REGULATOR]
    registry.suspendMember(regulator, REASON, sender=governance)
    with ape.reverts(registry.ConsortiumRegistryNotAdminOrRegulator, account=regulator):
        registry.reinstateMember(regulator, sender=regulator)


@pytest.mark.parametrize("who", ["active-member", "outsider"])
def test_reinstate_refuses_an_account_not_suspended(registry, governance, members, outsider, who):
    account = members[Role.PHARMACY] if who == "active-member" else outsider
    with ape.reverts(registry.ConsortiumRegistryNotSuspended, account=account):
        registry.reinstateMember(account, sender=governance)


# ---------------------------------------------------------------------------------------------
# AccessControl integration: member roles only change through the registry's own functions


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.label)
def test_grant_role_refuses_member_roles(registry, governance, newcomer, role):
    with ape.reverts(registry.ConsortiumRegistryDirectRoleChange, role=role.id):
        registry.grantRole(role.id, newcomer, sender=governance)


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.label)
def test_revoke_role_refuses_member_roles(registry, governance, members, role):
    with ape.reverts(registry.ConsortiumRegistryDirectRoleChange, role=role.id):
        registry.revokeRole(role.id, members[role], sender=governance)


def test_grant_and_revoke_of_other_roles_work_and_do_not_make_members(registry, governance, newcomer):
    receipt = registry.grantRole(OTHER_ROLE, newcomer, sender=governance)
    assert registry.hasRole(OTHER_ROLE, newcomer)
    assert _only(receipt, registry.RoleGranted).account == newcomer
    assert not registry.isActiveMember(newcomer, OTHER_ROLE)
    assert not registry.isActive(newcomer)
    assert registry.memberOf(newcomer).roles == 0

    receipt = registry.revokeRole(OTHER_ROLE, newcomer, sender=governance)
    assert not registry.hasRole(OTHER_ROLE, newcomer)
    assert _only(receipt, registry.RoleRevoked).account == newcomer


def test_grant_role_of_other_roles_still_requires_the_admin(registry, members, newcomer):
    regulator = members[Role.REGULATOR]
    with ape.reverts(registry.AccessControlUnauthorizedAccount, account=regulator, neededRole=ADMIN_ROLE):
        registry.grantRole(OTHER_ROLE, newcomer, sender=regulator)


def test_a_member_may_renounce_its_role(registry, members):
    auditor = members[Role.AUDITOR]
    receipt = registry.renounceRole(Role.AUDITOR.id, auditor, sender=auditor)

    assert not registry.hasRole(Role.AUDITOR.id, auditor)
    assert not registry.isActiveMember(auditor, Role.AUDITOR.id)
    assert registry.memberOf(auditor).roles == 0
    assert registry.credentialOf(auditor, Role.AUDITOR.id) == b"\0" * 32
    log = _only(receipt, registry.MemberRemoved)
    assert (log.account, log.role, log.reasonCode, log.removedBy) == (
        auditor,
        Role.AUDITOR.id,
        reason_code("RENOUNCED"),
        auditor,
    )
    assert _only(receipt, registry.RoleRevoked).account == auditor


def test_renouncing_a_role_not_held_emits_no_member_event(registry, members):
    auditor = members[Role.AUDITOR]
    receipt = registry.renounceRole(Role.PHARMACY.id, auditor, sender=auditor)
    assert receipt.events.filter(registry.MemberRemoved) == []
    assert registry.isActiveMember(auditor, Role.AUDITOR.id)


def test_renounce_is_only_for_oneself(registry, members):
    auditor, pharmacy = members[Role.AUDITOR], members[Role.PHARMACY]
    with ape.reverts(registry.AccessControlBadConfirmation):
        registry.renounceRole(Role.PHARMACY.id, pharmacy, sender=auditor)


# ---------------------------------------------------------------------------------------------
# Governance handover (OpenZeppelin AccessControlDefaultAdminRules)


def test_governance_hands_over_in_two_steps(chain, registry, governance, accounts, newcomer):
    successor = accounts[10]
    registry.beginDefaultAdminTransfer(successor, sender=governance)
    _, schedule = registry.pendingDefaultAdmin()
    # Even with no delay, OpenZeppelin accepts only strictly after the schedule (a later second).
    chain.mine(timestamp=schedule + 1)
    registry.acceptDefaultAdminTransfer(sender=successor)

    assert registry.defaultAdmin() == successor
    registry.registerMember(newcomer, Role.PROVIDER.id, credential_for(Role.PROVIDER), sender=successor)
    with ape.reverts(registry.AccessControlUnauthorizedAccount, account=governance, neededRole=ADMIN_ROLE):
        registry.registerMember(newcomer, Role.INSURER.id, credential_for(Role.INSURER), sender=governance)


def test_governance_handover_waits_for_the_delay(chain, project, governance, accounts):
    delay = 2 * 24 * 3600
    registry = governance.deploy(project.ConsortiumRegistry, governance, delay)
    successor = accounts[10]
    registry.beginDefaultAdminTransfer(successor, sender=governance)
    _, schedule = registry.pendingDefaultAdmin()
    with ape.reverts(registry.AccessControlEnforcedDefaultAdminDelay, schedule=schedule):
        registry.acceptDefaultAdminTransfer(sender=successor)

    chain.mine(timestamp=schedule + 1)
    registry.acceptDefaultAdminTransfer(sender=successor)
    assert registry.defaultAdmin() == successor
