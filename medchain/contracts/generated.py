"""Typed classes for the suite's contracts, written from the ABIs in :mod:`medchain.abi` by
``python -m medchain_dev.sdk_codegen`` (``make abi`` runs it); a test holds this file equal to what
the generator writes. Edit the generator, not this file."""

from __future__ import annotations

from typing import ClassVar, NamedTuple, Sequence

from ..claims.status import ClaimStatus
from .base import BlockId, Contract, Event, Receipt, TxOptions


class Member(NamedTuple):
    """``struct IConsortiumRegistry.Member``."""

    roles: int
    registeredAt: int
    suspendedAt: int
    suspendedBy: str


class ShipmentRef(NamedTuple):
    """``struct IDrugProvenance.ShipmentRef``."""

    shipmentId: bytes
    shipper: str
    serialsRoot: bytes


class ClaimView(NamedTuple):
    """``struct IClaimSettlement.ClaimView``."""

    policyId: bytes
    provider: str
    status: ClaimStatus
    reasonCode: int
    policyYear: int
    decidedAt: int
    disputed: bool
    payable_: int
    deductibleApplied: int
    pharmacyClaim: bool


class ClaimInput(NamedTuple):
    """``struct IClaimSettlement.ClaimInput``."""

    policyId: bytes
    provider: str
    amount: int
    serviceDate: int
    codesHash: bytes
    evidenceHash: bytes
    evidenceRoot: bytes
    evidenceProof: list[bytes]


class PharmacyClaimInput(NamedTuple):
    """``struct IClaimSettlement.PharmacyClaimInput``."""

    policyId: bytes
    pharmacy: str
    amount: int
    codesHash: bytes
    batchId: bytes
    serialHash: bytes


class Disclosure(NamedTuple):
    """``struct IRecordExchange.Disclosure``."""

    recordHash: bytes
    category: int
    root: bytes
    proof: list[bytes]


#: The classes of the ABIs' structs and enums, by internalType.
TYPES = {
    "IConsortiumRegistry.Member": Member,
    "IDrugProvenance.ShipmentRef": ShipmentRef,
    "IClaimSettlement.ClaimView": ClaimView,
    "IClaimSettlement.ClaimInput": ClaimInput,
    "IClaimSettlement.PharmacyClaimInput": PharmacyClaimInput,
    "IRecordExchange.Disclosure": Disclosure,
    "IClaimSettlement.Status": ClaimStatus,
}


class ConsortiumRegistry(Contract):
    """ConsortiumRegistry

    Who belongs to the medchain consortium, in which roles, backed by which credential, and whether they are
    active. Built on OpenZeppelin AccessControl; the consortium's governance account (a multisig in production)
    holds `DEFAULT_ADMIN_ROLE`, transferable only in two steps with a delay. Invariants (checked by tests): -
    `isActiveMember(a, r)` is true exactly when `hasRole(r, a)`, `r` is a member role and `a` is not suspended; -
    the packed role mask of every account equals the set of member roles it holds in AccessControl; - member roles
    change only through {registerMember}, {removeMember} and `renounceRole`, each with its event, so the event
    trail alone reconstructs the membership at any block; - suspension is scoped: governance suspends anyone, a
    regulator only members that are neither regulators nor the admin; a suspension is lifted only by governance or
    by the regulator that imposed it; - `isActive(a)` is true exactly when `isActiveMember(a, r)` is for some
    member role `r`: a removed or suspended member is inactive for every contract that asks either view (see
    {ConsortiumGated}). Privacy: members are organisations. Only a salted hash of a credential document is stored,
    never the document, and reason codes are short codes, not free text.

    ConsortiumRegistry at an address: a method per function of its ABI (views read, the others send a transaction
    signed by the signer and return its receipt), a class per event.
    """

    NAME = "ConsortiumRegistry"

    class DefaultAdminDelayChangeCanceled(Event, frozen=True, kw_only=True):
        """Emitted when a {pendingDefaultAdminDelay} is reset if its schedule didn't pass.

        ``DefaultAdminDelayChangeCanceled()``.
        """

        EVENT: ClassVar[str] = "DefaultAdminDelayChangeCanceled"

    class DefaultAdminDelayChangeScheduled(Event, frozen=True, kw_only=True):
        """Emitted when a {defaultAdminDelay} change is started, setting `newDelay` as the next delay to be applied
        between default admin transfer after `effectSchedule` has passed.

        ``DefaultAdminDelayChangeScheduled(uint48,uint48)``.
        """

        EVENT: ClassVar[str] = "DefaultAdminDelayChangeScheduled"
        newDelay: int
        effectSchedule: int

    class DefaultAdminTransferCanceled(Event, frozen=True, kw_only=True):
        """Emitted when a {pendingDefaultAdmin} is reset if it was never accepted, regardless of its schedule.

        ``DefaultAdminTransferCanceled()``.
        """

        EVENT: ClassVar[str] = "DefaultAdminTransferCanceled"

    class DefaultAdminTransferScheduled(Event, frozen=True, kw_only=True):
        """Emitted when a {defaultAdmin} transfer is started, setting `newAdmin` as the next address to become the
        {defaultAdmin} by calling {acceptDefaultAdminTransfer} only after `acceptSchedule` passes.

        ``DefaultAdminTransferScheduled(address,uint48)``.
        """

        EVENT: ClassVar[str] = "DefaultAdminTransferScheduled"
        newAdmin: str
        acceptSchedule: int

    class MemberCredentialUpdated(Event, frozen=True, kw_only=True):
        """Emitted when the credential behind `account`'s `role` is replaced (e.g. a renewed licence).

        ``MemberCredentialUpdated(address,bytes32,bytes32,bytes32)``.
        """

        EVENT: ClassVar[str] = "MemberCredentialUpdated"
        account: str
        role: bytes
        previousHash: bytes
        credentialHash: bytes

    class MemberRegistered(Event, frozen=True, kw_only=True):
        """Emitted when `account` joins as `role`, backed by `credentialHash`.

        ``MemberRegistered(address,bytes32,bytes32,address)``.
        """

        EVENT: ClassVar[str] = "MemberRegistered"
        account: str
        role: bytes
        credentialHash: bytes
        registeredBy: str

    class MemberReinstated(Event, frozen=True, kw_only=True):
        """Emitted when a suspended `account` becomes active again.

        ``MemberReinstated(address,address)``.
        """

        EVENT: ClassVar[str] = "MemberReinstated"
        account: str
        reinstatedBy: str

    class MemberRemoved(Event, frozen=True, kw_only=True):
        """Emitted when `account` loses `role`, by removal or by renouncing it.

        ``MemberRemoved(address,bytes32,bytes32,address)``.
        """

        EVENT: ClassVar[str] = "MemberRemoved"
        account: str
        role: bytes
        reasonCode: bytes
        removedBy: str

    class MemberSuspended(Event, frozen=True, kw_only=True):
        """Emitted when `account` is suspended: it stays registered but is no longer active.

        ``MemberSuspended(address,bytes32,address)``.
        """

        EVENT: ClassVar[str] = "MemberSuspended"
        account: str
        reasonCode: bytes
        suspendedBy: str

    class RoleAdminChanged(Event, frozen=True, kw_only=True):
        """Emitted when `newAdminRole` is set as ``role``'s admin role, replacing `previousAdminRole`
        `DEFAULT_ADMIN_ROLE` is the starting admin for all roles, despite {RoleAdminChanged} not being emitted to
        signal this.

        ``RoleAdminChanged(bytes32,bytes32,bytes32)``.
        """

        EVENT: ClassVar[str] = "RoleAdminChanged"
        role: bytes
        previousAdminRole: bytes
        newAdminRole: bytes

    class RoleGranted(Event, frozen=True, kw_only=True):
        """Emitted when `account` is granted `role`. `sender` is the account that originated the contract call. This
        account bears the admin role (for the granted role). Expected in cases where the role was granted using the
        internal {AccessControl-_grantRole}.

        ``RoleGranted(bytes32,address,address)``.
        """

        EVENT: ClassVar[str] = "RoleGranted"
        role: bytes
        account: str
        sender: str

    class RoleRevoked(Event, frozen=True, kw_only=True):
        """Emitted when `account` is revoked `role`. `sender` is the account that originated the contract call: - if
        using `revokeRole`, it is the admin role bearer - if using `renounceRole`, it is the role bearer (i.e.
        `account`)

        ``RoleRevoked(bytes32,address,address)``.
        """

        EVENT: ClassVar[str] = "RoleRevoked"
        role: bytes
        account: str
        sender: str

    class PendingDefaultAdminResult(NamedTuple):
        """What ``pendingDefaultAdmin`` answers."""

        newAdmin: str
        schedule: int

    class PendingDefaultAdminDelayResult(NamedTuple):
        """What ``pendingDefaultAdminDelay`` answers."""

        newDelay: int
        schedule: int

    def AUDITOR_ROLE(self, *, block: BlockId = "latest") -> bytes:
        """``AUDITOR_ROLE()``, read at ``block``."""
        return self._call("AUDITOR_ROLE", (), block)

    def DEFAULT_ADMIN_ROLE(self, *, block: BlockId = "latest") -> bytes:
        """``DEFAULT_ADMIN_ROLE()``, read at ``block``."""
        return self._call("DEFAULT_ADMIN_ROLE", (), block)

    def DISTRIBUTOR_ROLE(self, *, block: BlockId = "latest") -> bytes:
        """``DISTRIBUTOR_ROLE()``, read at ``block``."""
        return self._call("DISTRIBUTOR_ROLE", (), block)

    def INSURER_ROLE(self, *, block: BlockId = "latest") -> bytes:
        """``INSURER_ROLE()``, read at ``block``."""
        return self._call("INSURER_ROLE", (), block)

    def MANUFACTURER_ROLE(self, *, block: BlockId = "latest") -> bytes:
        """``MANUFACTURER_ROLE()``, read at ``block``."""
        return self._call("MANUFACTURER_ROLE", (), block)

    def PHARMACY_ROLE(self, *, block: BlockId = "latest") -> bytes:
        """``PHARMACY_ROLE()``, read at ``block``."""
        return self._call("PHARMACY_ROLE", (), block)

    def PROVIDER_ROLE(self, *, block: BlockId = "latest") -> bytes:
        """``PROVIDER_ROLE()``, read at ``block``."""
        return self._call("PROVIDER_ROLE", (), block)

    def REGULATOR_ROLE(self, *, block: BlockId = "latest") -> bytes:
        """``REGULATOR_ROLE()``, read at ``block``."""
        return self._call("REGULATOR_ROLE", (), block)

    def RENOUNCED(self, *, block: BlockId = "latest") -> bytes:
        """The reason code of a {MemberRemoved} event caused by `renounceRole`.

        ``RENOUNCED()``, read at ``block``.
        """
        return self._call("RENOUNCED", (), block)

    def acceptDefaultAdminTransfer(self, *, tx: TxOptions | None = None) -> Receipt:
        """Completes a {defaultAdmin} transfer previously started with {beginDefaultAdminTransfer}. After calling the
        function: - `DEFAULT_ADMIN_ROLE` should be granted to the caller. - `DEFAULT_ADMIN_ROLE` should be revoked
        from the previous holder. - {pendingDefaultAdmin} should be reset to zero values. Requirements: - Only can
        be called by the {pendingDefaultAdmin}'s `newAdmin`. - The {pendingDefaultAdmin}'s `acceptSchedule`
        should've passed.

        ``acceptDefaultAdminTransfer()``: a transaction, signed and sent; its mined receipt.
        """
        return self._transact("acceptDefaultAdminTransfer", (), tx)

    def beginDefaultAdminTransfer(self, newAdmin: str, *, tx: TxOptions | None = None) -> Receipt:
        """Starts a {defaultAdmin} transfer by setting a {pendingDefaultAdmin} scheduled for acceptance after the
        current timestamp plus a {defaultAdminDelay}. Requirements: - Only can be called by the current
        {defaultAdmin}. Emits a {DefaultAdminTransferScheduled} event.

        ``beginDefaultAdminTransfer(address)``: a transaction, signed and sent; its mined receipt.
        """
        return self._transact("beginDefaultAdminTransfer", (newAdmin,), tx)

    def cancelDefaultAdminTransfer(self, *, tx: TxOptions | None = None) -> Receipt:
        """Cancels a {defaultAdmin} transfer previously started with {beginDefaultAdminTransfer}. A
        {pendingDefaultAdmin} not yet accepted can also be cancelled with this function. Requirements: - Only can
        be called by the current {defaultAdmin}. May emit a {DefaultAdminTransferCanceled} event.

        ``cancelDefaultAdminTransfer()``: a transaction, signed and sent; its mined receipt.
        """
        return self._transact("cancelDefaultAdminTransfer", (), tx)

    def changeDefaultAdminDelay(self, newDelay: int, *, tx: TxOptions | None = None) -> Receipt:
        """Initiates a {defaultAdminDelay} update by setting a {pendingDefaultAdminDelay} scheduled for getting into
        effect after the current timestamp plus a {defaultAdminDelay}. This function guarantees that any call to
        {beginDefaultAdminTransfer} done between the timestamp this method is called and the
        {pendingDefaultAdminDelay} effect schedule will use the current {defaultAdminDelay} set before calling. The
        {pendingDefaultAdminDelay}'s effect schedule is defined in a way that waiting until the schedule and then
        calling {beginDefaultAdminTransfer} with the new delay will take at least the same as another
        {defaultAdmin} complete transfer (including acceptance). The schedule is designed for two scenarios: - When
        the delay is changed for a larger one the schedule is `block.timestamp + newDelay` capped by
        {defaultAdminDelayIncreaseWait}. - When the delay is changed for a shorter one, the schedule is
        `block.timestamp + (current delay - new delay)`. A {pendingDefaultAdminDelay} that never got into effect
        will be canceled in favor of a new scheduled change. Requirements: - Only can be called by the current
        {defaultAdmin}. Emits a {DefaultAdminDelayChangeScheduled} event and may emit a
        {DefaultAdminDelayChangeCanceled} event.

        ``changeDefaultAdminDelay(uint48)``: a transaction, signed and sent; its mined receipt.
        """
        return self._transact("changeDefaultAdminDelay", (newDelay,), tx)

    def credentialOf(self, account: str, role: bytes | str, *, block: BlockId = "latest") -> bytes:
        """The credential hash behind `account`'s `role` (zero when the role is not held).

        ``credentialOf(address,bytes32)``, read at ``block``.
        """
        return self._call("credentialOf", (account, role), block)

    def defaultAdmin(self, *, block: BlockId = "latest") -> str:
        """Returns the address of the current `DEFAULT_ADMIN_ROLE` holder.

        ``defaultAdmin()``, read at ``block``.
        """
        return self._call("defaultAdmin", (), block)

    def defaultAdminDelay(self, *, block: BlockId = "latest") -> int:
        """Returns the delay required to schedule the acceptance of a {defaultAdmin} transfer started. This delay will
        be added to the current timestamp when calling {beginDefaultAdminTransfer} to set the acceptance schedule.
        NOTE: If a delay change has been scheduled, it will take effect as soon as the schedule passes, making this
        function returns the new delay. See {changeDefaultAdminDelay}.

        ``defaultAdminDelay()``, read at ``block``.
        """
        return self._call("defaultAdminDelay", (), block)

    def defaultAdminDelayIncreaseWait(self, *, block: BlockId = "latest") -> int:
        """Maximum time in seconds for an increase to {defaultAdminDelay} (that is scheduled using
        {changeDefaultAdminDelay}) to take effect. Default to 5 days. When the {defaultAdminDelay} is scheduled to
        be increased, it goes into effect after the new delay has passed with the purpose of giving enough time for
        reverting any accidental change (i.e. using milliseconds instead of seconds) that may lock the contract.
        However, to avoid excessive schedules, the wait is capped by this function and it can be overridden for a
        custom {defaultAdminDelay} increase scheduling. IMPORTANT: Make sure to add a reasonable amount of time
        while overriding this value, otherwise, there's a risk of setting a high new delay that goes into effect
        almost immediately without the possibility of human intervention in the case of an input error (eg. set
        milliseconds instead of seconds).

        ``defaultAdminDelayIncreaseWait()``, read at ``block``.
        """
        return self._call("defaultAdminDelayIncreaseWait", (), block)

    def getRoleAdmin(self, role: bytes | str, *, block: BlockId = "latest") -> bytes:
        """Returns the admin role that controls `role`. See {grantRole} and {revokeRole}. To change a role's admin,
        use {_setRoleAdmin}.

        ``getRoleAdmin(bytes32)``, read at ``block``.
        """
        return self._call("getRoleAdmin", (role,), block)

    def grantRole(self, role: bytes | str, account: str, *, tx: TxOptions | None = None) -> Receipt:
        """Grants a non-member role (none exists today besides the admin's, which has its own rules).

        Reverts with {ConsortiumRegistryDirectRoleChange} for member roles: use {registerMember}.

        ``grantRole(bytes32,address)``: a transaction, signed and sent; its mined receipt.
        """
        return self._transact("grantRole", (role, account), tx)

    def hasRole(self, role: bytes | str, account: str, *, block: BlockId = "latest") -> bool:
        """Returns `true` if `account` has been granted `role`.

        ``hasRole(bytes32,address)``, read at ``block``.
        """
        return self._call("hasRole", (role, account), block)

    def isActive(self, account: str, *, block: BlockId = "latest") -> bool:
        """Whether `account` holds at least one member role and is not suspended.

        ``isActive(address)``, read at ``block``.
        """
        return self._call("isActive", (account,), block)

    def isActiveMember(self, account: str, role: bytes | str, *, block: BlockId = "latest") -> bool:
        """Whether `account` holds member `role` and is not suspended. False for any other role.

        ``isActiveMember(address,bytes32)``, read at ``block``.
        """
        return self._call("isActiveMember", (account, role), block)

    def memberOf(self, account: str, *, block: BlockId = "latest") -> Member:
        """The packed membership record of `account` (all zero for a non-member).

        ``memberOf(address)``, read at ``block``.
        """
        return self._call("memberOf", (account,), block)

    def owner(self, *, block: BlockId = "latest") -> str:
        """Gets the address of the owner.

        ``owner()``, read at ``block``.
        """
        return self._call("owner", (), block)

    def pendingDefaultAdmin(self, *, block: BlockId = "latest") -> ConsortiumRegistry.PendingDefaultAdminResult:
        """Returns a tuple of a `newAdmin` and an accept schedule. After the `schedule` passes, the `newAdmin` will be
        able to accept the {defaultAdmin} role by calling {acceptDefaultAdminTransfer}, completing the role
        transfer. A zero value only in `acceptSchedule` indicates no pending admin transfer. NOTE: A zero address
        `newAdmin` means that {defaultAdmin} is being renounced.

        ``pendingDefaultAdmin()``, read at ``block``.
        """
        return self._call("pendingDefaultAdmin", (), block)

    def pendingDefaultAdminDelay(
        self,
        *,
        block: BlockId = "latest",
    ) -> ConsortiumRegistry.PendingDefaultAdminDelayResult:
        """Returns a tuple of `newDelay` and an effect schedule. After the `schedule` passes, the `newDelay` will get
        into effect immediately for every new {defaultAdmin} transfer started with {beginDefaultAdminTransfer}. A
        zero value only in `effectSchedule` indicates no pending delay change. NOTE: A zero value only for
        `newDelay` means that the next {defaultAdminDelay} will be zero after the effect schedule.

        ``pendingDefaultAdminDelay()``, read at ``block``.
        """
        return self._call("pendingDefaultAdminDelay", (), block)

    def registerMember(
        self,
        account: str,
        role: bytes | str,
        credentialHash: bytes | str,
        *,
        tx: TxOptions | None = None,
    ) -> Receipt:
        """Registers `account` as a member in `role`, backed by `credentialHash`.

        Requirements: - the caller holds `DEFAULT_ADMIN_ROLE`; - `account` is not the zero address and does not
        hold `role` yet; - `role` is a member role and `credentialHash` is not zero. An account may hold several
        roles (a hospital with its own pharmacy). Registering a suspended account adds the role but leaves it
        suspended. Emits a {MemberRegistered} and an {IAccessControl-RoleGranted} event.

        ``registerMember(address,bytes32,bytes32)``: a transaction, signed and sent; its mined receipt.
        """
        return self._transact("registerMember", (account, role, credentialHash), tx)

    def reinstateMember(self, account: str, *, tx: TxOptions | None = None) -> Receipt:
        """Ends the suspension of `account`.

        Requirements: `account` is suspended; the caller holds `DEFAULT_ADMIN_ROLE` (the highest authority lifts
        any suspension), or is the active regulator that suspended `account`. Emits a {MemberReinstated} event.

        ``reinstateMember(address)``: a transaction, signed and sent; its mined receipt.
        """
        return self._transact("reinstateMember", (account,), tx)

    def removeMember(
        self,
        account: str,
        role: bytes | str,
        reasonCode: bytes | str,
        *,
        tx: TxOptions | None = None,
    ) -> Receipt:
        """Removes `role` from `account`.

        Requirements: the caller holds `DEFAULT_ADMIN_ROLE`; `account` holds `role`; `reasonCode` is not zero.
        Emits a {MemberRemoved} and an {IAccessControl-RoleRevoked} event.

        ``removeMember(address,bytes32,bytes32)``: a transaction, signed and sent; its mined receipt.
        """
        return self._transact("removeMember", (account, role, reasonCode), tx)

    def renounceRole(self, role: bytes | str, account: str, *, tx: TxOptions | None = None) -> Receipt:
        """Gives up `role` held by the caller (`account` must be the caller, as in OpenZeppelin).

        For a member role held, also emits {MemberRemoved} with reason {RENOUNCED}.

        ``renounceRole(bytes32,address)``: a transaction, signed and sent; its mined receipt.
        """
        return self._transact("renounceRole", (role, account), tx)

    def revokeRole(self, role: bytes | str, account: str, *, tx: TxOptions | None = None) -> Receipt:
        """Revokes a non-member role.

        Reverts with {ConsortiumRegistryDirectRoleChange} for member roles: use {removeMember}.

        ``revokeRole(bytes32,address)``: a transaction, signed and sent; its mined receipt.
        """
        return self._transact("revokeRole", (role, account), tx)

    def rolesOf(self, account: str, *, block: BlockId = "latest") -> list[bytes]:
        """The member roles `account` holds, in {MemberRoles} bit order.

        ``rolesOf(address)``, read at ``block``.
        """
        return self._call("rolesOf", (account,), block)

    def rollbackDefaultAdminDelay(self, *, tx: TxOptions | None = None) -> Receipt:
        """Cancels a scheduled {defaultAdminDelay} change. Requirements: - Only can be called by the current
        {defaultAdmin}. May emit a {DefaultAdminDelayChangeCanceled} event.

        ``rollbackDefaultAdminDelay()``: a transaction, signed and sent; its mined receipt.
        """
        return self._transact("rollbackDefaultAdminDelay", (), tx)

    def supportsInterface(self, interfaceId: bytes | str, *, block: BlockId = "latest") -> bool:
        """ERC-165: also answers for {IConsortiumRegistry}, so consumers can check the address they are given.

        ``supportsInterface(bytes4)``, read at ``block``.
        """
        return self._call("supportsInterface", (interfaceId,), block)

    def suspendMember(self, account: str, reasonCode: bytes | str, *, tx: TxOptions | None = None) -> Receipt:
        """Suspends every role of `account` until it is reinstated.

        Requirements: - the caller holds `DEFAULT_ADMIN_ROLE` or is an active regulator; - a regulator caller
        suspends only accounts that are neither regulators nor the admin (governance alone suspends regulators); -
        `account` holds at least one member role and is not suspended; - `reasonCode` is not zero. The caller is
        recorded as `suspendedBy`. Emits a {MemberSuspended} event.

        ``suspendMember(address,bytes32)``: a transaction, signed and sent; its mined receipt.
        """
        return self._transact("suspendMember", (account, reasonCode), tx)

    def updateCredential(
        self,
        account: str,
        role: bytes | str,
        credentialHash: bytes | str,
        *,
        tx: TxOptions | None = None,
    ) -> Receipt:
        """Replaces the credential behind `account`'s `role`.

        Requirements: the caller holds `DEFAULT_ADMIN_ROLE`; `account` holds `role`; `credentialHash` is not zero.
        Emits a {MemberCredentialUpdated} event.

        ``updateCredential(address,bytes32,bytes32)``: a transaction, signed and sent; its mined receipt.
        """
        return self._transact("updateCredential", (account, role, credentialHash), tx)

    TYPES = TYPES
    EVENTS = {
        "DefaultAdminDelayChangeCanceled": DefaultAdminDelayChangeCanceled,
        "DefaultAdminDelayChangeScheduled": DefaultAdminDelayChangeScheduled,
        "DefaultAdminTransferCanceled": DefaultAdminTransferCanceled,
        "DefaultAdminTransferScheduled": DefaultAdminTransferScheduled,
        "MemberCredentialUpdated": MemberCredentialUpdated,
        "MemberRegistered": MemberRegistered,
        "MemberReinstated": MemberReinstated,
        "MemberRemoved": MemberRemoved,
        "MemberSuspended": MemberSuspended,
        "RoleAdminChanged": RoleAdminChanged,
        "RoleGranted": RoleGranted,
        "RoleRevoked": RoleRevoked,
    }
    RESULTS = {
        "pendingDefaultAdmin": PendingDefaultAdminResult,
        "pendingDefaultAdminDelay": PendingDefaultAdminDelayResult,
    }


