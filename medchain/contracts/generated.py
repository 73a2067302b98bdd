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
    """ConsortiumRegistry at an address: a method per function of its ABI (views read, the others send a
    transaction signed by the signer and return its receipt), a class per event."""

    NAME = "ConsortiumRegistry"

    class DefaultAdminDelayChangeCanceled(Event, frozen=True, kw_only=True):
        """``DefaultAdminDelayChangeCanceled()``."""

        EVENT: ClassVar[str] = "DefaultAdminDelayChangeCanceled"

    class DefaultAdminDelayChangeScheduled(Event, frozen=True, kw_only=True):
        """``DefaultAdminDelayChangeScheduled(uint48,uint48)``."""

        EVENT: ClassVar[str] = "DefaultAdminDelayChangeScheduled"
        newDelay: int
        effectSchedule: int

    class DefaultAdminTransferCanceled(Event, frozen=True, kw_only=True):
        """``DefaultAdminTransferCanceled()``."""

        EVENT: ClassVar[str] = "DefaultAdminTransferCanceled"

    class DefaultAdminTransferScheduled(Event, frozen=True, kw_only=True):
        """``DefaultAdminTransferScheduled(address,uint48)``."""

        EVENT: ClassVar[str] = "DefaultAdminTransferScheduled"
        newAdmin: str
        acceptSchedule: int

    class MemberCredentialUpdated(Event, frozen=True, kw_only=True):
        """``MemberCredentialUpdated(address,bytes32,bytes32,bytes32)``."""

        EVENT: ClassVar[str] = "MemberCredentialUpdated"
        account: str
        role: bytes
        previousHash: bytes
        credentialHash: bytes

    class MemberRegistered(Event, frozen=True, kw_only=True):
        """``MemberRegistered(address,bytes32,bytes32,address)``."""

        EVENT: ClassVar[str] = "MemberRegistered"
        account: str
        role: bytes
        credentialHash: bytes
        registeredBy: str

    class MemberReinstated(Event, frozen=True, kw_only=True):
        """``MemberReinstated(address,address)``."""

        EVENT: ClassVar[str] = "MemberReinstated"
        account: str
        reinstatedBy: str

    class MemberRemoved(Event, frozen=True, kw_only=True):
        """``MemberRemoved(address,bytes32,bytes32,address)``."""

        EVENT: ClassVar[str] = "MemberRemoved"
        account: str
        role: bytes
        reasonCode: bytes
        removedBy: str

    class MemberSuspended(Event, frozen=True, kw_only=True):
        """``MemberSuspended(address,bytes32,address)``."""

        EVENT: ClassVar[str] = "MemberSuspended"
        account: str
        reasonCode: bytes
        suspendedBy: str

    class RoleAdminChanged(Event, frozen=True, kw_only=True):
        """``RoleAdminChanged(bytes32,bytes32,bytes32)``."""

        EVENT: ClassVar[str] = "RoleAdminChanged"
        role: bytes
        previousAdminRole: bytes
        newAdminRole: bytes

    class RoleGranted(Event, frozen=True, kw_only=True):
        """``RoleGranted(bytes32,address,address)``."""

        EVENT: ClassVar[str] = "RoleGranted"
        role: bytes
        account: str
        sender: str

    class RoleRevoked(Event, frozen=True, kw_only=True):
        """``RoleRevoked(bytes32,address,address)``."""

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
        """``RENOUNCED()``, read at ``block``."""
        return self._call("RENOUNCED", (), block)

    def acceptDefaultAdminTransfer(self, *, tx: TxOptions | None = None) -> Receipt:
        """``acceptDefaultAdminTransfer()``: a transaction, signed and sent; its mined receipt."""
        return self._transact("acceptDefaultAdminTransfer", (), tx)

    def beginDefaultAdminTransfer(self, newAdmin: str, *, tx: TxOptions | None = None) -> Receipt:
        """``beginDefaultAdminTransfer(address)``: a transaction, signed and sent; its mined receipt."""
        return self._transact("beginDefaultAdminTransfer", (newAdmin,), tx)

    def cancelDefaultAdminTransfer(self, *, tx: TxOptions | None = None) -> Receipt:
        """``cancelDefaultAdminTransfer()``: a transaction, signed and sent; its mined receipt."""
        return self._transact("cancelDefaultAdminTransfer", (), tx)

    def changeDefaultAdminDelay(self, newDelay: int, *, tx: TxOptions | None = None) -> Receipt:
        """``changeDefaultAdminDelay(uint48)``: a transaction, signed and sent; its mined receipt."""
        return self._transact("changeDefaultAdminDelay", (newDelay,), tx)

    def credentialOf(self, account: str, role: bytes | str, *, block: BlockId = "latest") -> bytes:
        """``credentialOf(address,bytes32)``, read at ``block``."""
        return self._call("credentialOf", (account, role), block)

    def defaultAdmin(self, *, block: BlockId = "latest") -> str:
        """``defaultAdmin()``, read at ``block``."""
        return self._call("defaultAdmin", (), block)

    def defaultAdminDelay(self, *, block: BlockId = "latest") -> int:
        """``defaultAdminDelay()``, read at ``block``."""
        return self._call("defaultAdminDelay", (), block)

    def defaultAdminDelayIncreaseWait(self, *, block: BlockId = "latest") -> int:
        """``defaultAdminDelayIncreaseWait()``, read at ``block``."""
        return self._call("defaultAdminDelayIncreaseWait", (), block)

    def getRoleAdmin(self, role: bytes | str, *, block: BlockId = "latest") -> bytes:
        """``getRoleAdmin(bytes32)``, read at ``block``."""
        return self._call("getRoleAdmin", (role,), block)

    def grantRole(self, role: bytes | str, account: str, *, tx: TxOptions | None = None) -> Receipt:
        """``grantRole(bytes32,address)``: a transaction, signed and sent; its mined receipt."""
        return self._transact("grantRole", (role, account), tx)

    def hasRole(self, role: bytes | str, account: str, *, block: BlockId = "latest") -> bool:
        """``hasRole(bytes32,address)``, read at ``block``."""
        return self._call("hasRole", (role, account), block)

    def isActive(self, account: str, *, block: BlockId = "latest") -> bool:
        """``isActive(address)``, read at ``block``."""
        return self._call("isActive", (account,), block)

    def isActiveMember(self, account: str, role: bytes | str, *, block: BlockId = "latest") -> bool:
        """``isActiveMember(address,bytes32)``, read at ``block``."""
        return self._call("isActiveMember", (account, role), block)

    def memberOf(self, account: str, *, block: BlockId = "latest") -> Member:
        """``memberOf(address)``, read at ``block``."""
        return self._call("memberOf", (account,), block)

    def owner(self, *, block: BlockId = "latest") -> str:
        """``owner()``, read at ``block``."""
        return self._call("owner", (), block)

    def pendingDefaultAdmin(self, *, block: BlockId = "latest") -> ConsortiumRegistry.PendingDefaultAdminResult:
        """``pendingDefaultAdmin()``, read at ``block``."""
        return self._call("pendingDefaultAdmin", (), block)

    def pendingDefaultAdminDelay(
        self,
        *,
        block: BlockId = "latest",
    ) -> ConsortiumRegistry.PendingDefaultAdminDelayResult:
        """``pendingDefaultAdminDelay()``, read at ``block``."""
        return self._call("pendingDefaultAdminDelay", (), block)

    def registerMember(
        self,
        account: str,
        role: bytes | str,
        credentialHash: bytes | str,
        *,
        tx: TxOptions | None = None,
    ) -> Receipt:
        """``registerMember(address,bytes32,bytes32)``: a transaction, signed and sent; its mined receipt."""
        return self._transact("registerMember", (account, role, credentialHash), tx)

    def reinstateMember(self, account: str, *, tx: TxOptions | None = None) -> Receipt:
        """``reinstateMember(address)``: a transaction, signed and sent; its mined receipt."""
        return self._transact("reinstateMember", (account,), tx)

    def removeMember(
        self,
        account: str,
        role: bytes | str,
        reasonCode: bytes | str,
        *,
        tx: TxOptions | None = None,
    ) -> Receipt:
        """``removeMember(address,bytes32,bytes32)``: a transaction, signed and sent; its mined receipt."""
        return self._transact("removeMember", (account, role, reasonCode), tx)

    def renounceRole(self, role: bytes | str, account: str, *, tx: TxOptions | None = None) -> Receipt:
        """``renounceRole(bytes32,address)``: a transaction, signed and sent; its mined receipt."""
        return self._transact("renounceRole", (role, account), tx)

    def revokeRole(self, role: bytes | str, account: str, *, tx: TxOptions | None = None) -> Receipt:
        """``revokeRole(bytes32,address)``: a transaction, signed and sent; its mined receipt."""
        return self._transact("revokeRole", (role, account), tx)

    def rolesOf(self, account: str, *, block: BlockId = "latest") -> list[bytes]:
        """``rolesOf(address)``, read at ``block``."""
        return self._call("rolesOf", (account,), block)

    def rollbackDefaultAdminDelay(self, *, tx: TxOptions | None = None) -> Receipt:
        """``rollbackDefaultAdminDelay()``: a transaction, signed and sent; its mined receipt."""
        return self._transact("rollbackDefaultAdminDelay", (), tx)

    def supportsInterface(self, interfaceId: bytes | str, *, block: BlockId = "latest") -> bool:
        """``supportsInterface(bytes4)``, read at ``block``."""
        return self._call("supportsInterface", (interfaceId,), block)

    def suspendMember(self, account: str, reasonCode: bytes | str, *, tx: TxOptions | None = None) -> Receipt:
        """``suspendMember(address,bytes32)``: a transaction, signed and sent; its mined receipt."""
        return self._transact("suspendMember", (account, reasonCode), tx)

    def updateCredential(
        self,
        account: str,
        role: bytes | str,
        credentialHash: bytes | str,
        *,
        tx: TxOptions | None = None,
    ) -> Receipt:
        """``updateCredential(address,bytes32,bytes32)``: a transaction, signed and sent; its mined receipt."""
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
    """ConsentRegistry at an address: a method per function of its ABI (views read, the others send a
    transaction signed by the signer and return its receipt), a class per event."""

    NAME = "ConsentRegistry"

    class ConsentGranted(Event, frozen=True, kw_only=True):
        """``ConsentGranted(address,address,uint256,uint256,uint64,address)``."""

        EVENT: ClassVar[str] = "ConsentGranted"
        patient: str
        grantee: str
        purposes: int
        categories: int
        validUntil: int
        by: str

    class ConsentRevoked(Event, frozen=True, kw_only=True):
        """``ConsentRevoked(address,address,address)``."""

        EVENT: ClassVar[str] = "ConsentRevoked"
        patient: str
        grantee: str
        by: str

    class DelegateRemoved(Event, frozen=True, kw_only=True):
        """``DelegateRemoved(address,address)``."""

        EVENT: ClassVar[str] = "DelegateRemoved"
        patient: str
        delegate: str

    class DelegateSet(Event, frozen=True, kw_only=True):
        """``DelegateSet(address,address,uint64)``."""

        EVENT: ClassVar[str] = "DelegateSet"
        patient: str
        delegate: str
        validUntil: int

    class EIP712DomainChanged(Event, frozen=True, kw_only=True):
        """``EIP712DomainChanged()``."""

        EVENT: ClassVar[str] = "EIP712DomainChanged"

    class EmergencyAccessAllowed(Event, frozen=True, kw_only=True):
        """``EmergencyAccessAllowed(address,address,address)``."""

        EVENT: ClassVar[str] = "EmergencyAccessAllowed"
        patient: str
        provider: str
        by: str

    class EmergencyAccessBarred(Event, frozen=True, kw_only=True):
        """``EmergencyAccessBarred(address,address,address)``."""

        EVENT: ClassVar[str] = "EmergencyAccessBarred"
        patient: str
        provider: str
        by: str

    class EmergencyAccessed(Event, frozen=True, kw_only=True):
        """``EmergencyAccessed(address,address,bytes32,uint64)``."""

        EVENT: ClassVar[str] = "EmergencyAccessed"
        patient: str
        provider: str
        reasonCode: bytes
        expiresAt: int

    class NonceCancelled(Event, frozen=True, kw_only=True):
        """``NonceCancelled(address,uint256)``."""

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
        """``DOMAIN_SEPARATOR()``, read at ``block``."""
        return self._call("DOMAIN_SEPARATOR", (), block)

    def EMERGENCY_PURPOSES(self, *, block: BlockId = "latest") -> int:
        """``EMERGENCY_PURPOSES()``, read at ``block``."""
        return self._call("EMERGENCY_PURPOSES", (), block)

    def EMERGENCY_WINDOW(self, *, block: BlockId = "latest") -> int:
        """``EMERGENCY_WINDOW()``, read at ``block``."""
        return self._call("EMERGENCY_WINDOW", (), block)

    def MAX_EMERGENCY_WINDOW(self, *, block: BlockId = "latest") -> int:
        """``MAX_EMERGENCY_WINDOW()``, read at ``block``."""
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
        """``allowEmergencyAccess(address,address)``: a transaction, signed and sent; its mined receipt."""
        return self._transact("allowEmergencyAccess", (patient, provider), tx)

    def breakGlass(self, patient: str, reasonCode: bytes | str, *, tx: TxOptions | None = None) -> Receipt:
        """``breakGlass(address,bytes32)``: a transaction, signed and sent; its mined receipt."""
        return self._transact("breakGlass", (patient, reasonCode), tx)

    def cancelNonce(self, nonce: int, *, tx: TxOptions | None = None) -> Receipt:
        """``cancelNonce(uint256)``: a transaction, signed and sent; its mined receipt."""
        return self._transact("cancelNonce", (nonce,), tx)

    def consentOf(
        self,
        patient: str,
        grantee: str,
        *,
        block: BlockId = "latest",
    ) -> ConsentRegistry.ConsentOfResult:
        """``consentOf(address,address)``, read at ``block``."""
        return self._call("consentOf", (patient, grantee), block)

    def delegateUntil(self, patient: str, delegate: str, *, block: BlockId = "latest") -> int:
        """``delegateUntil(address,address)``, read at ``block``."""
        return self._call("delegateUntil", (patient, delegate), block)

    def eip712Domain(self, *, block: BlockId = "latest") -> ConsentRegistry.Eip712DomainResult:
        """``eip712Domain()``, read at ``block``."""
        return self._call("eip712Domain", (), block)

    def emergencyAccessOf(self, patient: str, provider: str, *, block: BlockId = "latest") -> int:
        """``emergencyAccessOf(address,address)``, read at ``block``."""
        return self._call("emergencyAccessOf", (patient, provider), block)

    def emergencyBarred(self, patient: str, provider: str, *, block: BlockId = "latest") -> bool:
        """``emergencyBarred(address,address)``, read at ``block``."""
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
        """``grant(address,address,uint256,uint256,uint64)``:
        a transaction, signed and sent; its mined receipt."""
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
        """``grantBySig(address,address,uint256,uint256,uint64,uint64,uint256,uint256,bytes)``:
        a transaction, signed and sent; its mined receipt."""
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
        """``hasConsent(address,address,uint256,uint256)``, read at ``block``."""
        return self._call("hasConsent", (patient, grantee, purposes, categories), block)

    def isActiveDelegate(self, patient: str, delegate: str, *, block: BlockId = "latest") -> bool:
        """``isActiveDelegate(address,address)``, read at ``block``."""
        return self._call("isActiveDelegate", (patient, delegate), block)

    def lastAuthorisedAt(self, patient: str, grantee: str, *, block: BlockId = "latest") -> int:
        """``lastAuthorisedAt(address,address)``, read at ``block``."""
        return self._call("lastAuthorisedAt", (patient, grantee), block)

    def nonceUsed(self, patient: str, nonce: int, *, block: BlockId = "latest") -> bool:
        """``nonceUsed(address,uint256)``, read at ``block``."""
        return self._call("nonceUsed", (patient, nonce), block)

    def registry(self, *, block: BlockId = "latest") -> str:
        """``registry()``, read at ``block``."""
        return self._call("registry", (), block)

    def removeDelegate(self, delegate: str, *, tx: TxOptions | None = None) -> Receipt:
        """``removeDelegate(address)``: a transaction, signed and sent; its mined receipt."""
        return self._transact("removeDelegate", (delegate,), tx)

    def revoke(self, patient: str, grantee: str, *, tx: TxOptions | None = None) -> Receipt:
        """``revoke(address,address)``: a transaction, signed and sent; its mined receipt."""
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
        """``revokeBySig(address,address,uint64,uint256,uint256,bytes)``:
        a transaction, signed and sent; its mined receipt."""
        return self._transact("revokeBySig", (patient, grantee, signedAt, nonce, deadline, signature), tx)

    def setDelegate(self, delegate: str, validUntil: int, *, tx: TxOptions | None = None) -> Receipt:
        """``setDelegate(address,uint64)``: a transaction, signed and sent; its mined receipt."""
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
    """RecordAnchor at an address: a method per function of its ABI (views read, the others send a
    transaction signed by the signer and return its receipt), a class per event."""

    NAME = "RecordAnchor"

    class BatchAnchored(Event, frozen=True, kw_only=True):
        """``BatchAnchored(bytes32,address,uint32,uint64)``."""

        EVENT: ClassVar[str] = "BatchAnchored"
        root: bytes
        provider: str
        count: int
        anchoredAt: int

    class RecordAmended(Event, frozen=True, kw_only=True):
        """``RecordAmended(bytes32,bytes32,address)``."""

        EVENT: ClassVar[str] = "RecordAmended"
        oldHash: bytes
        newHash: bytes
        provider: str

    class RecordAnchored(Event, frozen=True, kw_only=True):
        """``RecordAnchored(bytes32,address,uint64)``."""

        EVENT: ClassVar[str] = "RecordAnchored"
        recordHash: bytes
        provider: str
        anchoredAt: int

    class RecordRetracted(Event, frozen=True, kw_only=True):
        """``RecordRetracted(bytes32,address,bytes32)``."""

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
        """``amend(bytes32,bytes32)``: a transaction, signed and sent; its mined receipt."""
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
        """``amendInBatch(bytes32,bytes32,bytes32[],bytes32)``:
        a transaction, signed and sent; its mined receipt."""
        return self._transact("amendInBatch", (root, oldHash, proof, newHash), tx)

    def anchor(self, recordHash: bytes | str, *, tx: TxOptions | None = None) -> Receipt:
        """``anchor(bytes32)``: a transaction, signed and sent; its mined receipt."""
        return self._transact("anchor", (recordHash,), tx)

    def anchorBatch(self, root: bytes | str, count: int, *, tx: TxOptions | None = None) -> Receipt:
        """``anchorBatch(bytes32,uint32)``: a transaction, signed and sent; its mined receipt."""
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
        """``anchorOf(address,bytes32,bytes32,bytes32[])``, read at ``block``."""
        return self._call("anchorOf", (provider, recordHash, root, proof), block)

    def batchOf(
        self,
        provider: str,
        root: bytes | str,
        *,
        block: BlockId = "latest",
    ) -> RecordAnchor.BatchOfResult:
        """``batchOf(address,bytes32)``, read at ``block``."""
        return self._call("batchOf", (provider, root), block)

    def latestVersion(self, provider: str, recordHash: bytes | str, *, block: BlockId = "latest") -> bytes:
        """``latestVersion(address,bytes32)``, read at ``block``."""
        return self._call("latestVersion", (provider, recordHash), block)

    def registry(self, *, block: BlockId = "latest") -> str:
        """``registry()``, read at ``block``."""
        return self._call("registry", (), block)

    def retract(self, recordHash: bytes | str, reasonCode: bytes | str, *, tx: TxOptions | None = None) -> Receipt:
        """``retract(bytes32,bytes32)``: a transaction, signed and sent; its mined receipt."""
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
        """``retractInBatch(bytes32,bytes32,bytes32[],bytes32)``:
        a transaction, signed and sent; its mined receipt."""
        return self._transact("retractInBatch", (root, recordHash, proof, reasonCode), tx)

    def verify(
        self,
        provider: str,
        recordHash: bytes | str,
        *,
        block: BlockId = "latest",
    ) -> RecordAnchor.VerifyResult:
        """``verify(address,bytes32)``, read at ``block``."""
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
        """``verifyInBatch(address,bytes32,bytes32,bytes32[])``, read at ``block``."""
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
    """DrugProvenance at an address: a method per function of its ABI (views read, the others send a
    transaction signed by the signer and return its receipt), a class per event."""

    NAME = "DrugProvenance"

    class BatchCommissioned(Event, frozen=True, kw_only=True):
        """``BatchCommissioned(bytes32,address,uint64,bytes32,uint32,uint32,bytes32)``."""

        EVENT: ClassVar[str] = "BatchCommissioned"
        batchId: bytes
        manufacturer: str
        gtin: int
        lot: bytes
        expiryDay: int
        quantity: int
        serialsRoot: bytes

    class CompanyPrefixAssigned(Event, frozen=True, kw_only=True):
        """``CompanyPrefixAssigned(uint64,uint8,address,address)``."""

        EVENT: ClassVar[str] = "CompanyPrefixAssigned"
        prefix: int
        length: int
        manufacturer: str
        by: str

    class CompanyPrefixReassigned(Event, frozen=True, kw_only=True):
        """``CompanyPrefixReassigned(uint64,uint8,address,address,address)``."""

        EVENT: ClassVar[str] = "CompanyPrefixReassigned"
        prefix: int
        length: int
        from_: str
        to: str
        by: str

    class CompanyPrefixRevoked(Event, frozen=True, kw_only=True):
        """``CompanyPrefixRevoked(uint64,uint8,address,address,bytes32)``."""

        EVENT: ClassVar[str] = "CompanyPrefixRevoked"
        prefix: int
        length: int
        from_: str
        by: str
        reasonCode: bytes

    class DispenseReverted(Event, frozen=True, kw_only=True):
        """``DispenseReverted(bytes32,bytes32,address)``."""

        EVENT: ClassVar[str] = "DispenseReverted"
        batchId: bytes
        serialHash: bytes
        pharmacy: str

    class Dispensed(Event, frozen=True, kw_only=True):
        """``Dispensed(bytes32,bytes32,address)``."""

        EVENT: ClassVar[str] = "Dispensed"
        batchId: bytes
        serialHash: bytes
        pharmacy: str

    class Quarantined(Event, frozen=True, kw_only=True):
        """``Quarantined(bytes32,address,bytes32)``."""

        EVENT: ClassVar[str] = "Quarantined"
        batchId: bytes
        by: str
        reasonCode: bytes

    class Recalled(Event, frozen=True, kw_only=True):
        """``Recalled(bytes32,address,bytes32)``."""

        EVENT: ClassVar[str] = "Recalled"
        batchId: bytes
        by: str
        reasonCode: bytes

    class Received(Event, frozen=True, kw_only=True):
        """``Received(bytes32,bytes32,address)``."""

        EVENT: ClassVar[str] = "Received"
        shipmentId: bytes
        batchId: bytes
        to: str

    class Released(Event, frozen=True, kw_only=True):
        """``Released(bytes32,address)``."""

        EVENT: ClassVar[str] = "Released"
        batchId: bytes
        by: str

    class ShipmentCancelled(Event, frozen=True, kw_only=True):
        """``ShipmentCancelled(bytes32,bytes32,address)``."""

        EVENT: ClassVar[str] = "ShipmentCancelled"
        shipmentId: bytes
        batchId: bytes
        shipper: str

    class Shipped(Event, frozen=True, kw_only=True):
        """``Shipped(bytes32,bytes32,address,address,uint32,bytes32)``."""

        EVENT: ClassVar[str] = "Shipped"
        shipmentId: bytes
        batchId: bytes
        from_: str
        to: str
        quantity: int
        serialsRoot: bytes

    class SuspectReported(Event, frozen=True, kw_only=True):
        """``SuspectReported(bytes32,bytes32,address,bytes32)``."""

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
        """``MIN_PREFIX_LENGTH()``, read at ``block``."""
        return self._call("MIN_PREFIX_LENGTH", (), block)

    def REVERT_WINDOW(self, *, block: BlockId = "latest") -> int:
        """``REVERT_WINDOW()``, read at ``block``."""
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
        """``assignCompanyPrefix(uint64,uint8,address)``: a transaction, signed and sent; its mined receipt."""
        return self._transact("assignCompanyPrefix", (prefix, length, manufacturer), tx)

    def balanceOf(self, holder: str, batchId: bytes | str, *, block: BlockId = "latest") -> int:
        """``balanceOf(address,bytes32)``, read at ``block``."""
        return self._call("balanceOf", (holder, batchId), block)

    def batchIdOf(self, gtin: int, lot: bytes | str, *, block: BlockId = "latest") -> bytes:
        """``batchIdOf(uint64,bytes32)``, read at ``block``."""
        return self._call("batchIdOf", (gtin, lot), block)

    def batchOf(self, batchId: bytes | str, *, block: BlockId = "latest") -> DrugProvenance.BatchOfResult:
        """``batchOf(bytes32)``, read at ``block``."""
        return self._call("batchOf", (batchId,), block)

    def cancelShipment(
        self,
        shipmentId: bytes | str,
        batchId: bytes | str,
        serialsRoot: bytes | str,
        *,
        tx: TxOptions | None = None,
    ) -> Receipt:
        """``cancelShipment(bytes32,bytes32,bytes32)``: a transaction, signed and sent; its mined receipt."""
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
        """``commissionBatch(uint64,bytes32,uint32,uint32,bytes32)``:
        a transaction, signed and sent; its mined receipt."""
        return self._transact("commissionBatch", (gtin, lot, expiry, quantity, serialsRoot), tx)

    def companyPrefixOwner(self, prefix: int, length: int, *, block: BlockId = "latest") -> str:
        """``companyPrefixOwner(uint64,uint8)``, read at ``block``."""
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
        """``dispense(bytes32,bytes32,bytes32[],(bytes32,address,bytes32),bytes32[])``:
        a transaction, signed and sent; its mined receipt."""
        return self._transact("dispense", (batchId, serialHash, proof, shipment, shipmentProof), tx)

    def dispenseOf(
        self,
        batchId: bytes | str,
        serialHash: bytes | str,
        *,
        block: BlockId = "latest",
    ) -> DrugProvenance.DispenseOfResult:
        """``dispenseOf(bytes32,bytes32)``, read at ``block``."""
        return self._call("dispenseOf", (batchId, serialHash), block)

    def dispenserOf(self, batchId: bytes | str, serialHash: bytes | str, *, block: BlockId = "latest") -> str:
        """``dispenserOf(bytes32,bytes32)``, read at ``block``."""
        return self._call("dispenserOf", (batchId, serialHash), block)

    def gtinOwnerOf(self, gtin: int, *, block: BlockId = "latest") -> DrugProvenance.GtinOwnerOfResult:
        """``gtinOwnerOf(uint64)``, read at ``block``."""
        return self._call("gtinOwnerOf", (gtin,), block)

    def quarantine(self, batchId: bytes | str, reasonCode: bytes | str, *, tx: TxOptions | None = None) -> Receipt:
        """``quarantine(bytes32,bytes32)``: a transaction, signed and sent; its mined receipt."""
        return self._transact("quarantine", (batchId, reasonCode), tx)

    def reassignCompanyPrefix(
        self,
        prefix: int,
        length: int,
        manufacturer: str,
        *,
        tx: TxOptions | None = None,
    ) -> Receipt:
        """``reassignCompanyPrefix(uint64,uint8,address)``: a transaction, signed and sent; its mined receipt."""
        return self._transact("reassignCompanyPrefix", (prefix, length, manufacturer), tx)

    def recall(self, batchId: bytes | str, reasonCode: bytes | str, *, tx: TxOptions | None = None) -> Receipt:
        """``recall(bytes32,bytes32)``: a transaction, signed and sent; its mined receipt."""
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
        """``receiveShipment(bytes32,bytes32,address,bytes32)``:
        a transaction, signed and sent; its mined receipt."""
        return self._transact("receiveShipment", (shipmentId, batchId, from_, serialsRoot), tx)

    def registry(self, *, block: BlockId = "latest") -> str:
        """``registry()``, read at ``block``."""
        return self._call("registry", (), block)

    def release(self, batchId: bytes | str, *, tx: TxOptions | None = None) -> Receipt:
        """``release(bytes32)``: a transaction, signed and sent; its mined receipt."""
        return self._transact("release", (batchId,), tx)

    def reportSuspect(
        self,
        batchId: bytes | str,
        serialHash: bytes | str,
        reasonCode: bytes | str,
        *,
        tx: TxOptions | None = None,
    ) -> Receipt:
        """``reportSuspect(bytes32,bytes32,bytes32)``: a transaction, signed and sent; its mined receipt."""
        return self._transact("reportSuspect", (batchId, serialHash, reasonCode), tx)

    def revertDispense(
        self,
        batchId: bytes | str,
        serialHash: bytes | str,
        *,
        tx: TxOptions | None = None,
    ) -> Receipt:
        """``revertDispense(bytes32,bytes32)``: a transaction, signed and sent; its mined receipt."""
        return self._transact("revertDispense", (batchId, serialHash), tx)

    def revokeCompanyPrefix(
        self,
        prefix: int,
        length: int,
        reasonCode: bytes | str,
        *,
        tx: TxOptions | None = None,
    ) -> Receipt:
        """``revokeCompanyPrefix(uint64,uint8,bytes32)``: a transaction, signed and sent; its mined receipt."""
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
        """``ship(bytes32,address,uint32,bytes32)``: a transaction, signed and sent; its mined receipt."""
        return self._transact("ship", (batchId, to, quantity, serialsRoot), tx)

    def shipmentOf(self, shipmentId: bytes | str, *, block: BlockId = "latest") -> DrugProvenance.ShipmentOfResult:
        """``shipmentOf(bytes32)``, read at ``block``."""
        return self._call("shipmentOf", (shipmentId,), block)

    def unitDispense(self, unitId: bytes | str, *, block: BlockId = "latest") -> DrugProvenance.UnitDispenseResult:
        """``unitDispense(bytes32)``, read at ``block``."""
        return self._call("unitDispense", (unitId,), block)

    def unitIdOf(self, batchId: bytes | str, serialHash: bytes | str, *, block: BlockId = "latest") -> bytes:
        """``unitIdOf(bytes32,bytes32)``, read at ``block``."""
        return self._call("unitIdOf", (batchId, serialHash), block)

    def verifyUnit(
        self,
        batchId: bytes | str,
        serialHash: bytes | str,
        proof: Sequence[bytes | str],
        *,
        block: BlockId = "latest",
    ) -> int:
        """``verifyUnit(bytes32,bytes32,bytes32[])``, read at ``block``."""
        return self._call("verifyUnit", (batchId, serialHash, proof), block)

    def wasReleased(self, batchId: bytes | str, *, block: BlockId = "latest") -> bool:
        """``wasReleased(bytes32)``, read at ``block``."""
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
    """ClaimSettlement at an address: a method per function of its ABI (views read, the others send a
    transaction signed by the signer and return its receipt), a class per event."""

    NAME = "ClaimSettlement"

    class ClaimAdjudicated(Event, frozen=True, kw_only=True):
        """``ClaimAdjudicated(bytes32,uint8,uint256,uint256,uint16)``."""

        EVENT: ClassVar[str] = "ClaimAdjudicated"
        claimId: bytes
        outcome: ClaimStatus
        patientShare: int
        payable_: int
        reasonCode: int

    class ClaimDenied(Event, frozen=True, kw_only=True):
        """``ClaimDenied(bytes32,address,uint16)``."""

        EVENT: ClassVar[str] = "ClaimDenied"
        claimId: bytes
        insurer: str
        reasonCode: int

    class ClaimDisputed(Event, frozen=True, kw_only=True):
        """``ClaimDisputed(bytes32,address,bytes32)``."""

        EVENT: ClassVar[str] = "ClaimDisputed"
        claimId: bytes
        provider: str
        evidenceHash: bytes

    class ClaimRejected(Event, frozen=True, kw_only=True):
        """``ClaimRejected(bytes32,uint16)``."""

        EVENT: ClassVar[str] = "ClaimRejected"
        claimId: bytes
        reasonCode: int

    class ClaimSettled(Event, frozen=True, kw_only=True):
        """``ClaimSettled(bytes32,address,uint256)``."""

        EVENT: ClassVar[str] = "ClaimSettled"
        claimId: bytes
        provider: str
        amount: int

    class ClaimSubmitted(Event, frozen=True, kw_only=True):
        """``ClaimSubmitted(bytes32,bytes32,address,address,uint128,uint64)``."""

        EVENT: ClassVar[str] = "ClaimSubmitted"
        claimId: bytes
        policyId: bytes
        provider: str
        insurer: str
        amount: int
        serviceDate: int

    class ClaimVoided(Event, frozen=True, kw_only=True):
        """``ClaimVoided(bytes32,address,uint16)``."""

        EVENT: ClassVar[str] = "ClaimVoided"
        claimId: bytes
        provider: str
        reasonCode: int

    class CodesKeyCommitted(Event, frozen=True, kw_only=True):
        """``CodesKeyCommitted(address,bytes32)``."""

        EVENT: ClassVar[str] = "CodesKeyCommitted"
        insurer: str
        commitment: bytes

    class DisputeLapsed(Event, frozen=True, kw_only=True):
        """``DisputeLapsed(bytes32,uint8)``."""

        EVENT: ClassVar[str] = "DisputeLapsed"
        claimId: bytes
        outcome: ClaimStatus

    class DisputeResolved(Event, frozen=True, kw_only=True):
        """``DisputeResolved(bytes32,address,uint256)``."""

        EVENT: ClassVar[str] = "DisputeResolved"
        claimId: bytes
        insurer: str
        approvedAmount: int

    class PharmacyClaimLinked(Event, frozen=True, kw_only=True):
        """``PharmacyClaimLinked(bytes32,bytes32,bytes32)``."""

        EVENT: ClassVar[str] = "PharmacyClaimLinked"
        claimId: bytes
        batchId: bytes
        serialHash: bytes

    class PolicyRegistered(Event, frozen=True, kw_only=True):
        """``PolicyRegistered(bytes32,address,address,uint128,uint128,uint16,uint64,uint64)``."""

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
        """``PoolFunded(address,uint256)``."""

        EVENT: ClassVar[str] = "PoolFunded"
        insurer: str
        amount: int

    class PoolWithdrawn(Event, frozen=True, kw_only=True):
        """``PoolWithdrawn(address,uint256)``."""

        EVENT: ClassVar[str] = "PoolWithdrawn"
        insurer: str
        amount: int

    class Withdrawn(Event, frozen=True, kw_only=True):
        """``Withdrawn(address,uint256)``."""

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
        """``CARE_PURPOSE()``, read at ``block``."""
        return self._call("CARE_PURPOSE", (), block)

    def CONSENT_CATEGORY(self, *, block: BlockId = "latest") -> int:
        """``CONSENT_CATEGORY()``, read at ``block``."""
        return self._call("CONSENT_CATEGORY", (), block)

    def CONSENT_PURPOSE(self, *, block: BlockId = "latest") -> int:
        """``CONSENT_PURPOSE()``, read at ``block``."""
        return self._call("CONSENT_PURPOSE", (), block)

    def PHARMACY_CARE_CATEGORY(self, *, block: BlockId = "latest") -> int:
        """``PHARMACY_CARE_CATEGORY()``, read at ``block``."""
        return self._call("PHARMACY_CARE_CATEGORY", (), block)

    def POLICY_YEAR(self, *, block: BlockId = "latest") -> int:
        """``POLICY_YEAR()``, read at ``block``."""
        return self._call("POLICY_YEAR", (), block)

    def REASON_BATCH_QUARANTINED(self, *, block: BlockId = "latest") -> int:
        """``REASON_BATCH_QUARANTINED()``, read at ``block``."""
        return self._call("REASON_BATCH_QUARANTINED", (), block)

    def REASON_BATCH_RECALLED(self, *, block: BlockId = "latest") -> int:
        """``REASON_BATCH_RECALLED()``, read at ``block``."""
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
        """``REASON_INSURER_INACTIVE()``, read at ``block``."""
        return self._call("REASON_INSURER_INACTIVE", (), block)

    def REASON_INVALID_AMOUNT(self, *, block: BlockId = "latest") -> int:
        """``REASON_INVALID_AMOUNT()``, read at ``block``."""
        return self._call("REASON_INVALID_AMOUNT", (), block)

    def REASON_NOT_INSURED(self, *, block: BlockId = "latest") -> int:
        """``REASON_NOT_INSURED()``, read at ``block``."""
        return self._call("REASON_NOT_INSURED", (), block)

    def REASON_NOT_SUBMITTER(self, *, block: BlockId = "latest") -> int:
        """``REASON_NOT_SUBMITTER()``, read at ``block``."""
        return self._call("REASON_NOT_SUBMITTER", (), block)

    def REASON_NO_CARE_RELATIONSHIP(self, *, block: BlockId = "latest") -> int:
        """``REASON_NO_CARE_RELATIONSHIP()``, read at ``block``."""
        return self._call("REASON_NO_CARE_RELATIONSHIP", (), block)

    def REASON_PROVIDER_INELIGIBLE(self, *, block: BlockId = "latest") -> int:
        """``REASON_PROVIDER_INELIGIBLE()``, read at ``block``."""
        return self._call("REASON_PROVIDER_INELIGIBLE", (), block)

    def REASON_TIMELY_FILING(self, *, block: BlockId = "latest") -> int:
        """``REASON_TIMELY_FILING()``, read at ``block``."""
        return self._call("REASON_TIMELY_FILING", (), block)

    def REASON_UNIT_NOT_DISPENSED(self, *, block: BlockId = "latest") -> int:
        """``REASON_UNIT_NOT_DISPENSED()``, read at ``block``."""
        return self._call("REASON_UNIT_NOT_DISPENSED", (), block)

    def SERVICE_DAY(self, *, block: BlockId = "latest") -> int:
        """``SERVICE_DAY()``, read at ``block``."""
        return self._call("SERVICE_DAY", (), block)

    def adjudicate(self, claimId: bytes | str, *, tx: TxOptions | None = None) -> Receipt:
        """``adjudicate(bytes32)``: a transaction, signed and sent; its mined receipt."""
        return self._transact("adjudicate", (claimId,), tx)

    def appealWindow(self, *, block: BlockId = "latest") -> int:
        """``appealWindow()``, read at ``block``."""
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
        """``claimIdOf(bytes32,address,uint64,bytes32)``, read at ``block``."""
        return self._call("claimIdOf", (policyId, provider, serviceDate, codesHash), block)

    def claimOf(self, claimId: bytes | str, *, block: BlockId = "latest") -> ClaimView:
        """``claimOf(bytes32)``, read at ``block``."""
        return self._call("claimOf", (claimId,), block)

    def claimStatuses(self, claimIds: Sequence[bytes | str], *, block: BlockId = "latest") -> list[ClaimStatus]:
        """``claimStatuses(bytes32[])``, read at ``block``."""
        return self._call("claimStatuses", (claimIds,), block)

    def codesKeyCommitmentOf(self, insurer: str, *, block: BlockId = "latest") -> bytes:
        """``codesKeyCommitmentOf(address)``, read at ``block``."""
        return self._call("codesKeyCommitmentOf", (insurer,), block)

    def commitCodesKey(self, commitment: bytes | str, *, tx: TxOptions | None = None) -> Receipt:
        """``commitCodesKey(bytes32)``: a transaction, signed and sent; its mined receipt."""
        return self._transact("commitCodesKey", (commitment,), tx)

    def consent(self, *, block: BlockId = "latest") -> str:
        """``consent()``, read at ``block``."""
        return self._call("consent", (), block)

    def creditOf(self, provider: str, *, block: BlockId = "latest") -> int:
        """``creditOf(address)``, read at ``block``."""
        return self._call("creditOf", (provider,), block)

    def deny(self, claimId: bytes | str, reasonCode: int, *, tx: TxOptions | None = None) -> Receipt:
        """``deny(bytes32,uint16)``: a transaction, signed and sent; its mined receipt."""
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
        """``dispute(bytes32,bytes32,bytes32,bytes32[])``: a transaction, signed and sent; its mined receipt."""
        return self._transact("dispute", (claimId, evidenceHash, evidenceRoot, evidenceProof), tx)

    def disputeLapsesAt(self, claimId: bytes | str, *, block: BlockId = "latest") -> int:
        """``disputeLapsesAt(bytes32)``, read at ``block``."""
        return self._call("disputeLapsesAt", (claimId,), block)

    def fund(self, amount: int, *, tx: TxOptions | None = None) -> Receipt:
        """``fund(uint256)``: a transaction, signed and sent; its mined receipt."""
        return self._transact("fund", (amount,), tx)

    def pharmacyClaimIdOf(
        self,
        batchId: bytes | str,
        serialHash: bytes | str,
        dispensedAt: int,
        *,
        block: BlockId = "latest",
    ) -> bytes:
        """``pharmacyClaimIdOf(bytes32,bytes32,uint64)``, read at ``block``."""
        return self._call("pharmacyClaimIdOf", (batchId, serialHash, dispensedAt), block)

    def policyOf(self, policyId: bytes | str, *, block: BlockId = "latest") -> ClaimSettlement.PolicyOfResult:
        """``policyOf(bytes32)``, read at ``block``."""
        return self._call("policyOf", (policyId,), block)

    def poolOf(self, insurer: str, *, block: BlockId = "latest") -> ClaimSettlement.PoolOfResult:
        """``poolOf(address)``, read at ``block``."""
        return self._call("poolOf", (insurer,), block)

    def provenance(self, *, block: BlockId = "latest") -> str:
        """``provenance()``, read at ``block``."""
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
        """``registerPolicy(bytes32,address,uint128,uint128,uint16,uint64,uint64)``:
        a transaction, signed and sent; its mined receipt."""
        return self._transact("registerPolicy", (
            policyId, patient, annualLimit, deductible, coinsuranceBps, validFrom, validUntil), tx)

    def registry(self, *, block: BlockId = "latest") -> str:
        """``registry()``, read at ``block``."""
        return self._call("registry", (), block)

    def resolveDispute(self, claimId: bytes | str, approvedAmount: int, *, tx: TxOptions | None = None) -> Receipt:
        """``resolveDispute(bytes32,uint128)``: a transaction, signed and sent; its mined receipt."""
        return self._transact("resolveDispute", (claimId, approvedAmount), tx)

    def reviewWindow(self, *, block: BlockId = "latest") -> int:
        """``reviewWindow()``, read at ``block``."""
        return self._call("reviewWindow", (), block)

    def settle(self, claimIds: Sequence[bytes | str], *, tx: TxOptions | None = None) -> Receipt:
        """``settle(bytes32[])``: a transaction, signed and sent; its mined receipt."""
        return self._transact("settle", (claimIds,), tx)

    def submitClaim(self, c: ClaimInput, *, tx: TxOptions | None = None) -> Receipt:
        """``submitClaim((bytes32,address,uint128,uint64,bytes32,bytes32,bytes32,bytes32[]))``:
        a transaction, signed and sent; its mined receipt."""
        return self._transact("submitClaim", (c,), tx)

    def submitClaims(self, cs: Sequence[ClaimInput], *, tx: TxOptions | None = None) -> Receipt:
        """``submitClaims((bytes32,address,uint128,uint64,bytes32,bytes32,bytes32,bytes32[])[])``:
        a transaction, signed and sent; its mined receipt."""
        return self._transact("submitClaims", (cs,), tx)

    def submitPharmacyClaim(self, c: PharmacyClaimInput, *, tx: TxOptions | None = None) -> Receipt:
        """``submitPharmacyClaim((bytes32,address,uint128,bytes32,bytes32,bytes32))``:
        a transaction, signed and sent; its mined receipt."""
        return self._transact("submitPharmacyClaim", (c,), tx)

    def submitPharmacyClaims(self, cs: Sequence[PharmacyClaimInput], *, tx: TxOptions | None = None) -> Receipt:
        """``submitPharmacyClaims((bytes32,address,uint128,bytes32,bytes32,bytes32)[])``:
        a transaction, signed and sent; its mined receipt."""
        return self._transact("submitPharmacyClaims", (cs,), tx)

    def timelyFilingLimit(self, *, block: BlockId = "latest") -> int:
        """``timelyFilingLimit()``, read at ``block``."""
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
        """``usageOf(bytes32,uint256)``, read at ``block``."""
        return self._call("usageOf", (policyId, year), block)

    def withdraw(self, *, tx: TxOptions | None = None) -> Receipt:
        """``withdraw()``: a transaction, signed and sent; its mined receipt."""
        return self._transact("withdraw", (), tx)

    def withdrawFunds(self, amount: int, *, tx: TxOptions | None = None) -> Receipt:
        """``withdrawFunds(uint256)``: a transaction, signed and sent; its mined receipt."""
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
    """RecordExchange at an address: a method per function of its ABI (views read, the others send a
    transaction signed by the signer and return its receipt), a class per event."""

    NAME = "RecordExchange"

    class EncryptionKeySet(Event, frozen=True, kw_only=True):
        """``EncryptionKeySet(address,bytes,uint32)``."""

        EVENT: ClassVar[str] = "EncryptionKeySet"
        account: str
        publicKey: bytes
        version: int

    class RecordDisclosed(Event, frozen=True, kw_only=True):
        """``RecordDisclosed(address,address,bytes32,uint256,uint256,address)``."""

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
        """``ALL_PURPOSES()``, read at ``block``."""
        return self._call("ALL_PURPOSES", (), block)

    def consent(self, *, block: BlockId = "latest") -> str:
        """``consent()``, read at ``block``."""
        return self._call("consent", (), block)

    def encryptionKeyDetails(
        self,
        account: str,
        *,
        block: BlockId = "latest",
    ) -> RecordExchange.EncryptionKeyDetailsResult:
        """``encryptionKeyDetails(address)``, read at ``block``."""
        return self._call("encryptionKeyDetails", (account,), block)

    def encryptionKeyOf(self, account: str, *, block: BlockId = "latest") -> bytes:
        """``encryptionKeyOf(address)``, read at ``block``."""
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
        """``logDisclosure(address,address,bytes32,uint256,uint256)``:
        a transaction, signed and sent; its mined receipt."""
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
        """``logDisclosures(address,address,uint256,(bytes32,uint256,bytes32,bytes32[])[])``:
        a transaction, signed and sent; its mined receipt."""
        return self._transact("logDisclosures", (patient, recipient, purpose, disclosures), tx)

    def recordAnchor(self, *, block: BlockId = "latest") -> str:
        """``recordAnchor()``, read at ``block``."""
        return self._call("recordAnchor", (), block)

    def registry(self, *, block: BlockId = "latest") -> str:
        """``registry()``, read at ``block``."""
        return self._call("registry", (), block)

    def setEncryptionKey(self, publicKey: bytes | str, *, tx: TxOptions | None = None) -> Receipt:
        """``setEncryptionKey(bytes)``: a transaction, signed and sent; its mined receipt."""
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
    """ERC20 at an address: a method per function of its ABI (views read, the others send a
    transaction signed by the signer and return its receipt), a class per event."""

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
        """``Approval(address,address,uint256)``."""

        EVENT: ClassVar[str] = "Approval"
        owner: str
        spender: str
        value: int

    class Transfer(Event, frozen=True, kw_only=True):
        """``Transfer(address,address,uint256)``."""

        EVENT: ClassVar[str] = "Transfer"
        from_: str
        to: str
        value: int

    def allowance(self, owner: str, spender: str, *, block: BlockId = "latest") -> int:
        """``allowance(address,address)``, read at ``block``."""
        return self._call("allowance", (owner, spender), block)

    def approve(self, spender: str, value: int, *, tx: TxOptions | None = None) -> Receipt:
        """``approve(address,uint256)``: a transaction, signed and sent; its mined receipt."""
        return self._transact("approve", (spender, value), tx)

    def balanceOf(self, account: str, *, block: BlockId = "latest") -> int:
        """``balanceOf(address)``, read at ``block``."""
        return self._call("balanceOf", (account,), block)

    def decimals(self, *, block: BlockId = "latest") -> int:
        """``decimals()``, read at ``block``."""
        return self._call("decimals", (), block)

    def name(self, *, block: BlockId = "latest") -> str:
        """``name()``, read at ``block``."""
        return self._call("name", (), block)

    def symbol(self, *, block: BlockId = "latest") -> str:
        """``symbol()``, read at ``block``."""
        return self._call("symbol", (), block)

    def totalSupply(self, *, block: BlockId = "latest") -> int:
        """``totalSupply()``, read at ``block``."""
        return self._call("totalSupply", (), block)

    def transfer(self, to: str, value: int, *, tx: TxOptions | None = None) -> Receipt:
        """``transfer(address,uint256)``: a transaction, signed and sent; its mined receipt."""
        return self._transact("transfer", (to, value), tx)

    def transferFrom(self, from_: str, to: str, value: int, *, tx: TxOptions | None = None) -> Receipt:
        """``transferFrom(address,address,uint256)``: a transaction, signed and sent; its mined receipt."""
        return self._transact("transferFrom", (from_, to, value), tx)

    TYPES = TYPES
    EVENTS = {
        "Approval": Approval,
        "Transfer": Transfer,
    }
    RESULTS: ClassVar[dict[str, type]] = {}


class TestStableToken(ERC20):
    """TestStableToken at an address: a method per function of its ABI (views read, the others send a
    transaction signed by the signer and return its receipt), a class per event."""

    NAME = "TestStableToken"
    ABI_SOURCE = ""
    ABI_ITEMS: ClassVar[frozenset[str]] = frozenset()

    def mint(self, to: str, amount: int, *, tx: TxOptions | None = None) -> Receipt:
        """``mint(address,uint256)``: a transaction, signed and sent; its mined receipt."""
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
