"""ConsortiumGated: the base every medchain contract uses to check its callers against the registry."""

from __future__ import annotations

import ape

from medchain.access import Role, reason_code


def test_active_member_in_the_role_passes(project, governance, registry, members):
    probe = governance.deploy(project.GatedProbe, registry)
    assert probe.registry() == registry
    receipt = probe.ping(sender=members[Role.PROVIDER])
    logs = receipt.events.filter(probe.Pinged)
    # `log.provider` is ape's provider object: read event fields named "provider" by key.
    assert [log["provider"] for log in logs] == [members[Role.PROVIDER]]


def test_member_in_another_role_is_refused(project, governance, registry, members):
    probe = governance.deploy(project.GatedProbe, registry)
    insurer = members[Role.INSURER]
    with ape.reverts(probe.ConsortiumInactiveMember, account=insurer, role=Role.PROVIDER.id):
        probe.ping(sender=insurer)


def test_outsider_is_refused(project, governance, registry, outsider):
    probe = governance.deploy(project.GatedProbe, registry)
    with ape.reverts(probe.ConsortiumInactiveMember, account=outsider, role=Role.PROVIDER.id):
        probe.ping(sender=outsider)


def test_suspension_takes_effect_at_once_and_reinstatement_restores(project, governance, registry, members):
    probe = governance.deploy(project.GatedProbe, registry)
    provider = members[Role.PROVIDER]
    registry.suspendMember(provider, reason_code("UNDER_INVESTIGATION"), sender=members[Role.REGULATOR])
    with ape.reverts(probe.ConsortiumInactiveMember, account=provider, role=Role.PROVIDER.id):
        probe.ping(sender=provider)
    registry.reinstateMember(provider, sender=members[Role.REGULATOR])
    probe.ping(sender=provider)


def test_removed_member_is_refused(project, governance, registry, members):
    probe = governance.deploy(project.GatedProbe, registry)
    provider = members[Role.PROVIDER]
    registry.removeMember(provider, Role.PROVIDER.id, reason_code("LEFT_CONSORTIUM"), sender=governance)
    with ape.reverts(probe.ConsortiumInactiveMember, account=provider, role=Role.PROVIDER.id):
        probe.ping(sender=provider)


def test_deployment_refuses_an_account_without_code(project, governance, outsider):
    with ape.reverts(project.GatedProbe.ConsortiumInvalidRegistry, registry=outsider):
        governance.deploy(project.GatedProbe, outsider)


def test_deployment_refuses_a_contract_that_is_not_a_registry(project, governance, registry):
    not_a_registry = governance.deploy(project.GatedProbe, registry)  # a contract, but no ERC-165 registry
    with ape.reverts(project.GatedProbe.ConsortiumInvalidRegistry, registry=not_a_registry):
        governance.deploy(project.GatedProbe, not_a_registry)


def test_removed_renounced_or_suspended_inactive_in_every_view(project, governance, registry, members, newcomer):
    """Every contract asks isActiveMember (through ConsortiumGated) or isActive: both agree, for every role."""
    probe = governance.deploy(project.GatedProbe, registry)
    provider, pharmacy = members[Role.PROVIDER], members[Role.PHARMACY]
    registry.registerMember(newcomer, Role.PROVIDER.id, b"\x01" * 32, sender=governance)
    registry.removeMember(provider, Role.PROVIDER.id, reason_code("LEFT_CONSORTIUM"), sender=governance)
    registry.renounceRole(Role.PROVIDER.id, newcomer, sender=newcomer)
    registry.suspendMember(pharmacy, reason_code("AUDIT"), sender=members[Role.REGULATOR])
    for account in (provider, newcomer, pharmacy):
        assert not registry.isActive(account)
        assert not any(registry.isActiveMember(account, role.id) for role in Role)
        with ape.reverts(probe.ConsortiumInactiveMember, account=account, role=Role.PROVIDER.id):
            probe.ping(sender=account)
