"""Client logic for the ConsortiumRegistry contract (the SDK's :class:`~medchain.contracts.ConsortiumRegistry`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .roles import Role

if TYPE_CHECKING:
    from ..contracts import ConsortiumRegistry


@dataclass(frozen=True)
class MemberSpec:
    """A member to register. ``name`` stays off chain: only address, role and credential hash go on chain."""

    name: str
    role: Role
    address: str
    credential_hash: bytes


@dataclass(frozen=True)
class MemberStatus:
    """A member's on-chain record, decoded."""

    address: str
    roles: tuple[Role, ...]
    registered_at: int
    suspended_at: int
    #: Who imposed the current suspension (governance or a regulator); None when not suspended. Only that
    #: regulator or governance may lift it.
    suspended_by: str | None = None

    @property
    def active(self) -> bool:
        return bool(self.roles) and self.suspended_at == 0


@dataclass(frozen=True)
class RegistrationResult:
    spec: MemberSpec
    registered: bool  # False: the account already held the role, nothing was sent
    tx_hash: str | None = None


def member_status(registry: ConsortiumRegistry, address: str) -> MemberStatus:
    """Read and decode ``memberOf(address)``."""
    member = registry.memberOf(address)
    return MemberStatus(
        address=address,
        roles=tuple(Role.from_mask(member.roles)),
        registered_at=member.registeredAt,
        suspended_at=member.suspendedAt,
        suspended_by=None if int(member.suspendedBy, 16) == 0 else member.suspendedBy,
    )


def register_members(registry: ConsortiumRegistry, specs: Iterable[MemberSpec]) -> list[RegistrationResult]:
    """Register each member the registry does not know in that role yet, signed by ``registry``'s signer
    (governance).

    Idempotent and resumable: an (address, role) already registered is skipped, so a run that
    stopped half-way is finished by running it again.
    """
    results = []
    for spec in specs:
        if registry.hasRole(spec.role.id, spec.address):
            results.append(RegistrationResult(spec, registered=False))
            continue
        receipt = registry.registerMember(spec.address, spec.role.id, spec.credential_hash)
        results.append(RegistrationResult(spec, registered=True, tx_hash=receipt.transaction_hash))
    return results