class ConsentRegistry(Contract):
    """ConsentRegistry

    Patients (or their delegates) grant, limit, expire and revoke consortium members' access to their data by
    purpose and data category; consents can be signed off chain (EIP-712) and relayed by anyone; providers can take
    loudly audited emergency access. Invariants (checked by tests, including a stateful property test against a
    Python model): - `hasConsent(p, g, P, C)` is true exactly when P and C are non-empty known bitmasks and either
    the consent on record for (p, g) covers P and C and has not reached `validUntil`, or P ⊆ {TREAT, ETREAT} and
    g's emergency access to p has not reached its end; - a signed message is relayed at most once (its nonce is
    spent), never after its deadline; - only the patient or its active delegate (or the patient's signature) ever
    writes or ends a consent of the patient, and a delegate's consent never outlives its appointment; - a
    revocation is final against every grant signed before it, relayed before or after it; - once the patient (or a
    delegate) has ended a provider's emergency access, that provider cannot break the glass for that patient again
    until the patient allows it; - every change of state emits an event naming the patient. Privacy: patients are
    addresses; nothing else about them is stored or logged.

    ConsentRegistry at an address: a method per function of its ABI (views read, the others send a transaction
    signed by the signer and return its receipt), a class per event.
    """

    NAME = "ConsentRegistry"

    class ConsentGranted(Event, frozen=True, kw_only=True):
        """Emitted when `patient`'s consent to `grantee` is written (replacing any earlier one).

        ``ConsentGranted(address,address,uint256,uint256,uint64,address)``.
        """

        EVENT: ClassVar[str] = "ConsentGranted"
        patient: str
        grantee: str
        purposes: int
        categories: int
        validUntil: int
        by: str

    class ConsentRevoked(Event, frozen=True, kw_only=True):
        """Emitted when `patient` revokes `grantee`: the consent on record (and any emergency access taken before the
        revocation) ends, and no grant signed before it can be relayed any more. Emitted also when nothing was on
        record (a revocation made ahead of unrelayed signatures).

        ``ConsentRevoked(address,address,address)``.
        """

        EVENT: ClassVar[str] = "ConsentRevoked"
        patient: str
        grantee: str
        by: str

    class DelegateRemoved(Event, frozen=True, kw_only=True):
        """Emitted when `patient` removes `delegate`.

        ``DelegateRemoved(address,address)``.
        """

        EVENT: ClassVar[str] = "DelegateRemoved"
        patient: str
        delegate: str

    class DelegateSet(Event, frozen=True, kw_only=True):
        """Emitted when `patient` appoints or re-appoints `delegate` until `validUntil`.

        ``DelegateSet(address,address,uint64)``.
        """

        EVENT: ClassVar[str] = "DelegateSet"
        patient: str
        delegate: str
        validUntil: int

    class EIP712DomainChanged(Event, frozen=True, kw_only=True):
        """MAY be emitted to signal that the domain could have changed.

        ``EIP712DomainChanged()``.
        """

        EVENT: ClassVar[str] = "EIP712DomainChanged"

    class EmergencyAccessAllowed(Event, frozen=True, kw_only=True):
        """Emitted when `patient` (or a delegate, `by`) lets `provider` break the glass again.

        ``EmergencyAccessAllowed(address,address,address)``.
        """

        EVENT: ClassVar[str] = "EmergencyAccessAllowed"
        patient: str
        provider: str
        by: str

    class EmergencyAccessBarred(Event, frozen=True, kw_only=True):
        """Emitted when a revocation ends `provider`'s emergency access to `patient`: the provider may not break the
        glass for this patient again until the patient (or a delegate) allows it.

        ``EmergencyAccessBarred(address,address,address)``.
        """

        EVENT: ClassVar[str] = "EmergencyAccessBarred"
        patient: str
        provider: str
        by: str

    class EmergencyAccessed(Event, frozen=True, kw_only=True):
        """Emitted when `provider` takes emergency (break-glass) access to `patient`'s data.

        ``EmergencyAccessed(address,address,bytes32,uint64)``.
        """

        EVENT: ClassVar[str] = "EmergencyAccessed"
        patient: str
        provider: str
        reasonCode: bytes
        expiresAt: int

    class NonceCancelled(Event, frozen=True, kw_only=True):
        """Emitted when `patient` cancels `nonce` so that no message signed with it can be relayed.

        ``NonceCancelled(address,uint256)``.
        """

        EVENT: ClassVar[str] = "NonceCancelled"
        patient: str
        nonce: int

    class ConsentOfResult(NamedTuple):
        """What ``consentOf`` answers."""

        purposes: int
        categories: int
        validUntil: int
        grantedAt: int

    class Eip712DomainResult(NamedTuple):
        """What ``eip712Domain`` answers."""

        fields: bytes
        name: str
        version: str
        chainId: int
        verifyingContract: str
        salt: bytes
        extensions: list[int]

    def ALL_CATEGORIES(self, *, block: BlockId = "latest") -> int:
        """``ALL_CATEGORIES()``, read at ``block``."""
        return self._call("ALL_CATEGORIES", (), block)

    def ALL_PURPOSES(self, *, block: BlockId = "latest") -> int:
        """``ALL_PURPOSES()``, read at ``block``."""
        return self._call("ALL_PURPOSES", (), block)

    def CATEGORY_BILLING_CLAIMS(self, *, block: BlockId = "latest") -> int:
        """``CATEGORY_BILLING_CLAIMS()``, read at ``block``."""
        return self._call("CATEGORY_BILLING_CLAIMS", (), block)

    def CATEGORY_CLINICAL_NOTES(self, *, block: BlockId = "latest") -> int:
        """``CATEGORY_CLINICAL_NOTES()``, read at ``block``."""
        return self._call("CATEGORY_CLINICAL_NOTES", (), block)

    def CATEGORY_CONDITIONS(self, *, block: BlockId = "latest") -> int:
        """``CATEGORY_CONDITIONS()``, read at ``block``."""
        return self._call("CATEGORY_CONDITIONS", (), block)

    def CATEGORY_DEMOGRAPHICS(self, *, block: BlockId = "latest") -> int:
        """``CATEGORY_DEMOGRAPHICS()``, read at ``block``."""
        return self._call("CATEGORY_DEMOGRAPHICS", (), block)

    def CATEGORY_ENCOUNTERS(self, *, block: BlockId = "latest") -> int:
        """``CATEGORY_ENCOUNTERS()``, read at ``block``."""
        return self._call("CATEGORY_ENCOUNTERS", (), block)

    def CATEGORY_GENOMICS(self, *, block: BlockId = "latest") -> int:
        """``CATEGORY_GENOMICS()``, read at ``block``."""
        return self._call("CATEGORY_GENOMICS", (), block)

    def CATEGORY_IMAGING(self, *, block: BlockId = "latest") -> int:
        """``CATEGORY_IMAGING()``, read at ``block``."""
        return self._call("CATEGORY_IMAGING", (), block)

    def CATEGORY_IMMUNIZATIONS(self, *, block: BlockId = "latest") -> int:
        """``CATEGORY_IMMUNIZATIONS()``, read at ``block``."""
        return self._call("CATEGORY_IMMUNIZATIONS", (), block)

    def CATEGORY_LABORATORY(self, *, block: BlockId = "latest") -> int:
        """``CATEGORY_LABORATORY()``, read at ``block``."""
        return self._call("CATEGORY_LABORATORY", (), block)

    def CATEGORY_MEDICATIONS(self, *, block: BlockId = "latest") -> int:
        """``CATEGORY_MEDICATIONS()``, read at ``block``."""
        return self._call("CATEGORY_MEDICATIONS", (), block)

    def CATEGORY_MENTAL_HEALTH(self, *, block: BlockId = "latest") -> int:
        """``CATEGORY_MENTAL_HEALTH()``, read at ``block``."""
        return self._call("CATEGORY_MENTAL_HEALTH", (), block)

    def CATEGORY_PROCEDURES(self, *, block: BlockId = "latest") -> int:
        """``CATEGORY_PROCEDURES()``, read at ``block``."""
        return self._call("CATEGORY_PROCEDURES", (), block)

    def CATEGORY_SEXUAL_REPRODUCTIVE(self, *, block: BlockId = "latest") -> int:
        """``CATEGORY_SEXUAL_REPRODUCTIVE()``, read at ``block``."""
        return self._call("CATEGORY_SEXUAL_REPRODUCTIVE", (), block)

    def CATEGORY_SUBSTANCE_USE(self, *, block: BlockId = "latest") -> int:
        """``CATEGORY_SUBSTANCE_USE()``, read at ``block``."""
        return self._call("CATEGORY_SUBSTANCE_USE", (), block)

    def CONSENT_TYPEHASH(self, *, block: BlockId = "latest") -> bytes:
        """``CONSENT_TYPEHASH()``, read at ``block``."""
        return self._call("CONSENT_TYPEHASH", (), block)

    def DOMAIN_SEPARATOR(self, *, block: BlockId = "latest") -> bytes:
        """The EIP-712 domain separator signatures are made over.

        ``DOMAIN_SEPARATOR()``, read at ``block``.
        """
        return self._call("DOMAIN_SEPARATOR", (), block)

    def EMERGENCY_PURPOSES(self, *, block: BlockId = "latest") -> int:
        """What emergency access allows: treatment and emergency treatment, every category.

        ``EMERGENCY_PURPOSES()``, read at ``block``.
        """
        return self._call("EMERGENCY_PURPOSES", (), block)

    def EMERGENCY_WINDOW(self, *, block: BlockId = "latest") -> int:
        """Seconds an emergency access lasts, fixed at deployment.

        ``EMERGENCY_WINDOW()``, read at ``block``.
        """
        return self._call("EMERGENCY_WINDOW", (), block)

    def MAX_EMERGENCY_WINDOW(self, *, block: BlockId = "latest") -> int:
        """The longest emergency window a deployment may choose.

        ``MAX_EMERGENCY_WINDOW()``, read at ``block``.
        """
        return self._call("MAX_EMERGENCY_WINDOW", (), block)

    def PURPOSE_ETREAT(self, *, block: BlockId = "latest") -> int:
        """``PURPOSE_ETREAT()``, read at ``block``."""
        return self._call("PURPOSE_ETREAT", (), block)

    def PURPOSE_HOPERAT(self, *, block: BlockId = "latest") -> int:
        """``PURPOSE_HOPERAT()``, read at ``block``."""
        return self._call("PURPOSE_HOPERAT", (), block)

    def PURPOSE_HPAYMT(self, *, block: BlockId = "latest") -> int:
        """``PURPOSE_HPAYMT()``, read at ``block``."""
        return self._call("PURPOSE_HPAYMT", (), block)

    def PURPOSE_HRESCH(self, *, block: BlockId = "latest") -> int:
        """``PURPOSE_HRESCH()``, read at ``block``."""
        return self._call("PURPOSE_HRESCH", (), block)

    def PURPOSE_PUBHLTH(self, *, block: BlockId = "latest") -> int:
        """``PURPOSE_PUBHLTH()``, read at ``block``."""
        return self._call("PURPOSE_PUBHLTH", (), block)

    def PURPOSE_TREAT(self, *, block: BlockId = "latest") -> int:
        """``PURPOSE_TREAT()``, read at ``block``."""
        return self._call("PURPOSE_TREAT", (), block)

    def REVOCATION_TYPEHASH(self, *, block: BlockId = "latest") -> bytes:
        """``REVOCATION_TYPEHASH()``, read at ``block``."""
        return self._call("REVOCATION_TYPEHASH", (), block)

    def allowEmergencyAccess(self, patient: str, provider: str, *, tx: TxOptions | None = None) -> Receipt:
        """Lets `provider`, barred by the end of an earlier emergency access, break the glass for `patient` again.

        Requirements: the caller is `patient` or an active delegate; `provider` is barred. Emits an
        {EmergencyAccessAllowed} event.

        ``allowEmergencyAccess(address,address)``: a transaction, signed and sent; its mined receipt.
        """
        return self._transact("allowEmergencyAccess", (patient, provider), tx)

    def breakGlass(self, patient: str, reasonCode: bytes | str, *, tx: TxOptions | None = None) -> Receipt:
        """Emergency access: the caller, an active provider, may use every category of `patient`'s data for TREAT and
        ETREAT during the emergency window fixed at deployment.

        Requirements: the caller is an active PROVIDER member; `patient` is not zero; `reasonCode` is not zero; the
        caller holds no unexpired emergency access to `patient`; the patient has not barred the caller (by ending
        an earlier emergency access, see {revoke}). The patient (or a delegate) ends it early with {revoke}. Emits
        an {EmergencyAccessed} event.

        ``breakGlass(address,bytes32)``: a transaction, signed and sent; its mined receipt.
        """
        return self._transact("breakGlass", (patient, reasonCode), tx)

    def cancelNonce(self, nonce: int, *, tx: TxOptions | None = None) -> Receipt:
        """Marks the caller's `nonce` used, so a signed message carrying it can never be relayed.

        Requirements: `nonce` is not used yet. Emits a {NonceCancelled} event. A grantee holding the signed message
        can relay it before this transaction is mined: to take a consent back for certain, use {revoke}, which also
        ends grants relayed ahead of it.

        ``cancelNonce(uint256)``: a transaction, signed and sent; its mined receipt.
        """
        return self._transact("cancelNonce", (nonce,), tx)

    def consentOf(
        self,
        patient: str,
        grantee: str,
        *,
        block: BlockId = "latest",
    ) -> ConsentRegistry.ConsentOfResult:
        """The consent on record for (`patient`, `grantee`), expired or not (all zero if none).

        ``consentOf(address,address)``, read at ``block``.
        """
        return self._call("consentOf", (patient, grantee), block)

    def delegateUntil(self, patient: str, delegate: str, *, block: BlockId = "latest") -> int:
        """End of `delegate`'s appointment by `patient` (0 if none).

        ``delegateUntil(address,address)``, read at ``block``.
        """
        return self._call("delegateUntil", (patient, delegate), block)

    def eip712Domain(self, *, block: BlockId = "latest") -> ConsentRegistry.Eip712DomainResult:
        """returns the fields and values that describe the domain separator used by this contract for EIP-712
        signature.

        ``eip712Domain()``, read at ``block``.
        """
        return self._call("eip712Domain", (), block)

    def emergencyAccessOf(self, patient: str, provider: str, *, block: BlockId = "latest") -> int:
        """End of `provider`'s emergency access to `patient` (0 if none on record).

        ``emergencyAccessOf(address,address)``, read at ``block``.
        """
        return self._call("emergencyAccessOf", (patient, provider), block)

    def emergencyBarred(self, patient: str, provider: str, *, block: BlockId = "latest") -> bool:
        """Whether `patient` has barred `provider` from breaking the glass (by ending its emergency access).

        ``emergencyBarred(address,address)``, read at ``block``.
        """
        return self._call("emergencyBarred", (patient, provider), block)

    def grant(
        self,
        patient: str,
        grantee: str,
        purposes: int,
        categories: int,
        validUntil: int,
        *,
        tx: TxOptions | None = None,
    ) -> Receipt:
        """Writes `patient`'s consent for `grantee`, replacing any earlier consent to that grantee.

        Requirements: - the caller is `patient` or an active delegate of `patient`; - `grantee` is an active
        consortium member (any role); - `purposes` and `categories` are non-zero and use only known bits; -
        `validUntil` is after the current block time; - a delegate's consent ends no later than its own appointment
        (`validUntil <= delegateUntil`). Emergency access already held by `grantee` is kept. The consent is
        authorised now: it supersedes every unrelayed signed message of the patient for `grantee`. Emits a
        {ConsentGranted} event.

        ``grant(address,address,uint256,uint256,uint64)``: a transaction, signed and sent; its mined receipt.
        """
        return self._transact("grant", (patient, grantee, purposes, categories, validUntil), tx)

    def grantBySig(
        self,
        patient: str,
        grantee: str,
        purposes: int,
        categories: int,
        validUntil: int,
        signedAt: int,
        nonce: int,
        deadline: int,
        signature: bytes | str,
        *,
        tx: TxOptions | None = None,
    ) -> Receipt:
        """{grant}, authorised by `patient`'s EIP-712 signature and relayed by anyone.

        Signed type: `Consent(address patient,address grantee,uint256 purposes,uint256 categories, uint64
        validUntil,uint64 signedAt,uint256 nonce,uint256 deadline)`, domain `medchain ConsentRegistry` / `1`.
        Requirements, besides those of {grant}: `block.timestamp <= deadline`; `signedAt <= block.timestamp`;
        `signedAt` is after the latest grant or revocation of (`patient`, `grantee`) on record
        ({lastAuthorisedAt}); `nonce` unused by `patient`; the signature is `patient`'s (ECDSA for an EOA, ERC-1271
        for a contract wallet). Emits a {ConsentGranted} event with `by` = `patient`.

        ``grantBySig(address,address,uint256,uint256,uint64,uint64,uint256,uint256,bytes)``: a transaction, signed
        and sent; its mined receipt.
        """
        return self._transact("grantBySig", (
            patient, grantee, purposes, categories, validUntil, signedAt, nonce, deadline, signature), tx)

    def hasConsent(
        self,
        patient: str,
        grantee: str,
        purposes: int,
        categories: int,
        *,
        block: BlockId = "latest",
    ) -> bool:
        """True if an unexpired, unrevoked consent or emergency access of `grantee` covers every bit of `purposes` and
        `categories` now. False for empty or unknown bits.

        Does not re-check `grantee`'s membership: callers gate on the registry themselves.

        ``hasConsent(address,address,uint256,uint256)``, read at ``block``.
        """
        return self._call("hasConsent", (patient, grantee, purposes, categories), block)

    def isActiveDelegate(self, patient: str, delegate: str, *, block: BlockId = "latest") -> bool:
        """Whether `delegate` may act for `patient` now.

        ``isActiveDelegate(address,address)``, read at ``block``.
        """
        return self._call("isActiveDelegate", (patient, delegate), block)

    def lastAuthorisedAt(self, patient: str, grantee: str, *, block: BlockId = "latest") -> int:
        """When the latest grant or revocation of (`patient`, `grantee`) was authorised (0 if none): a signed grant
        must be signed after it, a signed revocation at or after it.

        ``lastAuthorisedAt(address,address)``, read at ``block``.
        """
        return self._call("lastAuthorisedAt", (patient, grantee), block)

    def nonceUsed(self, patient: str, nonce: int, *, block: BlockId = "latest") -> bool:
        """Whether `patient` has used or cancelled `nonce`.

        ``nonceUsed(address,uint256)``, read at ``block``.
        """
        return self._call("nonceUsed", (patient, nonce), block)

    def registry(self, *, block: BlockId = "latest") -> str:
        """The consortium membership registry this contract trusts.

        ``registry()``, read at ``block``.
        """
        return self._call("registry", (), block)

    def removeDelegate(self, delegate: str, *, tx: TxOptions | None = None) -> Receipt:
        """Removes the caller's `delegate`.

        Requirements: `delegate` is a delegate of the caller (even if expired). Emits a {DelegateRemoved} event.

        ``removeDelegate(address)``: a transaction, signed and sent; its mined receipt.
        """
        return self._transact("removeDelegate", (delegate,), tx)

    def revoke(self, patient: str, grantee: str, *, tx: TxOptions | None = None) -> Receipt:
        """Ends `patient`'s consent to `grantee` and any emergency access `grantee` holds, and refuses from now on
        every grant `patient` signed before (relayed or not). Works with nothing on record too.

        Requirements: the caller is `patient` or an active delegate. Ending an emergency access bars `grantee` from
        breaking the glass for `patient` again until {allowEmergencyAccess}. Emits a {ConsentRevoked} event, and an
        {EmergencyAccessBarred} event when it ends an emergency access.

        ``revoke(address,address)``: a transaction, signed and sent; its mined receipt.
        """
        return self._transact("revoke", (patient, grantee), tx)

    def revokeBySig(
        self,
        patient: str,
        grantee: str,
        signedAt: int,
        nonce: int,
        deadline: int,
        signature: bytes | str,
        *,
        tx: TxOptions | None = None,
    ) -> Receipt:
        """{revoke}, authorised by `patient`'s EIP-712 signature and relayed by anyone, as of `signedAt`.

        Signed type: `Revocation(address patient,address grantee,uint64 signedAt,uint256 nonce,uint256 deadline)`.
        Requirements: `block.timestamp <= deadline`; `signedAt <= block.timestamp`; `signedAt` is not before the
        latest grant or revocation on record ({lastAuthorisedAt}: a later decision of the patient stands); `nonce`
        unused; the signature is `patient`'s. It ends the consent and any emergency access taken at or before
        `signedAt`, and every grant signed at or before `signedAt`, even if relayed later. Emits a {ConsentRevoked}
        event with `by` = `patient` (and {EmergencyAccessBarred} as {revoke}).

        ``revokeBySig(address,address,uint64,uint256,uint256,bytes)``: a transaction, signed and sent; its mined
        receipt.
        """
        return self._transact("revokeBySig", (patient, grantee, signedAt, nonce, deadline, signature), tx)

    def setDelegate(self, delegate: str, validUntil: int, *, tx: TxOptions | None = None) -> Receipt:
        """Appoints (or re-appoints with a new expiry) `delegate`, who may grant and revoke for the caller.

        Requirements: `delegate` is not zero nor the caller; `validUntil` is in the future. Delegates act for their
        patient only: appointing is always done by the patient itself. Emits a {DelegateSet} event.

        ``setDelegate(address,uint64)``: a transaction, signed and sent; its mined receipt.
        """
        return self._transact("setDelegate", (delegate, validUntil), tx)

    TYPES = TYPES
    EVENTS = {
        "ConsentGranted": ConsentGranted,
        "ConsentRevoked": ConsentRevoked,
        "DelegateRemoved": DelegateRemoved,
        "DelegateSet": DelegateSet,
        "EIP712DomainChanged": EIP712DomainChanged,
        "EmergencyAccessAllowed": EmergencyAccessAllowed,
        "EmergencyAccessBarred": EmergencyAccessBarred,
        "EmergencyAccessed": EmergencyAccessed,
        "NonceCancelled": NonceCancelled,
    }
    RESULTS = {
        "consentOf": ConsentOfResult,
        "eip712Domain": Eip712DomainResult,
    }


