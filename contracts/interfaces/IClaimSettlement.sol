// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IClaimSettlement
/// @notice Consent-gated, evidence-backed insurance claims: policies and insurer pools, submission
/// with deterministic adjudication (deductible, then coinsurance, capped by the annual limit) and
/// CARC reason codes, review and appeal, escrowed settlement and pull payments.
interface IClaimSettlement {
    /// @notice Lifecycle of a claim.
    enum Status {
        None, // never submitted
        PendingFunds, // adjudicated; waits for the insurer's pool to cover the payable amount
        Approved, // payable reserved (the whole benefit); review window running
        Partial, // payable reserved (less than the benefit: limit reached); review window running
        Denied, // nothing payable (adjudication, insurer's denial or resolved dispute)
        Disputed, // the provider appealed; awaiting the insurer's resolution until the dispute lapses
        Resolved, // dispute resolved with an amount; settleable at once
        Settled // credited to the provider: final
    }

    /// @notice A claim as submitted (by the provider, or by the policy's insurer on its behalf).
    /// @param policyId The patient's policy (an opaque id: never a policy number in clear).
    /// @param provider The provider that rendered the service and will be paid.
    /// @param amount Billed amount, in settlement-token units.
    /// @param serviceDate Unix time of the service.
    /// @param codesHash Hash of the line items (codes, modifiers, quantities, unit prices), kept off chain.
    /// @param evidenceHash The anchored record supporting the claim.
    /// @param evidenceRoot The batch root it was anchored in; zero for a singly anchored record.
    /// @param evidenceProof Merkle proof of `evidenceHash` in `evidenceRoot` (empty when single).
    struct ClaimInput {
        bytes32 policyId;
        address provider;
        uint128 amount;
        uint64 serviceDate;
        bytes32 codesHash;
        bytes32 evidenceHash;
        bytes32 evidenceRoot;
        bytes32[] evidenceProof;
    }

    /// @notice A pharmacy's claim for one dispensed unit (pack) of a drug batch, submitted by the pharmacy
    /// that dispensed it (nobody else). Its id names that dispense, keccak256(abi.encode(unitId,
    /// dispensedAt)), so that a dispense is claimed at most once and a new dispense of a returned unit is a
    /// new claim; its service date is the dispense's time, read from the provenance contract.
    /// @param policyId The patient's policy.
    /// @param pharmacy The pharmacy that dispensed the unit, the caller, and will be paid.
    /// @param amount Billed amount, in settlement-token units.
    /// @param codesHash Keyed hash of the line items (product, quantity, dispensing codes), kept off chain.
    /// @param batchId The unit's batch (see {IDrugProvenance-batchIdOf}).
    /// @param serialHash keccak256 of the unit's serial number.
    struct PharmacyClaimInput {
        bytes32 policyId;
        address pharmacy;
        uint128 amount;
        bytes32 codesHash;
        bytes32 batchId;
        bytes32 serialHash;
    }

    /// @notice A claim's state, decoded.
    struct ClaimView {
        bytes32 policyId;
        address provider;
        Status status;
        uint16 reasonCode;
        uint16 policyYear;
        uint64 decidedAt;
        bool disputed;
        uint96 payable_;
        uint96 deductibleApplied;
        bool pharmacyClaim;
    }

    /// @notice Thrown when an address argument is zero.
    error ClaimSettlementZeroAddress();
    /// @notice Thrown at deployment when a window or limit is zero.
    error ClaimSettlementInvalidWindow();
    /// @notice Thrown when registering `policyId` twice.
    error ClaimSettlementPolicyExists(bytes32 policyId);
    /// @notice Thrown when a policy's terms are inconsistent (zero limit, coinsurance > 100 %, empty period).
    error ClaimSettlementInvalidPolicy(bytes32 policyId);
    /// @notice Thrown when `caller` is not `insurer`, whose action it is.
    error ClaimSettlementNotInsurer(address caller, address insurer);
    /// @notice Thrown when `caller` is neither the claim's provider nor the policy's insurer (for a pharmacy
    /// claim: when `caller` is not the pharmacy named, `provider`).
    error ClaimSettlementNotSubmitter(address caller, address provider);
    /// @notice Thrown when `caller` is not the claim's provider.
    error ClaimSettlementNotProvider(address caller, address provider);
    /// @notice Thrown when `insurer`'s available funds (`available`) do not cover `requested`.
    error ClaimSettlementInsufficientPool(address insurer, uint256 available, uint256 requested);
    /// @notice Thrown by {submitClaim} when the claim is refused, with its CARC-style `reasonCode`.
    error ClaimSettlementRejected(bytes32 claimId, uint16 reasonCode);
    /// @notice Thrown when `claimId` is in `status`, in which the action is not possible.
    error ClaimSettlementWrongStatus(bytes32 claimId, Status status);
    /// @notice Thrown when the review window of `claimId` closed at `endedAt`.
    error ClaimSettlementReviewWindowClosed(bytes32 claimId, uint64 endedAt);
    /// @notice Thrown when the appeal window of `claimId` closed at `endedAt`.
    error ClaimSettlementAppealWindowClosed(bytes32 claimId, uint64 endedAt);
    /// @notice Thrown when `claimId` was already disputed once.
    error ClaimSettlementAlreadyDisputed(bytes32 claimId);
    /// @notice Thrown when resolving a dispute for more than the policy year's remaining limit.
    error ClaimSettlementExceedsLimit(bytes32 claimId, uint256 approved, uint256 remaining);
    /// @notice Thrown when an amount is zero or does not fit the contract's accounting.
    error ClaimSettlementInvalidAmount(uint256 amount);
    /// @notice Thrown when `provider` has no credit to withdraw.
    error ClaimSettlementNothingToWithdraw(address provider);
    /// @notice Thrown when a dispute's evidence is not anchored by the claim's provider, or retracted.
    error ClaimSettlementEvidenceMissing(bytes32 evidenceHash);
    /// @notice Thrown when a dispute's evidence was anchored at `anchoredAt`, not after the decision it
    /// appeals (`decidedAt`): a dispute needs new evidence.
    error ClaimSettlementStaleEvidence(bytes32 evidenceHash, uint64 anchoredAt, uint64 decidedAt);
    /// @notice Thrown when `insurer`, whose decision it is, is not an active INSURER (suspended or removed).
    error ClaimSettlementInsurerNotActive(address insurer);
    /// @notice Thrown when resolving the dispute of `claimId`, which lapsed at `lapsedAt`.
    error ClaimSettlementDisputeLapsed(bytes32 claimId, uint64 lapsedAt);
    /// @notice Thrown when a codes-key commitment is zero.
    error ClaimSettlementZeroCommitment();
    /// @notice Thrown when `insurer` has already committed to its codes key (`commitment`): it is final.
    error ClaimSettlementCodesKeyCommitted(address insurer, bytes32 commitment);