class RecordAnchor(Contract):
    """RecordAnchor

    Attributed, contract-verifiable, batch-cheap, versioned anchoring of salted record hashes. Ownership is in the
    storage keys: every anchor entry, batch and version link sits under the address of the provider that wrote it
    (`mapping(provider => mapping(hash => ...))`), and every state-changing function writes only under
    `msg.sender`. Hence (checked by tests, including forge invariant suites with attacker providers): - only the
    provider who created an entry ever changes it, and only by adding `supersededBy` or `retracted`; an entry is
    never erased or re-attributed; - another provider anchoring the same hash, a provider's batch root or an inner
    node of its tree creates an entry of its own and changes nothing any reader is told about the first provider; -
    a provider anchors a hash on its own at most once, and a root at most once; - `verifyInBatch(p, root, h,
    proof)` is non-zero exactly when `p` anchored batch `root` and the OpenZeppelin StandardMerkleTree proof of `h`
    against it holds. Privacy: only salted hashes go on chain; without a record's own salt its hash cannot be
    matched against a guess of the content.

    RecordAnchor at an address: a method per function of its ABI (views read, the others send a transaction signed
    by the signer and return its receipt), a class per event.
    """

    NAME = "RecordAnchor"

    class BatchAnchored(Event, frozen=True, kw_only=True):
        """Emitted when a batch of `count` record hashes with Merkle `root` is anchored by `provider`.

        ``BatchAnchored(bytes32,address,uint32,uint64)``.
        """

        EVENT: ClassVar[str] = "BatchAnchored"
        root: bytes
        provider: str
        count: int
        anchoredAt: int

    class RecordAmended(Event, frozen=True, kw_only=True):
        """Emitted when `provider` anchors `newHash` as a new version of its record `oldHash`.

        ``RecordAmended(bytes32,bytes32,address)``.
        """

        EVENT: ClassVar[str] = "RecordAmended"
        oldHash: bytes
        newHash: bytes
        provider: str

    class RecordAnchored(Event, frozen=True, kw_only=True):
        """Emitted when `recordHash` is anchored by `provider`.

        ``RecordAnchored(bytes32,address,uint64)``.
        """

        EVENT: ClassVar[str] = "RecordAnchored"
        recordHash: bytes
        provider: str
        anchoredAt: int

    class RecordRetracted(Event, frozen=True, kw_only=True):
        """Emitted when `provider` marks its record `recordHash` entered-in-error.

        ``RecordRetracted(bytes32,address,bytes32)``.
        """

        EVENT: ClassVar[str] = "RecordRetracted"
        recordHash: bytes
        provider: str
        reasonCode: bytes

    class AnchorOfResult(NamedTuple):
        """What ``anchorOf`` answers."""

        anchoredAt: int
        retracted: bool

    class BatchOfResult(NamedTuple):
        """What ``batchOf`` answers."""

        anchoredAt: int
        count: int  # type: ignore[assignment]

    class VerifyResult(NamedTuple):
        """What ``verify`` answers."""

        anchoredAt: int
        supersededBy: bytes
        retracted: bool

    def amend(self, oldHash: bytes | str, newHash: bytes | str, *, tx: TxOptions | None = None) -> Receipt:
        """Anchors `newHash` as the new version of the caller's record `oldHash` and links them.

        Requirements: the caller is an active PROVIDER and has its own entry for `oldHash` (anchored alone, through
        amend, or proven into its batch before); `oldHash` is neither superseded nor retracted; `newHash` is not
        zero and the caller has not anchored it on its own. Emits {RecordAnchored} and {RecordAmended} events.

        ``amend(bytes32,bytes32)``: a transaction, signed and sent; its mined receipt.
        """
        return self._transact("amend", (oldHash, newHash), tx)

    def amendInBatch(
        self,
        root: bytes | str,
        oldHash: bytes | str,
        proof: Sequence[bytes | str],
        newHash: bytes | str,
        *,
        tx: TxOptions | None = None,
    ) -> Receipt:
        """{amend} for a record of the caller's batch `root`, proven by `proof`.

        The old record gets the caller's own entry (its batch's time) if it has none, then is amended.
        Requirements: those of {amend}; without an entry for `oldHash`, the caller anchored batch `root` and
        `proof` shows `oldHash` in it. Emits {RecordAnchored} and {RecordAmended} events.

        ``amendInBatch(bytes32,bytes32,bytes32[],bytes32)``: a transaction, signed and sent; its mined receipt.
        """
        return self._transact("amendInBatch", (root, oldHash, proof, newHash), tx)

    def anchor(self, recordHash: bytes | str, *, tx: TxOptions | None = None) -> Receipt:
        """Anchors one record hash in the caller's own namespace.

        Another provider's anchor of the same hash does not matter: each has its own entry. Requirements: the
        caller is an active PROVIDER; `recordHash` is not zero and the caller has not anchored it on its own yet.
        Emits a {RecordAnchored} event.

        ``anchor(bytes32)``: a transaction, signed and sent; its mined receipt.
        """
        return self._transact("anchor", (recordHash,), tx)

    def anchorBatch(self, root: bytes | str, count: int, *, tx: TxOptions | None = None) -> Receipt:
        """Anchors the Merkle root of a batch of record hashes in the caller's own namespace.

        Leaves follow OpenZeppelin's StandardMerkleTree for one `bytes32` value:
        `keccak256(bytes.concat(keccak256(abi.encode(recordHash))))`, pairs hashed sorted. `count` is the
        provider's statement of how many records the tree holds: it is stored and logged for readers, never checked
        (the contract never sees the leaves) and never relied on on chain. Requirements: the caller is an active
        PROVIDER; `root` is not zero and the caller has not anchored it yet; `count` > 0. Emits a {BatchAnchored}
        event.

        ``anchorBatch(bytes32,uint32)``: a transaction, signed and sent; its mined receipt.
        """
        return self._transact("anchorBatch", (root, count), tx)

    def anchorOf(
        self,
        provider: str,
        recordHash: bytes | str,
        root: bytes | str,
        proof: Sequence[bytes | str],
        *,
        block: BlockId = "latest",
    ) -> RecordAnchor.AnchorOfResult:
        """When `provider` anchored `recordHash`: alone (`root` == 0, `proof` ignored) or as a leaf of its batch
        `root` (OpenZeppelin StandardMerkleTree proof), and whether that provider has since retracted it. (0,
        false) when it did not.

        With `root` == 0: `provider`'s own entry (anchored alone, through amend, or written when it amended or
        retracted the record in its batch). Otherwise: the time of `provider`'s batch `root` if the proof holds,
        with the retraction `provider` recorded for the hash (a retraction in a batch is kept in the provider's own
        entry). Nothing another provider did changes the answer.

        ``anchorOf(address,bytes32,bytes32,bytes32[])``, read at ``block``.
        """
        return self._call("anchorOf", (provider, recordHash, root, proof), block)

    def batchOf(
        self,
        provider: str,
        root: bytes | str,
        *,
        block: BlockId = "latest",
    ) -> RecordAnchor.BatchOfResult:
        """`provider`'s batch `root`: when it was anchored and the record count it stated (0, 0 if unknown).

        ``batchOf(address,bytes32)``, read at ``block``.
        """
        return self._call("batchOf", (provider, root), block)

    def latestVersion(self, provider: str, recordHash: bytes | str, *, block: BlockId = "latest") -> bytes:
        """The latest version of `provider`'s record `recordHash`, following that provider's amendments (itself if
        never amended).

        A view for off-chain callers; no contract calls it. The chain walked is only ever lengthened by `provider`
        itself, one {amend} (over 50,000 gas) per link, and each link costs this view one storage read (2,100 gas
        cold): no one else can make another provider's chain long.

        ``latestVersion(address,bytes32)``, read at ``block``.
        """
        return self._call("latestVersion", (provider, recordHash), block)

    def registry(self, *, block: BlockId = "latest") -> str:
        """The consortium membership registry this contract trusts.

        ``registry()``, read at ``block``.
        """
        return self._call("registry", (), block)

    def retract(self, recordHash: bytes | str, reasonCode: bytes | str, *, tx: TxOptions | None = None) -> Receipt:
        """Marks the caller's record `recordHash` (its own entry) as entered-in-error.

        Only the caller's entry changes; another provider's anchor of the same hash is untouched. Requirements: the
        caller is an active PROVIDER and has its own entry for `recordHash`; it is not retracted yet; `reasonCode`
        is not zero. Emits a {RecordRetracted} event.

        ``retract(bytes32,bytes32)``: a transaction, signed and sent; its mined receipt.
        """
        return self._transact("retract", (recordHash, reasonCode), tx)

    def retractInBatch(
        self,
        root: bytes | str,
        recordHash: bytes | str,
        proof: Sequence[bytes | str],
        reasonCode: bytes | str,
        *,
        tx: TxOptions | None = None,
    ) -> Receipt:
        """{retract} for a record of the caller's batch `root`, proven by `proof`.

        The record gets the caller's own entry (its batch's time) if it has none, then is retracted. Requirements:
        those of {retract}; without an entry for `recordHash`, the caller anchored batch `root` and `proof` shows
        `recordHash` in it. Emits a {RecordRetracted} event.

        ``retractInBatch(bytes32,bytes32,bytes32[],bytes32)``: a transaction, signed and sent; its mined receipt.
        """
        return self._transact("retractInBatch", (root, recordHash, proof, reasonCode), tx)

    def verify(
        self,
        provider: str,
        recordHash: bytes | str,
        *,
        block: BlockId = "latest",
    ) -> RecordAnchor.VerifyResult:
        """`provider`'s own entry for `recordHash`: when it was anchored (0: no entry), the version that superseded it
        (zero if none) and whether `provider` retracted it.

        ``verify(address,bytes32)``, read at ``block``.
        """
        return self._call("verify", (provider, recordHash), block)

    def verifyInBatch(
        self,
        provider: str,
        root: bytes | str,
        recordHash: bytes | str,
        proof: Sequence[bytes | str],
        *,
        block: BlockId = "latest",
    ) -> int:
        """When `provider` anchored its batch `root`, if `proof` shows `recordHash` in it (0: not proven).

        ``verifyInBatch(address,bytes32,bytes32,bytes32[])``, read at ``block``.
        """
        return self._call("verifyInBatch", (provider, root, recordHash, proof), block)

    TYPES = TYPES
    EVENTS = {
        "BatchAnchored": BatchAnchored,
        "RecordAmended": RecordAmended,
        "RecordAnchored": RecordAnchored,
        "RecordRetracted": RecordRetracted,
    }
    RESULTS = {
        "anchorOf": AnchorOfResult,
        "batchOf": BatchOfResult,
        "verify": VerifyResult,
    }


class DrugProvenance(Contract):
    """DrugProvenance

    GS1-identified drug batches traced from the manufacturer to the dispensing pharmacy, unit by unit:
    commissioning, two-step custody hand-over, verification by Merkle proof, suspect reports, quarantine, recall
    and dispense-once (DSCSA, EU FMD; GS1 EPCIS/CBV vocabulary). Invariants (checked by tests, including a stateful
    property test): - conservation: for every batch, commissioned quantity = Σ balanceOf(holder) + units in pending
    shipments; units move only by ship → receive (or ship → cancel); a pharmacy's dispensed units stay in its
    holding; - custody of the serial: a unit is dispensed only by a pharmacy that received a shipment whose serials
    root holds that serial; - a unit (batch, serial hash) is dispensed at most once at a time: a second dispense
    reverts until the first is reverted by its pharmacy within 10 days; - `verifyUnit` is GENUINE only for a serial
    hash whose proof holds against the batch's root, in a batch that is active, unexpired, and where that unit is
    not dispensed; - a recall is final: a recalled batch never ships, is received, dispensed, quarantined or
    released; - nothing is shipped, received or dispensed while its batch is quarantined, recalled or expired; - a
    GTIN's batches are commissioned only by the manufacturer its GS1 company prefix is assigned to (a registry of
    prefixes kept by the consortium registry's admin; prefixes never overlap); - once a regulator has released a
    batch, only a regulator quarantines it again; - suspension and removal take effect everywhere: a suspended or
    removed member neither ships, receives, dispenses, reports, quarantines nor recalls. Privacy: no personal data.
    Parties are member addresses; units are hashes of their serial numbers; reasons are short codes.

    DrugProvenance at an address: a method per function of its ABI (views read, the others send a transaction
    signed by the signer and return its receipt), a class per event.
    """

    NAME = "DrugProvenance"

    class BatchCommissioned(Event, frozen=True, kw_only=True):
        """Emitted when a manufacturer commissions a batch (GS1 CBV bizStep `commissioning`).

        ``BatchCommissioned(bytes32,address,uint64,bytes32,uint32,uint32,bytes32)``.
        """

        EVENT: ClassVar[str] = "BatchCommissioned"
        batchId: bytes
        manufacturer: str
        gtin: int
        lot: bytes
        expiryDay: int
        quantity: int
        serialsRoot: bytes

    class CompanyPrefixAssigned(Event, frozen=True, kw_only=True):
        """Emitted when the registry's admin `by` assigns GS1 company prefix (`prefix`, `length`) to `manufacturer`:
        from then on only it commissions batches of GTINs under that prefix.

        ``CompanyPrefixAssigned(uint64,uint8,address,address)``.
        """

        EVENT: ClassVar[str] = "CompanyPrefixAssigned"
        prefix: int
        length: int
        manufacturer: str
        by: str

    class CompanyPrefixReassigned(Event, frozen=True, kw_only=True):
        """Emitted when the registry's admin `by` moves company prefix (`prefix`, `length`) from `from` to `to`
        (batches commissioned before stay `from`'s).

        ``CompanyPrefixReassigned(uint64,uint8,address,address,address)``.
        """

        EVENT: ClassVar[str] = "CompanyPrefixReassigned"
        prefix: int
        length: int
        from_: str
        to: str
        by: str

    class CompanyPrefixRevoked(Event, frozen=True, kw_only=True):
        """Emitted when the registry's admin or a regulator `by` revokes company prefix (`prefix`, `length`) from
        `from`: nobody commissions its GTINs until it is assigned again.

        ``CompanyPrefixRevoked(uint64,uint8,address,address,bytes32)``.
        """

        EVENT: ClassVar[str] = "CompanyPrefixRevoked"
        prefix: int
        length: int
        from_: str
        by: str
        reasonCode: bytes

    class DispenseReverted(Event, frozen=True, kw_only=True):
        """Emitted when `pharmacy` undoes its dispense of unit `serialHash` of `batchId`.

        ``DispenseReverted(bytes32,bytes32,address)``.
        """

        EVENT: ClassVar[str] = "DispenseReverted"
        batchId: bytes
        serialHash: bytes
        pharmacy: str

    class Dispensed(Event, frozen=True, kw_only=True):
        """Emitted when `pharmacy` dispenses unit `serialHash` of `batchId` (EU FMD decommissioning).

        ``Dispensed(bytes32,bytes32,address)``.
        """

        EVENT: ClassVar[str] = "Dispensed"
        batchId: bytes
        serialHash: bytes
        pharmacy: str

    class Quarantined(Event, frozen=True, kw_only=True):
        """Emitted when batch `batchId` is quarantined by `by`.

        ``Quarantined(bytes32,address,bytes32)``.
        """

        EVENT: ClassVar[str] = "Quarantined"
        batchId: bytes
        by: str
        reasonCode: bytes

    class Recalled(Event, frozen=True, kw_only=True):
        """Emitted when batch `batchId` is recalled by `by` (its manufacturer or a regulator).

        `by` is not indexed: recalls are few (list them all, or filter by batch), and a third topic would put a
        regulator's recall over its 35,000-gas target.

        ``Recalled(bytes32,address,bytes32)``.
        """

        EVENT: ClassVar[str] = "Recalled"
        batchId: bytes
        by: str
        reasonCode: bytes

    class Received(Event, frozen=True, kw_only=True):
        """Emitted when `to` takes delivery of shipment `shipmentId` of `batchId`.

        ``Received(bytes32,bytes32,address)``.
        """

        EVENT: ClassVar[str] = "Received"
        shipmentId: bytes
        batchId: bytes
        to: str

    class Released(Event, frozen=True, kw_only=True):
        """Emitted when a regulator `by` releases batch `batchId` from quarantine.

        ``Released(bytes32,address)``.
        """

        EVENT: ClassVar[str] = "Released"
        batchId: bytes
        by: str

    class ShipmentCancelled(Event, frozen=True, kw_only=True):
        """Emitted when `shipper` cancels shipment `shipmentId` before its receipt.

        ``ShipmentCancelled(bytes32,bytes32,address)``.
        """

        EVENT: ClassVar[str] = "ShipmentCancelled"
        shipmentId: bytes
        batchId: bytes
        shipper: str

    class Shipped(Event, frozen=True, kw_only=True):
        """Emitted when `from` ships `quantity` units of `batchId` to `to`; they are in transit. `serialsRoot` commits
        to the serials the shipment aggregates (an SSCC's contents).

        ``Shipped(bytes32,bytes32,address,address,uint32,bytes32)``.
        """

        EVENT: ClassVar[str] = "Shipped"
        shipmentId: bytes
        batchId: bytes
        from_: str
        to: str
        quantity: int
        serialsRoot: bytes

    class SuspectReported(Event, frozen=True, kw_only=True):
        """Emitted when `reporter` reports unit `serialHash` (zero: the batch as a whole) of `batchId` as suspect
        (DSCSA suspect product).

        ``SuspectReported(bytes32,bytes32,address,bytes32)``.
        """

        EVENT: ClassVar[str] = "SuspectReported"
        batchId: bytes
        serialHash: bytes
        reporter: str
        reasonCode: bytes

    class BatchOfResult(NamedTuple):
        """What ``batchOf`` answers."""

        manufacturer: str
        expiryDay: int
        status: int
        quantity: int
        serialsRoot: bytes

    class DispenseOfResult(NamedTuple):
        """What ``dispenseOf`` answers."""

        pharmacy: str
        dispensedAt: int

    class GtinOwnerOfResult(NamedTuple):
        """What ``gtinOwnerOf`` answers."""

        owner: str
        prefix: int
        length: int

    class ShipmentOfResult(NamedTuple):
        """What ``shipmentOf`` answers."""

        to: str
        quantity: int
        state: int

    class UnitDispenseResult(NamedTuple):
        """What ``unitDispense`` answers."""

        pharmacy: str
        dispensedAt: int
        revertibleUntil: int

    def BATCH_ACTIVE(self, *, block: BlockId = "latest") -> int:
        """``BATCH_ACTIVE()``, read at ``block``."""
        return self._call("BATCH_ACTIVE", (), block)

    def BATCH_QUARANTINED(self, *, block: BlockId = "latest") -> int:
        """``BATCH_QUARANTINED()``, read at ``block``."""
        return self._call("BATCH_QUARANTINED", (), block)

    def BATCH_RECALLED(self, *, block: BlockId = "latest") -> int:
        """``BATCH_RECALLED()``, read at ``block``."""
        return self._call("BATCH_RECALLED", (), block)

    def MAX_PREFIX_LENGTH(self, *, block: BlockId = "latest") -> int:
        """``MAX_PREFIX_LENGTH()``, read at ``block``."""
        return self._call("MAX_PREFIX_LENGTH", (), block)

    def MIN_PREFIX_LENGTH(self, *, block: BlockId = "latest") -> int:
        """Shortest and longest GS1 company prefix, in digits.

        ``MIN_PREFIX_LENGTH()``, read at ``block``.
        """
        return self._call("MIN_PREFIX_LENGTH", (), block)

    def REVERT_WINDOW(self, *, block: BlockId = "latest") -> int:
        """How long a pharmacy may undo a dispense (EU FMD).

        ``REVERT_WINDOW()``, read at ``block``.
        """
        return self._call("REVERT_WINDOW", (), block)

    def SHIPMENT_IN_TRANSIT(self, *, block: BlockId = "latest") -> int:
        """``SHIPMENT_IN_TRANSIT()``, read at ``block``."""
        return self._call("SHIPMENT_IN_TRANSIT", (), block)

    def SHIPMENT_RECEIVED(self, *, block: BlockId = "latest") -> int:
        """``SHIPMENT_RECEIVED()``, read at ``block``."""
        return self._call("SHIPMENT_RECEIVED", (), block)

    def UNIT_ALREADY_DISPENSED(self, *, block: BlockId = "latest") -> int:
        """``UNIT_ALREADY_DISPENSED()``, read at ``block``."""
        return self._call("UNIT_ALREADY_DISPENSED", (), block)

    def UNIT_EXPIRED(self, *, block: BlockId = "latest") -> int:
        """``UNIT_EXPIRED()``, read at ``block``."""
        return self._call("UNIT_EXPIRED", (), block)

    def UNIT_GENUINE(self, *, block: BlockId = "latest") -> int:
        """``UNIT_GENUINE()``, read at ``block``."""
        return self._call("UNIT_GENUINE", (), block)

    def UNIT_QUARANTINED(self, *, block: BlockId = "latest") -> int:
        """``UNIT_QUARANTINED()``, read at ``block``."""
        return self._call("UNIT_QUARANTINED", (), block)

    def UNIT_RECALLED(self, *, block: BlockId = "latest") -> int:
        """``UNIT_RECALLED()``, read at ``block``."""
        return self._call("UNIT_RECALLED", (), block)

    def UNIT_UNKNOWN_BATCH(self, *, block: BlockId = "latest") -> int:
        """``UNIT_UNKNOWN_BATCH()``, read at ``block``."""
        return self._call("UNIT_UNKNOWN_BATCH", (), block)

    def UNIT_UNKNOWN_SERIAL(self, *, block: BlockId = "latest") -> int:
        """``UNIT_UNKNOWN_SERIAL()``, read at ``block``."""
        return self._call("UNIT_UNKNOWN_SERIAL", (), block)

    def assignCompanyPrefix(
        self,
        prefix: int,
        length: int,
        manufacturer: str,
        *,
        tx: TxOptions | None = None,
    ) -> Receipt:
        """Assigns GS1 company prefix (`prefix`, `length`) to `manufacturer`, the brand owner GS1 licensed it to: from
        then on only `manufacturer` commissions batches of the GTINs under it.

        Requirements: - the caller holds the consortium registry's admin role (governance); - `length` is 6 to 12
        and `prefix` < 10^length; - `manufacturer` is an active MANUFACTURER; - the prefix is not assigned, and
        overlaps no assigned prefix (neither inside one nor around one). Emits a {CompanyPrefixAssigned} event.

        ``assignCompanyPrefix(uint64,uint8,address)``: a transaction, signed and sent; its mined receipt.
        """
        return self._transact("assignCompanyPrefix", (prefix, length, manufacturer), tx)

    def balanceOf(self, holder: str, batchId: bytes | str, *, block: BlockId = "latest") -> int:
        """Units of `batchId` that `holder` received (or commissioned) and has not shipped on (in-transit units count
        for nobody; a pharmacy's dispensed units stay counted).

        ``balanceOf(address,bytes32)``, read at ``block``.
        """
        return self._call("balanceOf", (holder, batchId), block)

    def batchIdOf(self, gtin: int, lot: bytes | str, *, block: BlockId = "latest") -> bytes:
        """The batch id of (gtin, lot): keccak256(abi.encode(gtin, lot)).

        ``batchIdOf(uint64,bytes32)``, read at ``block``.
        """
        return self._call("batchIdOf", (gtin, lot), block)

    def batchOf(self, batchId: bytes | str, *, block: BlockId = "latest") -> DrugProvenance.BatchOfResult:
        """Batch `batchId`: manufacturer (zero if unknown), expiry (unix day), status (one of the `BATCH_*` constants,
        0 if unknown), commissioned quantity and serials root.

        ``batchOf(bytes32)``, read at ``block``.
        """
        return self._call("batchOf", (batchId,), block)

    def cancelShipment(
        self,
        shipmentId: bytes | str,
        batchId: bytes | str,
        serialsRoot: bytes | str,
        *,
        tx: TxOptions | None = None,
    ) -> Receipt:
        """Cancels the caller's shipment `shipmentId` before its receipt: its units are back in the caller's holding.

        `batchId` and `serialsRoot` are the shipment's, as in its {Shipped} event. Requirements: - `shipmentId` is
        in transit (else {DrugProvenanceUnknownShipment}; received: {DrugProvenanceShipmentReceived}); - the caller
        shipped it, of `batchId` with `serialsRoot` (else {DrugProvenanceShipmentMismatch}); - the caller is an
        active member (the batch's status does not matter: units only go back). Emits a {ShipmentCancelled} event.

        ``cancelShipment(bytes32,bytes32,bytes32)``: a transaction, signed and sent; its mined receipt.
        """
        return self._transact("cancelShipment", (shipmentId, batchId, serialsRoot), tx)

    def commissionBatch(
        self,
        gtin: int,
        lot: bytes | str,
        expiry: int,
        quantity: int,
        serialsRoot: bytes | str,
        *,
        tx: TxOptions | None = None,
    ) -> Receipt:
        """Commissions a batch: the caller becomes the holder of all `quantity` units.

        Requirements: - the caller is an active MANUFACTURER; - `gtin` is a GTIN-14 with a valid mod-10 check
        digit, whose GS1 company prefix (the 6 to 12 digits after the indicator digit) is assigned to the caller
        (see {assignCompanyPrefix}); - `lot` is not zero; - `expiry` (a unix day) is today or later and below 2^24;
        `quantity` and `serialsRoot` are not zero; - the batch (gtin, lot) has not been commissioned. Emits a
        {BatchCommissioned} event.

        ``commissionBatch(uint64,bytes32,uint32,uint32,bytes32)``: a transaction, signed and sent; its mined
        receipt.
        """
        return self._transact("commissionBatch", (gtin, lot, expiry, quantity, serialsRoot), tx)

    def companyPrefixOwner(self, prefix: int, length: int, *, block: BlockId = "latest") -> str:
        """The manufacturer company prefix (`prefix`, `length`) is assigned to (zero: nobody).

        ``companyPrefixOwner(uint64,uint8)``, read at ``block``.
        """
        return self._call("companyPrefixOwner", (prefix, length), block)

    def dispense(
        self,
        batchId: bytes | str,
        serialHash: bytes | str,
        proof: Sequence[bytes | str],
        shipment: ShipmentRef,
        shipmentProof: Sequence[bytes | str],
        *,
        tx: TxOptions | None = None,
    ) -> Receipt:
        """Dispenses (verifies and decommissions) unit `serialHash` of `batchId` to a patient.

        Custody of the serial, not of a count: the unit must have reached the caller in a shipment it received.
        `proof` is the StandardMerkleTree proof of `serialHash` against the batch's serials root; `shipment` is a
        shipment of `batchId` the caller received (id, shipper and serials root as in its {Shipped} event), and
        `shipmentProof` the proof of `serialHash` against that root. Dispensing does not change holdings (units
        received count in the holding until shipped on). Requirements: - the caller is an active PHARMACY; - the
        batch is neither recalled, quarantined nor expired; - `proof` shows `serialHash` in the batch (else
        {DrugProvenanceUnknownSerial}); - `shipment` was received by the caller, of `batchId`, from
        `shipment.shipper` with `shipment.serialsRoot` (else {DrugProvenanceNotReceived}); - `shipmentProof` shows
        `serialHash` in that shipment (else {DrugProvenanceSerialNotInShipment}); - the unit is not dispensed.
        Emits a {Dispensed} event.

        ``dispense(bytes32,bytes32,bytes32[],(bytes32,address,bytes32),bytes32[])``: a transaction, signed and
        sent; its mined receipt.
        """
        return self._transact("dispense", (batchId, serialHash, proof, shipment, shipmentProof), tx)

    def dispenseOf(
        self,
        batchId: bytes | str,
        serialHash: bytes | str,
        *,
        block: BlockId = "latest",
    ) -> DrugProvenance.DispenseOfResult:
        """When unit `serialHash` of `batchId` was dispensed, and by whom (zeros if not dispensed).

        ``dispenseOf(bytes32,bytes32)``, read at ``block``.
        """
        return self._call("dispenseOf", (batchId, serialHash), block)

    def dispenserOf(self, batchId: bytes | str, serialHash: bytes | str, *, block: BlockId = "latest") -> str:
        """The pharmacy that dispensed unit `serialHash` of `batchId` (zero if not dispensed, or if the dispense was
        reverted). For the claims contract: "this pharmacy dispensed this unit".

        ``dispenserOf(bytes32,bytes32)``, read at ``block``.
        """
        return self._call("dispenserOf", (batchId, serialHash), block)

    def gtinOwnerOf(self, gtin: int, *, block: BlockId = "latest") -> DrugProvenance.GtinOwnerOfResult:
        """The assigned company prefix `gtin` falls under, and its owner (zeros: none), i.e. who may commission
        batches of `gtin`.

        ``gtinOwnerOf(uint64)``, read at ``block``.
        """
        return self._call("gtinOwnerOf", (gtin,), block)

    def quarantine(self, batchId: bytes | str, reasonCode: bytes | str, *, tx: TxOptions | None = None) -> Receipt:
        """Quarantines batch `batchId`: no shipping, receiving or dispensing until a regulator releases it.

        Requirements: the caller is an active REGULATOR, or an active member holding units of the batch that no
        regulator has released yet; the batch exists and is active (neither quarantined nor recalled); `reasonCode`
        is not zero. Emits a {Quarantined} event.

        ``quarantine(bytes32,bytes32)``: a transaction, signed and sent; its mined receipt.
        """
        return self._transact("quarantine", (batchId, reasonCode), tx)

    def reassignCompanyPrefix(
        self,
        prefix: int,
        length: int,
        manufacturer: str,
        *,
        tx: TxOptions | None = None,
    ) -> Receipt:
        """Moves assigned company prefix (`prefix`, `length`) to `manufacturer` (a brand sold, a licence transferred).
        Batches commissioned before stay their manufacturer's.

        Requirements: the caller holds the registry's admin role; the prefix is assigned, to another account than
        `manufacturer`, an active MANUFACTURER. Emits a {CompanyPrefixReassigned} event.

        ``reassignCompanyPrefix(uint64,uint8,address)``: a transaction, signed and sent; its mined receipt.
        """
        return self._transact("reassignCompanyPrefix", (prefix, length, manufacturer), tx)

    def recall(self, batchId: bytes | str, reasonCode: bytes | str, *, tx: TxOptions | None = None) -> Receipt:
        """Recalls batch `batchId`, for good: it can never again be shipped, received or dispensed.

        Requirements: the caller is the batch's manufacturer, an active MANUFACTURER (suspension and removal take
        effect here too: a suspended manufacturer's safety recall goes through a regulator), or an active
        REGULATOR; the batch exists and is not recalled; `reasonCode` is not zero. Emits a {Recalled} event.

        ``recall(bytes32,bytes32)``: a transaction, signed and sent; its mined receipt.
        """
        return self._transact("recall", (batchId, reasonCode), tx)

    def receiveShipment(
        self,
        shipmentId: bytes | str,
        batchId: bytes | str,
        from_: str,
        serialsRoot: bytes | str,
        *,
        tx: TxOptions | None = None,
    ) -> Receipt:
        """Takes delivery of shipment `shipmentId`: its units join the caller's holding, and its serials may be
        dispensed by the caller (see {dispense}).

        Named `receiveShipment` because `receive` is reserved in Solidity for the ether-receive function.
        Suspension and removal take effect here too: a shipment to a member suspended since shipping stays in
        transit until it is reinstated. Requirements: - `shipmentId` is in transit (else
        {DrugProvenanceUnknownShipment}, or {DrugProvenanceShipmentReceived}), of `batchId`, shipped by `from` with
        `serialsRoot` (else {DrugProvenanceShipmentMismatch}); - it is addressed to the caller, an active member; -
        the batch is neither recalled, quarantined nor expired. Emits a {Received} event.

        ``receiveShipment(bytes32,bytes32,address,bytes32)``: a transaction, signed and sent; its mined receipt.
        """
        return self._transact("receiveShipment", (shipmentId, batchId, from_, serialsRoot), tx)

    def registry(self, *, block: BlockId = "latest") -> str:
        """The consortium membership registry this contract trusts.

        ``registry()``, read at ``block``.
        """
        return self._call("registry", (), block)

    def release(self, batchId: bytes | str, *, tx: TxOptions | None = None) -> Receipt:
        """Releases batch `batchId` from quarantine.

        Requirements: the caller is an active REGULATOR; the batch is quarantined. Emits a {Released} event.

        ``release(bytes32)``: a transaction, signed and sent; its mined receipt.
        """
        return self._transact("release", (batchId,), tx)

    def reportSuspect(
        self,
        batchId: bytes | str,
        serialHash: bytes | str,
        reasonCode: bytes | str,
        *,
        tx: TxOptions | None = None,
    ) -> Receipt:
        """Reports unit `serialHash` of `batchId` (zero: the batch as a whole) as suspect. An active batch no
        regulator has released yet is quarantined; one a regulator released is quarantined only when the reporter
        is an active regulator (anyone else's report is logged for regulators to act on: a report cannot undo a
        regulator's release).

        Requirements: the caller is an active member in any role; the batch exists; `reasonCode` is not zero. Emits
        a {SuspectReported} event, and a {Quarantined} event when the batch is quarantined.

        ``reportSuspect(bytes32,bytes32,bytes32)``: a transaction, signed and sent; its mined receipt.
        """
        return self._transact("reportSuspect", (batchId, serialHash, reasonCode), tx)

    def revertDispense(
        self,
        batchId: bytes | str,
        serialHash: bytes | str,
        *,
        tx: TxOptions | None = None,
    ) -> Receipt:
        """Undoes the caller's dispense of unit `serialHash` of `batchId` (EU FMD: within 10 days): the unit may be
        dispensed again (by a pharmacy a received shipment carried it to).

        Requirements: the caller is an active PHARMACY that dispensed the unit less than 10 days ago. Emits a
        {DispenseReverted} event.

        ``revertDispense(bytes32,bytes32)``: a transaction, signed and sent; its mined receipt.
        """
        return self._transact("revertDispense", (batchId, serialHash), tx)

    def revokeCompanyPrefix(
        self,
        prefix: int,
        length: int,
        reasonCode: bytes | str,
        *,
        tx: TxOptions | None = None,
    ) -> Receipt:
        """Revokes company prefix (`prefix`, `length`): nobody commissions its GTINs until it is assigned again.
        Batches commissioned before are untouched.

        Requirements: the caller holds the registry's admin role or is an active REGULATOR (it only restricts); the
        prefix is assigned; `reasonCode` is not zero. Emits a {CompanyPrefixRevoked} event.

        ``revokeCompanyPrefix(uint64,uint8,bytes32)``: a transaction, signed and sent; its mined receipt.
        """
        return self._transact("revokeCompanyPrefix", (prefix, length, reasonCode), tx)

    def ship(
        self,
        batchId: bytes | str,
        to: str,
        quantity: int,
        serialsRoot: bytes | str,
        *,
        tx: TxOptions | None = None,
    ) -> Receipt:
        """Ships `quantity` of the caller's units of `batchId` to `to`, the serials whose hashes `serialsRoot` commits
        to (a StandardMerkleTree over them, same leaves as the batch's tree). Until `to` receives them they are in
        transit and belong to neither side; the shipper may cancel until then.

        The shipment id describes the shipment: bits 0..159 are `to`, 160..191 `quantity`, 192..231 the block
        number, 232..255 a counter within the block. It is unique among shipments in transit or received: it never
        recurs (a cancelled shipment's id may be reused in its block). The shipment stores one slot:
        keccak256(abi.encode(batchId, shipper, serialsRoot)), bit 0 set once received; receipt, cancel and dispense
        repeat those three values from the {Shipped} event. Requirements: - the caller is an active member holding
        at least `quantity` units of `batchId`; - the batch is neither recalled, quarantined nor expired;
        `quantity` and `serialsRoot` are not zero; - `to` is an active DISTRIBUTOR or PHARMACY, or the batch's
        active manufacturer (a return), and not the caller. Emits a {Shipped} event.

        ``ship(bytes32,address,uint32,bytes32)``: a transaction, signed and sent; its mined receipt.
        """
        return self._transact("ship", (batchId, to, quantity, serialsRoot), tx)

    def shipmentOf(self, shipmentId: bytes | str, *, block: BlockId = "latest") -> DrugProvenance.ShipmentOfResult:
        """Shipment `shipmentId`: addressee, quantity and state (1 in transit, 2 received; zeros if never shipped, or
        cancelled). Its batch, shipper and serials root are in its {Shipped} event.

        ``shipmentOf(bytes32)``, read at ``block``.
        """
        return self._call("shipmentOf", (shipmentId,), block)

    def unitDispense(self, unitId: bytes | str, *, block: BlockId = "latest") -> DrugProvenance.UnitDispenseResult:
        """The dispense of unit `unitId` (see {unitIdOf}): the pharmacy, when, and until when it may still be reverted
        (zeros if not dispensed, or reverted). For the claims contract: a pharmacy's claim is paid only for a unit
        that pharmacy dispensed, once the dispense can no longer be undone.

        ``unitDispense(bytes32)``, read at ``block``.
        """
        return self._call("unitDispense", (unitId,), block)

    def unitIdOf(self, batchId: bytes | str, serialHash: bytes | str, *, block: BlockId = "latest") -> bytes:
        """The id of unit `serialHash` of `batchId`: keccak256(abi.encode(batchId, serialHash)).

        ``unitIdOf(bytes32,bytes32)``, read at ``block``.
        """
        return self._call("unitIdOf", (batchId, serialHash), block)

    def verifyUnit(
        self,
        batchId: bytes | str,
        serialHash: bytes | str,
        proof: Sequence[bytes | str],
        *,
        block: BlockId = "latest",
    ) -> int:
        """What a pharmacist's scanner asks before dispensing: the status of unit `serialHash` of `batchId`, one of
        the `UNIT_*` constants.

        Checked in this order: UNKNOWN_BATCH, UNKNOWN_SERIAL (the proof fails: possibly counterfeit),
        ALREADY_DISPENSED (possibly a copied serial), RECALLED, QUARANTINED, EXPIRED, else GENUINE. Never 0, so
        that a zeroed answer cannot read as genuine.

        ``verifyUnit(bytes32,bytes32,bytes32[])``, read at ``block``.
        """
        return self._call("verifyUnit", (batchId, serialHash, proof), block)

    def wasReleased(self, batchId: bytes | str, *, block: BlockId = "latest") -> bool:
        """Whether a regulator has released batch `batchId` at least once (from then on, only regulators quarantine
        it).

        ``wasReleased(bytes32)``, read at ``block``.
        """
        return self._call("wasReleased", (batchId,), block)

    TYPES = TYPES
    EVENTS = {
        "BatchCommissioned": BatchCommissioned,
        "CompanyPrefixAssigned": CompanyPrefixAssigned,
        "CompanyPrefixReassigned": CompanyPrefixReassigned,
        "CompanyPrefixRevoked": CompanyPrefixRevoked,
        "DispenseReverted": DispenseReverted,
        "Dispensed": Dispensed,
        "Quarantined": Quarantined,
        "Recalled": Recalled,
        "Received": Received,
        "Released": Released,
        "ShipmentCancelled": ShipmentCancelled,
        "Shipped": Shipped,
        "SuspectReported": SuspectReported,
    }
    RESULTS = {
        "batchOf": BatchOfResult,
        "dispenseOf": DispenseOfResult,
        "gtinOwnerOf": GtinOwnerOfResult,
        "shipmentOf": ShipmentOfResult,
        "unitDispense": UnitDispenseResult,
    }