    /// @notice Emitted when `insurer` registers `policyId` for `patient`.
    event PolicyRegistered(
        bytes32 indexed policyId,
        address indexed insurer,
        address indexed patient,
        uint128 annualLimit,
        uint128 deductible,
        uint16 coinsuranceBps,
        uint64 validFrom,
        uint64 validUntil
    );
    /// @notice Emitted when `insurer` adds `amount` to its pool.
    event PoolFunded(address indexed insurer, uint256 amount);
    /// @notice Emitted when `insurer` takes `amount` of unreserved funds back.
    event PoolWithdrawn(address indexed insurer, uint256 amount);
    /// @notice Emitted when a claim is accepted for adjudication.
    event ClaimSubmitted(
        bytes32 indexed claimId,
        bytes32 indexed policyId,
        address indexed provider,
        address insurer,
        uint128 amount,
        uint64 serviceDate
    );
    /// @notice Emitted when a claim is adjudicated (at submission, or again once funds arrive).
    /// @param outcome The resulting status (PendingFunds, Approved, Partial or Denied).
    /// @param patientShare What the patient owes: deductible, coinsurance and anything over the limit.
    /// @param payable_ What the insurer pays.
    /// @param reasonCode CARC code explaining the adjustment (0 when paid in full).
    event ClaimAdjudicated(
        bytes32 indexed claimId, Status outcome, uint256 patientShare, uint256 payable_, uint16 reasonCode
    );
    /// @notice Emitted with {ClaimSubmitted} for a pharmacy's claim: the dispensed unit it bills for.
    event PharmacyClaimLinked(bytes32 indexed claimId, bytes32 indexed batchId, bytes32 serialHash);
    /// @notice Emitted when settlement finds that the dispense a pharmacy claim names is no longer the unit's
    /// current one (it was reverted): the claim is denied with `reasonCode` and its reservation freed.
    event ClaimVoided(bytes32 indexed claimId, address indexed provider, uint16 reasonCode);
    /// @notice Emitted when a claim is refused at submission (in a batch; single submissions revert).
    event ClaimRejected(bytes32 indexed claimId, uint16 reasonCode);
    /// @notice Emitted when the insurer denies a claim within its review window.
    event ClaimDenied(bytes32 indexed claimId, address indexed insurer, uint16 reasonCode);
    /// @notice Emitted when the provider appeals a denial or partial payment, with new evidence.
    event ClaimDisputed(bytes32 indexed claimId, address indexed provider, bytes32 evidenceHash);
    /// @notice Emitted when a dispute lapsed unresolved and its pre-dispute `outcome` (Partial, then
    /// credited; or Denied, final) stands.
    event DisputeLapsed(bytes32 indexed claimId, Status outcome);
    /// @notice Emitted when the insurer resolves a dispute for `approvedAmount`.
    event DisputeResolved(bytes32 indexed claimId, address indexed insurer, uint256 approvedAmount);
    /// @notice Emitted when a claim is paid: `amount` credited to `provider`.
    event ClaimSettled(bytes32 indexed claimId, address indexed provider, uint256 amount);
    /// @notice Emitted when `provider` withdraws its credited payments.
    event Withdrawn(address indexed provider, uint256 amount);
    /// @notice Emitted when `insurer` commits, once and for good, to the key its claims' codes hashes use.
    /// @param commitment keccak256 of a domain tag and the key (medchain.claims.keys): it reveals nothing of the key.
    event CodesKeyCommitted(address indexed insurer, bytes32 commitment);
}