class ClaimSettlement(Contract):
    """ClaimSettlement

    Insurance claims checked against coverage, patient consent and anchored evidence, adjudicated by deterministic
    rules, escrowed from the insurer's pool and paid in a stable token. Invariants (NatSpec'd here, checked by
    tests): - a claim is credited (Settled) at most once; - per policy and policy year, `paid` (payable of claims
    not denied) never exceeds the annual limit; - for every insurer: funded − withdrawn = available + reserved +
    credited to providers from its pool; - the token balance of this contract = Σ (available + reserved) + Σ
    provider credits not withdrawn; - nobody withdraws more than they were credited; - a pharmacy claim is created
    only by the pharmacy that dispensed the unit, its id names that dispense (unit and time), and it is credited
    only while that very dispense is the unit's current one and can no longer be reverted; a dispense is claimed at
    most once; - a claim needs the patient's consent to its provider (TREAT, or an emergency access): no claim
    without a care relationship; - the same service (policy, provider, service day, canonical codes) is claimed at
    most once; - a policy whose insurer is not an active INSURER gets no new claim, and that insurer decides
    nothing; - a dispute lapses `appealWindow` after it was opened: anyone may then settle it at its pre-dispute
    outcome, so reserves are never locked by an insurer that does not answer. Privacy: policy ids are opaque; line
    items live off chain (only `codesHash`); patients are addresses.

    ClaimSettlement at an address: a method per function of its ABI (views read, the others send a transaction
    signed by the signer and return its receipt), a class per event.
    """

    NAME = "ClaimSettlement"

    class ClaimAdjudicated(Event, frozen=True, kw_only=True):
        """Emitted when a claim is adjudicated (at submission, or again once funds arrive).

        ``ClaimAdjudicated(bytes32,uint8,uint256,uint256,uint16)``.
        """

        EVENT: ClassVar[str] = "ClaimAdjudicated"
        claimId: bytes
        outcome: ClaimStatus
        patientShare: int
        payable_: int
        reasonCode: int

    class ClaimDenied(Event, frozen=True, kw_only=True):
        """Emitted when the insurer denies a claim within its review window.

        ``ClaimDenied(bytes32,address,uint16)``.
        """

        EVENT: ClassVar[str] = "ClaimDenied"
        claimId: bytes
        insurer: str
        reasonCode: int

    class ClaimDisputed(Event, frozen=True, kw_only=True):
        """Emitted when the provider appeals a denial or partial payment, with new evidence.

        ``ClaimDisputed(bytes32,address,bytes32)``.
        """

        EVENT: ClassVar[str] = "ClaimDisputed"
        claimId: bytes
        provider: str
        evidenceHash: bytes

    class ClaimRejected(Event, frozen=True, kw_only=True):
        """Emitted when a claim is refused at submission (in a batch; single submissions revert).

        ``ClaimRejected(bytes32,uint16)``.
        """

        EVENT: ClassVar[str] = "ClaimRejected"
        claimId: bytes
        reasonCode: int

    class ClaimSettled(Event, frozen=True, kw_only=True):
        """Emitted when a claim is paid: `amount` credited to `provider`.

        ``ClaimSettled(bytes32,address,uint256)``.
        """

        EVENT: ClassVar[str] = "ClaimSettled"
        claimId: bytes
        provider: str
        amount: int

    class ClaimSubmitted(Event, frozen=True, kw_only=True):
        """Emitted when a claim is accepted for adjudication.

        ``ClaimSubmitted(bytes32,bytes32,address,address,uint128,uint64)``.
        """

        EVENT: ClassVar[str] = "ClaimSubmitted"
        claimId: bytes
        policyId: bytes
        provider: str
        insurer: str
        amount: int
        serviceDate: int

    class ClaimVoided(Event, frozen=True, kw_only=True):
        """Emitted when settlement finds that the dispense a pharmacy claim names is no longer the unit's current one
        (it was reverted): the claim is denied with `reasonCode` and its reservation freed.

        ``ClaimVoided(bytes32,address,uint16)``.
        """

        EVENT: ClassVar[str] = "ClaimVoided"
        claimId: bytes
        provider: str
        reasonCode: int

    class CodesKeyCommitted(Event, frozen=True, kw_only=True):
        """Emitted when `insurer` commits, once and for good, to the key its claims' codes hashes use.

        ``CodesKeyCommitted(address,bytes32)``.
        """

        EVENT: ClassVar[str] = "CodesKeyCommitted"
        insurer: str
        commitment: bytes

    class DisputeLapsed(Event, frozen=True, kw_only=True):
        """Emitted when a dispute lapsed unresolved and its pre-dispute `outcome` (Partial, then credited; or Denied,
        final) stands.

        ``DisputeLapsed(bytes32,uint8)``.
        """

        EVENT: ClassVar[str] = "DisputeLapsed"
        claimId: bytes
        outcome: ClaimStatus

    class DisputeResolved(Event, frozen=True, kw_only=True):
        """Emitted when the insurer resolves a dispute for `approvedAmount`.

        ``DisputeResolved(bytes32,address,uint256)``.
        """

        EVENT: ClassVar[str] = "DisputeResolved"
        claimId: bytes
        insurer: str
        approvedAmount: int

    class PharmacyClaimLinked(Event, frozen=True, kw_only=True):
        """Emitted with {ClaimSubmitted} for a pharmacy's claim: the dispensed unit it bills for.

        ``PharmacyClaimLinked(bytes32,bytes32,bytes32)``.
        """

        EVENT: ClassVar[str] = "PharmacyClaimLinked"
        claimId: bytes
        batchId: bytes
        serialHash: bytes

    class PolicyRegistered(Event, frozen=True, kw_only=True):
        """Emitted when `insurer` registers `policyId` for `patient`.

        ``PolicyRegistered(bytes32,address,address,uint128,uint128,uint16,uint64,uint64)``.
        """

        EVENT: ClassVar[str] = "PolicyRegistered"
        policyId: bytes
        insurer: str
        patient: str
        annualLimit: int
        deductible: int
        coinsuranceBps: int
        validFrom: int
        validUntil: int

    class PoolFunded(Event, frozen=True, kw_only=True):
        """Emitted when `insurer` adds `amount` to its pool.

        ``PoolFunded(address,uint256)``.
        """

        EVENT: ClassVar[str] = "PoolFunded"
        insurer: str
        amount: int

    class PoolWithdrawn(Event, frozen=True, kw_only=True):
        """Emitted when `insurer` takes `amount` of unreserved funds back.

        ``PoolWithdrawn(address,uint256)``.
        """

        EVENT: ClassVar[str] = "PoolWithdrawn"
        insurer: str
        amount: int

    class Withdrawn(Event, frozen=True, kw_only=True):
        """Emitted when `provider` withdraws its credited payments.

        ``Withdrawn(address,uint256)``.
        """

        EVENT: ClassVar[str] = "Withdrawn"
        provider: str
        amount: int

    class PolicyOfResult(NamedTuple):
        """What ``policyOf`` answers."""

        insurer: str
        patient: str
        annualLimit: int
        deductible: int
        coinsuranceBps: int
        validFrom: int
        validUntil: int

    class PoolOfResult(NamedTuple):
        """What ``poolOf`` answers."""

        available: int
        reserved: int

    class UsageOfResult(NamedTuple):
        """What ``usageOf`` answers."""

        deductibleMet: int
        paid: int

    def CARE_CATEGORY(self, *, block: BlockId = "latest") -> int:
        """``CARE_CATEGORY()``, read at ``block``."""
        return self._call("CARE_CATEGORY", (), block)

    def CARE_PURPOSE(self, *, block: BlockId = "latest") -> int:
        """The care relationship a provider's claim needs: the patient's TREAT consent to the provider on encounters
        data (an emergency access counts too).

        ``CARE_PURPOSE()``, read at ``block``.
        """
        return self._call("CARE_PURPOSE", (), block)

    def CONSENT_CATEGORY(self, *, block: BlockId = "latest") -> int:
        """``CONSENT_CATEGORY()``, read at ``block``."""
        return self._call("CONSENT_CATEGORY", (), block)

    def CONSENT_PURPOSE(self, *, block: BlockId = "latest") -> int:
        """Purpose HPAYMT and category billing-and-claims, as in {ConsentRegistry}.

        ``CONSENT_PURPOSE()``, read at ``block``.
        """
        return self._call("CONSENT_PURPOSE", (), block)

    def PHARMACY_CARE_CATEGORY(self, *, block: BlockId = "latest") -> int:
        """The care relationship a pharmacy's claim needs: TREAT consent to the pharmacy on medications.

        ``PHARMACY_CARE_CATEGORY()``, read at ``block``.
        """
        return self._call("PHARMACY_CARE_CATEGORY", (), block)

    def POLICY_YEAR(self, *, block: BlockId = "latest") -> int:
        """``POLICY_YEAR()``, read at ``block``."""
        return self._call("POLICY_YEAR", (), block)

    def REASON_BATCH_QUARANTINED(self, *, block: BlockId = "latest") -> int:
        """medchain's own code: the unit's batch is quarantined (a claim may be submitted once released).

        ``REASON_BATCH_QUARANTINED()``, read at ``block``.
        """
        return self._call("REASON_BATCH_QUARANTINED", (), block)

    def REASON_BATCH_RECALLED(self, *, block: BlockId = "latest") -> int:
        """medchain's own code: the unit's batch is recalled.

        ``REASON_BATCH_RECALLED()``, read at ``block``.
        """
        return self._call("REASON_BATCH_RECALLED", (), block)

    def REASON_BEFORE_COVERAGE(self, *, block: BlockId = "latest") -> int:
        """``REASON_BEFORE_COVERAGE()``, read at ``block``."""
        return self._call("REASON_BEFORE_COVERAGE", (), block)

    def REASON_BENEFIT_MAXIMUM(self, *, block: BlockId = "latest") -> int:
        """``REASON_BENEFIT_MAXIMUM()``, read at ``block``."""
        return self._call("REASON_BENEFIT_MAXIMUM", (), block)

    def REASON_COINSURANCE(self, *, block: BlockId = "latest") -> int:
        """``REASON_COINSURANCE()``, read at ``block``."""
        return self._call("REASON_COINSURANCE", (), block)

    def REASON_CONSENT_ABSENT(self, *, block: BlockId = "latest") -> int:
        """``REASON_CONSENT_ABSENT()``, read at ``block``."""
        return self._call("REASON_CONSENT_ABSENT", (), block)

    def REASON_COVERAGE_TERMINATED(self, *, block: BlockId = "latest") -> int:
        """``REASON_COVERAGE_TERMINATED()``, read at ``block``."""
        return self._call("REASON_COVERAGE_TERMINATED", (), block)

    def REASON_DEDUCTIBLE(self, *, block: BlockId = "latest") -> int:
        """``REASON_DEDUCTIBLE()``, read at ``block``."""
        return self._call("REASON_DEDUCTIBLE", (), block)

    def REASON_DUPLICATE(self, *, block: BlockId = "latest") -> int:
        """``REASON_DUPLICATE()``, read at ``block``."""
        return self._call("REASON_DUPLICATE", (), block)

    def REASON_EVIDENCE_MISSING(self, *, block: BlockId = "latest") -> int:
        """``REASON_EVIDENCE_MISSING()``, read at ``block``."""
        return self._call("REASON_EVIDENCE_MISSING", (), block)

    def REASON_FUTURE_SERVICE(self, *, block: BlockId = "latest") -> int:
        """``REASON_FUTURE_SERVICE()``, read at ``block``."""
        return self._call("REASON_FUTURE_SERVICE", (), block)

    def REASON_INSURER_INACTIVE(self, *, block: BlockId = "latest") -> int:
        """medchain's own code: the policy's insurer is not an active INSURER (suspended or removed).

        ``REASON_INSURER_INACTIVE()``, read at ``block``.
        """
        return self._call("REASON_INSURER_INACTIVE", (), block)

    def REASON_INVALID_AMOUNT(self, *, block: BlockId = "latest") -> int:
        """medchain's own code: the billed amount is zero or too large for the accounting.

        ``REASON_INVALID_AMOUNT()``, read at ``block``.
        """
        return self._call("REASON_INVALID_AMOUNT", (), block)

    def REASON_NOT_INSURED(self, *, block: BlockId = "latest") -> int:
        """``REASON_NOT_INSURED()``, read at ``block``."""
        return self._call("REASON_NOT_INSURED", (), block)

    def REASON_NOT_SUBMITTER(self, *, block: BlockId = "latest") -> int:
        """medchain's own code (outside CARC's range): the submitter may not submit this claim.

        ``REASON_NOT_SUBMITTER()``, read at ``block``.
        """
        return self._call("REASON_NOT_SUBMITTER", (), block)

    def REASON_NO_CARE_RELATIONSHIP(self, *, block: BlockId = "latest") -> int:
        """medchain's own code: the patient has not consented to the provider (or pharmacy) for treatment, and it
        holds no emergency access: no care relationship backs the claim.

        ``REASON_NO_CARE_RELATIONSHIP()``, read at ``block``.
        """
        return self._call("REASON_NO_CARE_RELATIONSHIP", (), block)

    def REASON_PROVIDER_INELIGIBLE(self, *, block: BlockId = "latest") -> int:
        """``REASON_PROVIDER_INELIGIBLE()``, read at ``block``."""
        return self._call("REASON_PROVIDER_INELIGIBLE", (), block)

    def REASON_TIMELY_FILING(self, *, block: BlockId = "latest") -> int:
        """``REASON_TIMELY_FILING()``, read at ``block``."""
        return self._call("REASON_TIMELY_FILING", (), block)

    def REASON_UNIT_NOT_DISPENSED(self, *, block: BlockId = "latest") -> int:
        """medchain's own code: the pharmacy did not dispense this unit (never dispensed, dispensed by another
        pharmacy, or the dispense was reverted).

        ``REASON_UNIT_NOT_DISPENSED()``, read at ``block``.
        """
        return self._call("REASON_UNIT_NOT_DISPENSED", (), block)

    def SERVICE_DAY(self, *, block: BlockId = "latest") -> int:
        """Claim ids name the service day (UTC), not the second: the same service on the same day is one claim,
        whatever time of day is billed.

        ``SERVICE_DAY()``, read at ``block``.
        """
        return self._call("SERVICE_DAY", (), block)

    def adjudicate(self, claimId: bytes | str, *, tx: TxOptions | None = None) -> Receipt:
        """Completes a claim waiting for funds, once the insurer's pool covers it.

        Requirements: status PendingFunds; the pool's available funds cover the payable amount. Emits a
        {ClaimAdjudicated} event.

        ``adjudicate(bytes32)``: a transaction, signed and sent; its mined receipt.
        """
        return self._transact("adjudicate", (claimId,), tx)

    def appealWindow(self, *, block: BlockId = "latest") -> int:
        """Seconds after a denial or partial payment during which the provider may dispute.

        ``appealWindow()``, read at ``block``.
        """
        return self._call("appealWindow", (), block)

    def claimIdOf(
        self,
        policyId: bytes | str,
        provider: str,
        serviceDate: int,
        codesHash: bytes | str,
        *,
        block: BlockId = "latest",
    ) -> bytes:
        """The id of a claim: a fingerprint of (policy, provider, service DAY, codes hash):
        keccak256(abi.encode(policyId, provider, serviceDate / 1 days, codesHash)). The codes hash is over the
        canonical line items (sorted, normalized), so neither the time of day nor the order of codes or modifiers
        makes the same service a new claim.

        ``claimIdOf(bytes32,address,uint64,bytes32)``, read at ``block``.
        """
        return self._call("claimIdOf", (policyId, provider, serviceDate, codesHash), block)

    def claimOf(self, claimId: bytes | str, *, block: BlockId = "latest") -> ClaimView:
        """A claim's state.

        ``claimOf(bytes32)``, read at ``block``.
        """
        return self._call("claimOf", (claimId,), block)

    def claimStatuses(self, claimIds: Sequence[bytes | str], *, block: BlockId = "latest") -> list[ClaimStatus]:
        """The status of each claim in `claimIds` (None: not on chain), for bulk submitters that resume a run: one
        call answers for a whole batch.

        ``claimStatuses(bytes32[])``, read at ``block``.
        """
        return self._call("claimStatuses", (claimIds,), block)

    def codesKeyCommitmentOf(self, insurer: str, *, block: BlockId = "latest") -> bytes:
        """The codes-key commitment of `insurer` (zero: none).

        ``codesKeyCommitmentOf(address)``, read at ``block``.
        """
        return self._call("codesKeyCommitmentOf", (insurer,), block)

    def commitCodesKey(self, commitment: bytes | str, *, tx: TxOptions | None = None) -> Receipt:
        """Commits the caller, an active insurer, to the key its claims' codes hashes use, once and for good.

        The contract cannot check a keyed hash; the commitment is what the insurer's tools compare their key with
        before sending anything (a second key would give the same services new claim ids). Requirements: active
        INSURER; `commitment` not zero; no commitment before. Emits a {CodesKeyCommitted} event.

        ``commitCodesKey(bytes32)``: a transaction, signed and sent; its mined receipt.
        """
        return self._transact("commitCodesKey", (commitment,), tx)

    def consent(self, *, block: BlockId = "latest") -> str:
        """``consent()``, read at ``block``."""
        return self._call("consent", (), block)

    def creditOf(self, provider: str, *, block: BlockId = "latest") -> int:
        """What `provider` may withdraw now.

        ``creditOf(address)``, read at ``block``.
        """
        return self._call("creditOf", (provider,), block)

    def deny(self, claimId: bytes | str, reasonCode: int, *, tx: TxOptions | None = None) -> Receipt:
        """The insurer denies a claim within its review window, releasing its reservation.

        Requirements: the caller is the policy's insurer and an active INSURER; status Approved, Partial (review
        window open) or PendingFunds. The deductible and limit it used are given back to the policy year. Emits a
        {ClaimDenied} event.

        ``deny(bytes32,uint16)``: a transaction, signed and sent; its mined receipt.
        """
        return self._transact("deny", (claimId, reasonCode), tx)

    def dispute(
        self,
        claimId: bytes | str,
        evidenceHash: bytes | str,
        evidenceRoot: bytes | str,
        evidenceProof: Sequence[bytes | str],
        *,
        tx: TxOptions | None = None,
    ) -> Receipt:
        """The provider appeals a denial or partial payment, once, with new anchored evidence.

        The dispute lapses `appealWindow` after it is opened if the insurer has not resolved it: anyone may then
        settle it at its pre-dispute outcome ({settle}). Requirements: the caller is the claim's provider; status
        Denied or Partial; not disputed before; within the appeal window after the decision; `evidenceHash`
        anchored by the provider (alone when `evidenceRoot` is zero, else as a leaf of its batch `evidenceRoot`,
        proven by `evidenceProof`), not retracted, and anchored after the decision (new evidence, not the claim's
        own). Emits a {ClaimDisputed} event.

        ``dispute(bytes32,bytes32,bytes32,bytes32[])``: a transaction, signed and sent; its mined receipt.
        """
        return self._transact("dispute", (claimId, evidenceHash, evidenceRoot, evidenceProof), tx)

    def disputeLapsesAt(self, claimId: bytes | str, *, block: BlockId = "latest") -> int:
        """When the dispute of `claimId` lapses (0: not disputed): from then on anyone may settle it at its
        pre-dispute outcome.

        ``disputeLapsesAt(bytes32)``, read at ``block``.
        """
        return self._call("disputeLapsesAt", (claimId,), block)

    def fund(self, amount: int, *, tx: TxOptions | None = None) -> Receipt:
        """Adds `amount` of the settlement token to the caller's pool (an active insurer); the pool is credited with
        what this contract actually received (a fee-on-transfer token credits less).

        Requirements: active INSURER; `amount` > 0 and approved; something arrives (else
        {ClaimSettlementInvalidAmount} with 0). Emits a {PoolFunded} event with the amount received.

        ``fund(uint256)``: a transaction, signed and sent; its mined receipt.
        """
        return self._transact("fund", (amount,), tx)

    def pharmacyClaimIdOf(
        self,
        batchId: bytes | str,
        serialHash: bytes | str,
        dispensedAt: int,
        *,
        block: BlockId = "latest",
    ) -> bytes:
        """The id of a pharmacy's claim for the dispense at `dispensedAt` of unit `serialHash` of `batchId`:
        keccak256(abi.encode(unitId, dispensedAt)), unitId = keccak256(abi.encode(batchId, serialHash)) as in
        {IDrugProvenance-unitIdOf}. A new dispense of the unit has a new id.

        ``pharmacyClaimIdOf(bytes32,bytes32,uint64)``, read at ``block``.
        """
        return self._call("pharmacyClaimIdOf", (batchId, serialHash, dispensedAt), block)

    def policyOf(self, policyId: bytes | str, *, block: BlockId = "latest") -> ClaimSettlement.PolicyOfResult:
        """A policy's terms (zero insurer: unknown).

        ``policyOf(bytes32)``, read at ``block``.
        """
        return self._call("policyOf", (policyId,), block)

    def poolOf(self, insurer: str, *, block: BlockId = "latest") -> ClaimSettlement.PoolOfResult:
        """An insurer's pool: unreserved and reserved funds.

        ``poolOf(address)``, read at ``block``.
        """
        return self._call("poolOf", (insurer,), block)

    def provenance(self, *, block: BlockId = "latest") -> str:
        """Drug provenance: who dispensed which unit (for pharmacy claims).

        ``provenance()``, read at ``block``.
        """
        return self._call("provenance", (), block)

    def recordAnchor(self, *, block: BlockId = "latest") -> str:
        """``recordAnchor()``, read at ``block``."""
        return self._call("recordAnchor", (), block)

    def registerPolicy(
        self,
        policyId: bytes | str,
        patient: str,
        annualLimit: int,
        deductible: int,
        coinsuranceBps: int,
        validFrom: int,
        validUntil: int,
        *,
        tx: TxOptions | None = None,
    ) -> Receipt:
        """Registers `policyId` for `patient`; the caller, an active insurer, becomes its insurer.

        Requirements: active INSURER; `policyId` new and not zero; `patient` not zero; 0 < `annualLimit` < 2**96;
        `coinsuranceBps` ≤ 10,000; `validFrom` < `validUntil`. Emits a {PolicyRegistered} event.

        ``registerPolicy(bytes32,address,uint128,uint128,uint16,uint64,uint64)``: a transaction, signed and sent;
        its mined receipt.
        """
        return self._transact("registerPolicy", (
            policyId, patient, annualLimit, deductible, coinsuranceBps, validFrom, validUntil), tx)

    def registry(self, *, block: BlockId = "latest") -> str:
        """The consortium membership registry this contract trusts.

        ``registry()``, read at ``block``.
        """
        return self._call("registry", (), block)

    def resolveDispute(self, claimId: bytes | str, approvedAmount: int, *, tx: TxOptions | None = None) -> Receipt:
        """The insurer resolves a dispute: `approvedAmount` becomes the claim's payable amount.

        Requirements: the caller is the policy's insurer and an active INSURER; status Disputed and not lapsed
        (`appealWindow` after it was opened); `approvedAmount` within the policy year's remaining limit and covered
        by the pool. A zero amount denies the claim with the same accounting as {deny} (reservation, limit and
        deductible given back); any other is settleable at once. Emits a {DisputeResolved} event.

        ``resolveDispute(bytes32,uint128)``: a transaction, signed and sent; its mined receipt.
        """
        return self._transact("resolveDispute", (claimId, approvedAmount), tx)

    def reviewWindow(self, *, block: BlockId = "latest") -> int:
        """Seconds after adjudication during which the insurer may deny; settlement comes after.

        ``reviewWindow()``, read at ``block``.
        """
        return self._call("reviewWindow", (), block)

    def settle(self, claimIds: Sequence[bytes | str], *, tx: TxOptions | None = None) -> Receipt:
        """Credits providers for every settleable claim in `claimIds`; others are skipped. Anyone may call it.

        Settleable: Approved after the review window; Partial after both the review and the appeal window (so that
        nobody cuts the provider's appeal short), or after the review window when its own provider settles it
        (accepting the partial payment); Resolved at once; Disputed once the dispute lapsed (`appealWindow` after
        it was opened, unresolved): at its pre-dispute outcome, a Partial payment credited, a denial final
        (Denied). A claim is credited at most once: it becomes Settled. A pharmacy claim is credited only while the
        dispense it names is the unit's current one (same pharmacy, same dispense time) and can no longer be
        reverted (EU FMD: 10 days); it is voided (Denied, reason 1003, reservation and policy-year usage given
        back) once that dispense was reverted. Emits a {DisputeLapsed} event per lapsed dispute, a {ClaimSettled}
        event per claim credited, a {ClaimVoided} event per claim voided.

        ``settle(bytes32[])``: a transaction, signed and sent; its mined receipt.
        """
        return self._transact("settle", (claimIds,), tx)

    def submitClaim(self, c: ClaimInput, *, tx: TxOptions | None = None) -> Receipt:
        """Submits one claim; a refused claim reverts with {ClaimSettlementRejected} and its reason code.

        Requirements: the caller is the provider or the policy's insurer, and every submission check passes (see
        {submitClaims}). Emits {ClaimSubmitted} and {ClaimAdjudicated} events.

        ``submitClaim((bytes32,address,uint128,uint64,bytes32,bytes32,bytes32,bytes32[]))``: a transaction, signed
        and sent; its mined receipt.
        """
        return self._transact("submitClaim", (c,), tx)

    def submitClaims(self, cs: Sequence[ClaimInput], *, tx: TxOptions | None = None) -> Receipt:
        """Submits many claims; a refused claim emits {ClaimRejected} and the others proceed.

        Checks, each with its reason code: submitter is the provider or the policy's insurer (1001); not a
        duplicate of (policy, provider, service day, codes) (18); amount fits (1002); the policy exists (31); its
        insurer is an active INSURER (1007); it covers the service date (26 before, 27 after); the service date is
        not in the future (110) nor older than the timely-filing limit (29); the provider is an active PROVIDER
        (185); the patient consents to the insurer for HPAYMT on billing-and-claims data (197) and to the provider
        for TREAT on encounters, or the provider holds an emergency access (1006); the evidence is anchored by that
        provider, alone or in a batch of its, and not retracted (16).

        ``submitClaims((bytes32,address,uint128,uint64,bytes32,bytes32,bytes32,bytes32[])[])``: a transaction,
        signed and sent; its mined receipt.
        """
        return self._transact("submitClaims", (cs,), tx)

    def submitPharmacyClaim(self, c: PharmacyClaimInput, *, tx: TxOptions | None = None) -> Receipt:
        """Submits a pharmacy's claim for one unit it dispensed; a refused claim reverts with
        {ClaimSettlementRejected} and its reason code.

        Requirements: the caller is `c.pharmacy`, and every check of {submitPharmacyClaims} passes. Emits
        {ClaimSubmitted}, {PharmacyClaimLinked} and {ClaimAdjudicated} events.

        ``submitPharmacyClaim((bytes32,address,uint128,bytes32,bytes32,bytes32))``: a transaction, signed and sent;
        its mined receipt.
        """
        return self._transact("submitPharmacyClaim", (c,), tx)

    def submitPharmacyClaims(self, cs: Sequence[PharmacyClaimInput], *, tx: TxOptions | None = None) -> Receipt:
        """Submits many pharmacy claims; a refused claim emits {ClaimRejected}, the others proceed.

        The claim id names the unit's current dispense ({pharmacyClaimIdOf}: unit and dispense time) and the
        service date is the dispense's time. Only the dispensing pharmacy creates it: nobody else can squat the id.
        Checks, each with its reason code: the caller is `c.pharmacy` (1001); the unit's current dispense is the
        caller's (1003); that dispense was not claimed before, under any policy (18); amount fits (1002); the
        policy exists (31); its insurer is an active INSURER (1007); the policy covers the dispense date (26, 27)
        and it is within the timely-filing limit (29); the pharmacy is an active PHARMACY (185); the batch is not
        recalled (1004) nor quarantined (1005); the patient consents to the insurer for HPAYMT (197) and to the
        pharmacy for TREAT on medications (1006). Settlement later waits until the dispense can no longer be
        reverted, and voids the claim if the unit's current dispense is no longer the one claimed. A new dispense
        of the unit is a new claim.

        ``submitPharmacyClaims((bytes32,address,uint128,bytes32,bytes32,bytes32)[])``: a transaction, signed and
        sent; its mined receipt.
        """
        return self._transact("submitPharmacyClaims", (cs,), tx)

    def timelyFilingLimit(self, *, block: BlockId = "latest") -> int:
        """Claims for services older than this many seconds are refused (CARC 29).

        ``timelyFilingLimit()``, read at ``block``.
        """
        return self._call("timelyFilingLimit", (), block)

    def token(self, *, block: BlockId = "latest") -> str:
        """``token()``, read at ``block``."""
        return self._call("token", (), block)

    def usageOf(
        self,
        policyId: bytes | str,
        year: int,
        *,
        block: BlockId = "latest",
    ) -> ClaimSettlement.UsageOfResult:
        """Deductible met and amount paid (or reserved) in policy year `year` (0 = first year).

        ``usageOf(bytes32,uint256)``, read at ``block``.
        """
        return self._call("usageOf", (policyId, year), block)

    def withdraw(self, *, tx: TxOptions | None = None) -> Receipt:
        """Pays the caller everything credited to it (pull payment).

        Requirements: a non-zero credit. Reentrancy-guarded; the credit is cleared before the transfer. Emits a
        {Withdrawn} event.

        ``withdraw()``: a transaction, signed and sent; its mined receipt.
        """
        return self._transact("withdraw", (), tx)

    def withdrawFunds(self, amount: int, *, tx: TxOptions | None = None) -> Receipt:
        """Takes `amount` of the caller's unreserved funds back (allowed even while suspended).

        Requirements: `amount` > 0 and ≤ available. Emits a {PoolWithdrawn} event.

        ``withdrawFunds(uint256)``: a transaction, signed and sent; its mined receipt.
        """
        return self._transact("withdrawFunds", (amount,), tx)

    TYPES = TYPES
    EVENTS = {
        "ClaimAdjudicated": ClaimAdjudicated,
        "ClaimDenied": ClaimDenied,
        "ClaimDisputed": ClaimDisputed,
        "ClaimRejected": ClaimRejected,
        "ClaimSettled": ClaimSettled,
        "ClaimSubmitted": ClaimSubmitted,
        "ClaimVoided": ClaimVoided,
        "CodesKeyCommitted": CodesKeyCommitted,
        "DisputeLapsed": DisputeLapsed,
        "DisputeResolved": DisputeResolved,
        "PharmacyClaimLinked": PharmacyClaimLinked,
        "PolicyRegistered": PolicyRegistered,
        "PoolFunded": PoolFunded,
        "PoolWithdrawn": PoolWithdrawn,
        "Withdrawn": Withdrawn,
    }
    RESULTS = {
        "policyOf": PolicyOfResult,
        "poolOf": PoolOfResult,
        "usageOf": UsageOfResult,
    }


class RecordExchange(Contract):
    """RecordExchange

    Encryption keys of members and patients, and the consent-gated log of record disclosures (the patient's
    accounting of disclosures). The records themselves travel off chain, encrypted. Invariants (checked by tests,
    including a forge invariant suite against a model): - a {RecordDisclosed} event is emitted exactly for each
    record of a call that succeeds, and a call succeeds only if, at that moment, the discloser is an active
    provider that anchored the record itself (alone, through `amend`, or in one of its batches: its own
    RecordAnchor namespace, which no other provider can write), the discloser did not retract it, the recipient is
    an active member with an encryption key, and the patient's consent covers the recipient, the purpose and the
    record's categories; - disclosures change no storage: the log is events only; - `encryptionKeyOf(a)` is the
    last valid key `a` set, and its version counts `a`'s key changes; an invalid key is never stored. Why a log and
    no storage: nothing on chain needs to look a disclosure up. The patient's accounting, auditors and the
    receiving member read the events (filtered by the indexed patient, recipient and record hash); storing each
    disclosure would add a new slot (22,100 gas) to every record shared. Privacy: only addresses, salted record
    hashes and bitmasks are logged; public keys are public.

    RecordExchange at an address: a method per function of its ABI (views read, the others send a transaction
    signed by the signer and return its receipt), a class per event.
    """

    NAME = "RecordExchange"

    class EncryptionKeySet(Event, frozen=True, kw_only=True):
        """Emitted when `account` registers or rotates its encryption key.

        ``EncryptionKeySet(address,bytes,uint32)``.
        """

        EVENT: ClassVar[str] = "EncryptionKeySet"
        account: str
        publicKey: bytes
        version: int

    class RecordDisclosed(Event, frozen=True, kw_only=True):
        """Emitted for every record disclosed: one line of the patient's accounting of disclosures.

        ``RecordDisclosed(address,address,bytes32,uint256,uint256,address)``.
        """

        EVENT: ClassVar[str] = "RecordDisclosed"
        patient: str
        recipient: str
        recordHash: bytes
        purpose: int
        category: int
        discloser: str

    class EncryptionKeyDetailsResult(NamedTuple):
        """What ``encryptionKeyDetails`` answers."""

        publicKey: bytes
        version: int
        setAt: int

    def ALL_CATEGORIES(self, *, block: BlockId = "latest") -> int:
        """``ALL_CATEGORIES()``, read at ``block``."""
        return self._call("ALL_CATEGORIES", (), block)

    def ALL_PURPOSES(self, *, block: BlockId = "latest") -> int:
        """PurposeOfUse and category bits, as in {ConsentRegistry}.

        ``ALL_PURPOSES()``, read at ``block``.
        """
        return self._call("ALL_PURPOSES", (), block)

    def consent(self, *, block: BlockId = "latest") -> str:
        """The consent registry every disclosure is checked against.

        ``consent()``, read at ``block``.
        """
        return self._call("consent", (), block)

    def encryptionKeyDetails(
        self,
        account: str,
        *,
        block: BlockId = "latest",
    ) -> RecordExchange.EncryptionKeyDetailsResult:
        """`account`'s current encryption public key with its version (0: none) and the time it was set.

        ``encryptionKeyDetails(address)``, read at ``block``.
        """
        return self._call("encryptionKeyDetails", (account,), block)

    def encryptionKeyOf(self, account: str, *, block: BlockId = "latest") -> bytes:
        """`account`'s current encryption public key (33 bytes), or empty if it has none.

        ``encryptionKeyOf(address)``, read at ``block``.
        """
        return self._call("encryptionKeyOf", (account,), block)

    def logDisclosure(
        self,
        patient: str,
        recipient: str,
        recordHash: bytes | str,
        purpose: int,
        category: int,
        *,
        tx: TxOptions | None = None,
    ) -> Receipt:
        """Logs that the caller disclosed `recordHash`, which it anchored on its own or through `amend`, to
        `recipient`, about `patient`, for `purpose`.

        Requirements: - the caller is an active PROVIDER, anchored `recordHash` itself and has not retracted it
        (`RecordAnchor.anchorOf(caller, recordHash, 0, [])`); - `patient` and `recipient` are not zero; `recipient`
        is an active member with an encryption key; - `purpose` is one PurposeOfUse bit; `category` is a non-empty
        mask of known category bits; - `ConsentRegistry.hasConsent(patient, recipient, purpose, category)` holds
        now. Emits a {RecordDisclosed} event.

        ``logDisclosure(address,address,bytes32,uint256,uint256)``: a transaction, signed and sent; its mined
        receipt.
        """
        return self._transact("logDisclosure", (patient, recipient, recordHash, purpose, category), tx)

    def logDisclosures(
        self,
        patient: str,
        recipient: str,
        purpose: int,
        disclosures: Sequence[Disclosure],
        *,
        tx: TxOptions | None = None,
    ) -> Receipt:
        """Logs the disclosure of several records of `patient` to `recipient` for `purpose`, all or none.

        A record anchored in one of the caller's batches carries its batch `root` and `proof` (a record that has
        its own anchor entry, e.g. one amended or retracted in its batch, needs none). The requirements of
        {logDisclosure} hold for every record; consent is checked once, for the union of the records' categories,
        which holds exactly when it holds for each record's category. Requirements: `disclosures` is not empty.
        Emits one {RecordDisclosed} event per record, in order.

        ``logDisclosures(address,address,uint256,(bytes32,uint256,bytes32,bytes32[])[])``: a transaction, signed
        and sent; its mined receipt.
        """
        return self._transact("logDisclosures", (patient, recipient, purpose, disclosures), tx)

    def recordAnchor(self, *, block: BlockId = "latest") -> str:
        """The record anchor that says who anchored a record.

        ``recordAnchor()``, read at ``block``.
        """
        return self._call("recordAnchor", (), block)

    def registry(self, *, block: BlockId = "latest") -> str:
        """The consortium membership registry this contract trusts.

        ``registry()``, read at ``block``.
        """
        return self._call("registry", (), block)

    def setEncryptionKey(self, publicKey: bytes | str, *, tx: TxOptions | None = None) -> Receipt:
        """Registers the caller's encryption public key, or rotates it.

        Anyone may register a key for their own account (members and patients alike); a suspended member may still
        rotate its key (after a compromise, say). A rotation changes nothing already logged: earlier disclosures
        stay valid, and their envelopes stay wrapped to the key of the time. Requirements: `publicKey` is a
        compressed secp256k1 point; it is not the caller's current key. Emits an {EncryptionKeySet} event.

        ``setEncryptionKey(bytes)``: a transaction, signed and sent; its mined receipt.
        """
        return self._transact("setEncryptionKey", (publicKey,), tx)

    TYPES = TYPES
    EVENTS = {
        "EncryptionKeySet": EncryptionKeySet,
        "RecordDisclosed": RecordDisclosed,
    }
    RESULTS = {
        "encryptionKeyDetails": EncryptionKeyDetailsResult,
    }


class ERC20(Contract):
    """ERC20 at an address: a method per function of its ABI (views read, the others send a transaction signed by the
    signer and return its receipt), a class per event.
    """

    NAME = "ERC20"
    ABI_SOURCE = "TestStableToken"
    ABI_ITEMS = frozenset({
        "Approval",
        "Transfer",
        "allowance",
        "approve",
        "balanceOf",
        "decimals",
        "name",
        "symbol",
        "totalSupply",
        "transfer",
        "transferFrom",
    })

    class Approval(Event, frozen=True, kw_only=True):
        """Emitted when the allowance of a `spender` for an `owner` is set by a call to {approve}. `value` is the new
        allowance.

        ``Approval(address,address,uint256)``.
        """

        EVENT: ClassVar[str] = "Approval"
        owner: str
        spender: str
        value: int

    class Transfer(Event, frozen=True, kw_only=True):
        """Emitted when `value` tokens are moved from one account (`from`) to another (`to`). Note that `value` may be
        zero.

        ``Transfer(address,address,uint256)``.
        """

        EVENT: ClassVar[str] = "Transfer"
        from_: str
        to: str
        value: int

    def allowance(self, owner: str, spender: str, *, block: BlockId = "latest") -> int:
        """Returns the remaining number of tokens that `spender` will be allowed to spend on behalf of `owner` through
        {transferFrom}. This is zero by default. This value changes when {approve} or {transferFrom} are called.

        ``allowance(address,address)``, read at ``block``.
        """
        return self._call("allowance", (owner, spender), block)

    def approve(self, spender: str, value: int, *, tx: TxOptions | None = None) -> Receipt:
        """See {IERC20-approve}. NOTE: If `value` is the maximum `uint256`, the allowance is not updated on
        `transferFrom`. This is semantically equivalent to an infinite approval. Requirements: - `spender` cannot
        be the zero address.

        ``approve(address,uint256)``: a transaction, signed and sent; its mined receipt.
        """
        return self._transact("approve", (spender, value), tx)

    def balanceOf(self, account: str, *, block: BlockId = "latest") -> int:
        """Returns the value of tokens owned by `account`.

        ``balanceOf(address)``, read at ``block``.
        """
        return self._call("balanceOf", (account,), block)

    def decimals(self, *, block: BlockId = "latest") -> int:
        """Returns the number of decimals used to get its user representation. For example, if `decimals` equals `2`,
        a balance of `505` tokens should be displayed to a user as `5.05` (`505 / 10 ** 2`). Tokens usually opt for
        a value of 18, imitating the relationship between Ether and Wei. This is the default value returned by this
        function, unless it's overridden. NOTE: This information is only used for _display_ purposes: it in no way
        affects any of the arithmetic of the contract, including {IERC20-balanceOf} and {IERC20-transfer}.

        ``decimals()``, read at ``block``.
        """
        return self._call("decimals", (), block)

    def name(self, *, block: BlockId = "latest") -> str:
        """Returns the name of the token.

        ``name()``, read at ``block``.
        """
        return self._call("name", (), block)

    def symbol(self, *, block: BlockId = "latest") -> str:
        """Returns the symbol of the token, usually a shorter version of the name.

        ``symbol()``, read at ``block``.
        """
        return self._call("symbol", (), block)

    def totalSupply(self, *, block: BlockId = "latest") -> int:
        """Returns the value of tokens in existence.

        ``totalSupply()``, read at ``block``.
        """
        return self._call("totalSupply", (), block)

    def transfer(self, to: str, value: int, *, tx: TxOptions | None = None) -> Receipt:
        """See {IERC20-transfer}. Requirements: - `to` cannot be the zero address. - the caller must have a balance of
        at least `value`.

        ``transfer(address,uint256)``: a transaction, signed and sent; its mined receipt.
        """
        return self._transact("transfer", (to, value), tx)

    def transferFrom(self, from_: str, to: str, value: int, *, tx: TxOptions | None = None) -> Receipt:
        """See {IERC20-transferFrom}. Skips emitting an {Approval} event indicating an allowance update. This is not
        required by the ERC. See {xref-ERC20-_approve-address-address-uint256-bool-}[_approve]. NOTE: Does not
        update the allowance if the current allowance is the maximum `uint256`. Requirements: - `from` and `to`
        cannot be the zero address. - `from` must have a balance of at least `value`. - the caller must have
        allowance for ``from``'s tokens of at least `value`.

        ``transferFrom(address,address,uint256)``: a transaction, signed and sent; its mined receipt.
        """
        return self._transact("transferFrom", (from_, to, value), tx)

    TYPES = TYPES
    EVENTS = {
        "Approval": Approval,
        "Transfer": Transfer,
    }
    RESULTS: ClassVar[dict[str, type]] = {}


class TestStableToken(ERC20):
    """Test-only stable token (6 decimals, like USDC) with open minting, for local chains.

    TestStableToken at an address: a method per function of its ABI (views read, the others send a transaction
    signed by the signer and return its receipt), a class per event.
    """

    NAME = "TestStableToken"
    ABI_SOURCE = ""
    ABI_ITEMS: ClassVar[frozenset[str]] = frozenset()

    def mint(self, to: str, amount: int, *, tx: TxOptions | None = None) -> Receipt:
        """Mints `amount` to `to` (anyone may: test chains only).

        ``mint(address,uint256)``: a transaction, signed and sent; its mined receipt.
        """
        return self._transact("mint", (to, amount), tx)

    TYPES = TYPES
    EVENTS = {
        **ERC20.EVENTS,
    }
    RESULTS: ClassVar[dict[str, type]] = {}


__all__ = [
    "Member",
    "ShipmentRef",
    "ClaimView",
    "ClaimInput",
    "PharmacyClaimInput",
    "Disclosure",
    "ConsortiumRegistry",
    "ConsentRegistry",
    "RecordAnchor",
    "DrugProvenance",
    "ClaimSettlement",
    "RecordExchange",
    "ERC20",
    "TestStableToken",
]
