// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {Hashes} from "@openzeppelin/contracts/utils/cryptography/Hashes.sol";
import {ConsortiumGated} from "../access/ConsortiumGated.sol";
import {MemberRoles} from "../access/MemberRoles.sol";
import {IClaimSettlement} from "../interfaces/IClaimSettlement.sol";
import {IConsentRegistry} from "../interfaces/IConsentRegistry.sol";
import {IConsortiumRegistry} from "../interfaces/IConsortiumRegistry.sol";
import {IDrugProvenance} from "../interfaces/IDrugProvenance.sol";
import {IRecordAnchor} from "../interfaces/IRecordAnchor.sol";

/// @title ClaimSettlement
/// @notice Insurance claims checked against coverage, patient consent and anchored evidence,
/// adjudicated by deterministic rules, escrowed from the insurer's pool and paid in a stable token.
///
/// Invariants (NatSpec'd here, checked by tests):
/// - a claim is credited (Settled) at most once;
/// - per policy and policy year, `paid` (payable of claims not denied) never exceeds the annual limit;
/// - for every insurer: funded − withdrawn = available + reserved + credited to providers from its pool;
/// - the token balance of this contract = Σ (available + reserved) + Σ provider credits not withdrawn;
/// - nobody withdraws more than they were credited;
/// - a pharmacy claim is created only by the pharmacy that dispensed the unit, its id names that
///   dispense (unit and time), and it is credited only while that very dispense is the unit's current
///   one and can no longer be reverted; a dispense is claimed at most once;
/// - a claim needs the patient's consent to its provider (TREAT, or an emergency access): no claim
///   without a care relationship;
/// - the same service (policy, provider, service day, canonical codes) is claimed at most once;
/// - a policy whose insurer is not an active INSURER gets no new claim, and that insurer decides nothing;
/// - a dispute lapses `appealWindow` after it was opened: anyone may then settle it at its pre-dispute
///   outcome, so reserves are never locked by an insurer that does not answer.
///
/// Privacy: policy ids are opaque; line items live off chain (only `codesHash`); patients are addresses.
contract ClaimSettlement is IClaimSettlement, ConsortiumGated, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    // CARC-style reason codes.
    uint16 public constant REASON_DEDUCTIBLE = 1;
    uint16 public constant REASON_COINSURANCE = 2;
    uint16 public constant REASON_EVIDENCE_MISSING = 16;
    uint16 public constant REASON_DUPLICATE = 18;
    uint16 public constant REASON_BEFORE_COVERAGE = 26;
    uint16 public constant REASON_COVERAGE_TERMINATED = 27;
    uint16 public constant REASON_TIMELY_FILING = 29;
    uint16 public constant REASON_NOT_INSURED = 31;
    uint16 public constant REASON_FUTURE_SERVICE = 110;
    uint16 public constant REASON_BENEFIT_MAXIMUM = 119;
    uint16 public constant REASON_PROVIDER_INELIGIBLE = 185;
    uint16 public constant REASON_CONSENT_ABSENT = 197;
    /// @notice medchain's own code (outside CARC's range): the submitter may not submit this claim.
    uint16 public constant REASON_NOT_SUBMITTER = 1001;
    /// @notice medchain's own code: the billed amount is zero or too large for the accounting.
    uint16 public constant REASON_INVALID_AMOUNT = 1002;
    /// @notice medchain's own code: the pharmacy did not dispense this unit (never dispensed, dispensed
    /// by another pharmacy, or the dispense was reverted).
    uint16 public constant REASON_UNIT_NOT_DISPENSED = 1003;
    /// @notice medchain's own code: the unit's batch is recalled.
    uint16 public constant REASON_BATCH_RECALLED = 1004;
    /// @notice medchain's own code: the unit's batch is quarantined (a claim may be submitted once released).
    uint16 public constant REASON_BATCH_QUARANTINED = 1005;
    /// @notice medchain's own code: the patient has not consented to the provider (or pharmacy) for
    /// treatment, and it holds no emergency access: no care relationship backs the claim.
    uint16 public constant REASON_NO_CARE_RELATIONSHIP = 1006;
    /// @notice medchain's own code: the policy's insurer is not an active INSURER (suspended or removed).
    uint16 public constant REASON_INSURER_INACTIVE = 1007;

    /// @notice Purpose HPAYMT and category billing-and-claims, as in {ConsentRegistry}.
    uint256 public constant CONSENT_PURPOSE = 1 << 1;
    uint256 public constant CONSENT_CATEGORY = 1 << 13;
    /// @notice The care relationship a provider's claim needs: the patient's TREAT consent to the provider
    /// on encounters data (an emergency access counts too).
    uint256 public constant CARE_PURPOSE = 1 << 0;
    uint256 public constant CARE_CATEGORY = 1 << 1;
    /// @notice The care relationship a pharmacy's claim needs: TREAT consent to the pharmacy on medications.
    uint256 public constant PHARMACY_CARE_CATEGORY = 1 << 3;

    /// @notice Claim ids name the service day (UTC), not the second: the same service on the same day is
    /// one claim, whatever time of day is billed.
    uint64 public constant SERVICE_DAY = 1 days;

    uint64 public constant POLICY_YEAR = 365 days;

    /// @dev {IDrugProvenance} batch statuses (its BATCH_QUARANTINED and BATCH_RECALLED).
    uint8 private constant _BATCH_QUARANTINED = 2;
    uint8 private constant _BATCH_RECALLED = 3;

    IConsentRegistry public immutable consent;
    IRecordAnchor public immutable recordAnchor;
    /// @notice Drug provenance: who dispensed which unit (for pharmacy claims).
    IDrugProvenance public immutable provenance;
    IERC20 public immutable token;
    /// @notice Seconds after adjudication during which the insurer may deny; settlement comes after.
    uint64 public immutable reviewWindow;
    /// @notice Seconds after a denial or partial payment during which the provider may dispute.
    uint64 public immutable appealWindow;
    /// @notice Claims for services older than this many seconds are refused (CARC 29).
    uint64 public immutable timelyFilingLimit;

    /// @dev Three slots: [insurer | validFrom | coinsuranceBps | index], [patient | validUntil],
    /// [annualLimit | deductible].
    struct Policy {
        address insurer;
        uint64 validFrom;
        uint16 coinsuranceBps;
        uint32 index;
        address patient;
        uint64 validUntil;
        uint128 annualLimit;
        uint128 deductible;
    }

    /// @dev One slot per policy year.
    struct Usage {
        uint128 deductibleMet;
        uint128 paid;
    }

    /// @dev One slot, low to high: [status 8 | reasonCode 16 | policyYear 16 | decidedAt 40 |
    /// disputed 8 | providerIndex 32 | policyIndex 32 | payable 96 | pharmacy 8]. Provider and policy are stored as
    /// indices (`_providers`, `_policyIds`) so that a claim costs one new slot, not two. The billed
    /// amount lives in events only; the deductible a claim used is kept apart, and only when non-zero.
    struct Claim {
        Status status;
        uint16 reasonCode;
        uint16 policyYear;
        uint40 decidedAt;
        bool disputed;
        uint32 providerIndex;
        uint32 policyIndex;
        uint96 payable_;
        bool pharmacy;
    }

    /// @dev A claim being recorded (in memory, shared by provider and pharmacy claims).
    struct Submission {
        bytes32 claimId;
        bytes32 policyId;
        address provider;
        uint256 amount;
        uint64 serviceDate;
        bool pharmacy;
    }

    /// @dev One slot per insurer.
    struct Pool {
        uint128 available;
        uint128 reserved;
    }

    mapping(bytes32 policyId => Policy) private _policies;
    bytes32[] private _policyIds; // index -> id (index 0 is a sentinel: real policies start at 1)
    mapping(bytes32 policyId => mapping(uint256 year => Usage)) private _usage;
    mapping(bytes32 claimId => Claim) private _claims;
    /// @dev Only for claims that used some deductible (most claims of a year do not).
    mapping(bytes32 claimId => uint256 amount) private _deductibleApplied;
    address[] private _providers; // index -> provider (index 0 is a sentinel)
    mapping(address provider => uint32 index) private _providerIndex;
    mapping(address insurer => Pool) private _pools;
    mapping(address provider => uint256 amount) private _credits;
    /// @dev Each insurer's commitment to its codes key (zero: none yet). The codes hash is keyed, so the same
    /// service hashed under two keys gets two claim ids: the commitment lets every submitter's tools refuse
    /// another key before anything is sent.
    mapping(address insurer => bytes32 commitment) private _codesKeyCommitments;
    /// @dev Pharmacy claim -> the unit it bills for (its id names the dispense, not the unit).
    mapping(bytes32 claimId => bytes32 unitId) private _pharmacyUnits;

    /// @dev Whether the last insurer looked up is active: one registry call per insurer per batch.
    struct InsurerCheck {
        address insurer;
        bool active;
    }

    /// @param registry_ Consortium membership.
    /// @param consent_ Patient consent: the insurer needs HPAYMT consent to billing-and-claims data.
    /// @param recordAnchor_ Anchored evidence.
    /// @param provenance_ Drug provenance: the dispensed units that pharmacy claims bill for.
    /// @param token_ The settlement stable token.
    /// @param reviewWindow_ Seconds the insurer has to deny after adjudication.
    /// @param appealWindow_ Seconds the provider has to dispute after a denial or partial payment, and the
    /// insurer to resolve a dispute before it lapses; at least `reviewWindow_`.
    /// @param timelyFilingLimit_ Maximum age of a service at submission, in seconds.
    constructor(
        IConsortiumRegistry registry_,
        IConsentRegistry consent_,
        IRecordAnchor recordAnchor_,
        IDrugProvenance provenance_,
        IERC20 token_,
        uint64 reviewWindow_,
        uint64 appealWindow_,
        uint64 timelyFilingLimit_
    ) ConsortiumGated(registry_) {
        if (
            address(consent_) == address(0) || address(recordAnchor_) == address(0)
                || address(provenance_) == address(0) || address(token_) == address(0)
        ) revert ClaimSettlementZeroAddress();
        if (reviewWindow_ == 0 || appealWindow_ < reviewWindow_ || timelyFilingLimit_ == 0) {
            revert ClaimSettlementInvalidWindow();
        }
        consent = consent_;
        recordAnchor = recordAnchor_;
        provenance = provenance_;
        token = token_;
        reviewWindow = reviewWindow_;
        appealWindow = appealWindow_;
        timelyFilingLimit = timelyFilingLimit_;
        _policyIds.push(bytes32(0));
        _providers.push(address(0));
    }

    // ------------------------------------------------------------------------------------------
    // Policies and pools

    /// @notice Registers `policyId` for `patient`; the caller, an active insurer, becomes its insurer.
    /// @dev Requirements: active INSURER; `policyId` new and not zero; `patient` not zero;
    /// 0 < `annualLimit` < 2**96; `coinsuranceBps` ≤ 10,000; `validFrom` < `validUntil`.
    /// Emits a {PolicyRegistered} event.
    function registerPolicy(
        bytes32 policyId,
        address patient,
        uint128 annualLimit,
        uint128 deductible,
        uint16 coinsuranceBps,
        uint64 validFrom,
        uint64 validUntil
    ) external onlyActiveMember(MemberRoles.INSURER) {
        if (patient == address(0)) revert ClaimSettlementZeroAddress();
        if (
            policyId == bytes32(0) || annualLimit == 0 || annualLimit > type(uint96).max || coinsuranceBps > 10_000
                || validFrom >= validUntil
        ) revert ClaimSettlementInvalidPolicy(policyId);
        if (_policies[policyId].insurer != address(0)) revert ClaimSettlementPolicyExists(policyId);
        uint32 index = uint32(_policyIds.length);
        _policyIds.push(policyId);
        _policies[policyId] =
            Policy(msg.sender, validFrom, coinsuranceBps, index, patient, validUntil, annualLimit, deductible);
        emit PolicyRegistered(
            policyId, msg.sender, patient, annualLimit, deductible, coinsuranceBps, validFrom, validUntil
        );
    }

    /// @notice Adds `amount` of the settlement token to the caller's pool (an active insurer); the pool is
    /// credited with what this contract actually received (a fee-on-transfer token credits less).
    /// @dev Requirements: active INSURER; `amount` > 0 and approved; something arrives (else
    /// {ClaimSettlementInvalidAmount} with 0). Emits a {PoolFunded} event with the amount received.
    function fund(uint256 amount) external onlyActiveMember(MemberRoles.INSURER) nonReentrant {
        if (amount == 0 || amount > type(uint96).max) revert ClaimSettlementInvalidAmount(amount);
        uint256 before = token.balanceOf(address(this));
        token.safeTransferFrom(msg.sender, address(this), amount);
        uint256 received = token.balanceOf(address(this)) - before;
        if (received == 0 || received > amount) revert ClaimSettlementInvalidAmount(received);
        _pools[msg.sender].available += uint128(received);
        emit PoolFunded(msg.sender, received);
    }

    /// @notice Commits the caller, an active insurer, to the key its claims' codes hashes use, once and for good.
    /// @dev The contract cannot check a keyed hash; the commitment is what the insurer's tools compare their key
    /// with before sending anything (a second key would give the same services new claim ids).
    /// Requirements: active INSURER; `commitment` not zero; no commitment before.
    /// Emits a {CodesKeyCommitted} event.
    function commitCodesKey(bytes32 commitment) external onlyActiveMember(MemberRoles.INSURER) {
        if (commitment == bytes32(0)) revert ClaimSettlementZeroCommitment();
        bytes32 existing = _codesKeyCommitments[msg.sender];
        if (existing != bytes32(0)) revert ClaimSettlementCodesKeyCommitted(msg.sender, existing);
        _codesKeyCommitments[msg.sender] = commitment;
        emit CodesKeyCommitted(msg.sender, commitment);
    }

    /// @notice Takes `amount` of the caller's unreserved funds back (allowed even while suspended).
    /// @dev Requirements: `amount` > 0 and ≤ available. Emits a {PoolWithdrawn} event.
    function withdrawFunds(uint256 amount) external nonReentrant {
        Pool storage pool = _pools[msg.sender];
        if (amount == 0) revert ClaimSettlementInvalidAmount(amount);
        if (amount > pool.available) revert ClaimSettlementInsufficientPool(msg.sender, pool.available, amount);
        pool.available -= uint128(amount);
        token.safeTransfer(msg.sender, amount);
        emit PoolWithdrawn(msg.sender, amount);
    }

    // ------------------------------------------------------------------------------------------
    // Submission and adjudication

    /// @notice Submits one claim; a refused claim reverts with {ClaimSettlementRejected} and its reason code.
    /// @dev Requirements: the caller is the provider or the policy's insurer, and every submission check
    /// passes (see {submitClaims}). Emits {ClaimSubmitted} and {ClaimAdjudicated} events.
    function submitClaim(ClaimInput calldata c) external returns (bytes32 claimId) {
        uint16 reason;
        InsurerCheck memory cache = InsurerCheck(address(0), false);
        (claimId, reason) = _submit(c, cache);
        if (reason != 0) {
            if (reason == REASON_NOT_SUBMITTER) revert ClaimSettlementNotSubmitter(msg.sender, c.provider);
            revert ClaimSettlementRejected(claimId, reason);
        }
    }

    /// @notice Submits many claims; a refused claim emits {ClaimRejected} and the others proceed.
    /// @dev Checks, each with its reason code: submitter is the provider or the policy's insurer (1001);
    /// not a duplicate of (policy, provider, service day, codes) (18); amount fits (1002); the policy
    /// exists (31); its insurer is an active INSURER (1007); it covers the service date (26 before, 27
    /// after); the service date is not in the future (110) nor older than the timely-filing limit (29);
    /// the provider is an active PROVIDER (185); the patient consents to the insurer for HPAYMT on
    /// billing-and-claims data (197) and to the provider for TREAT on encounters, or the provider holds an
    /// emergency access (1006); the evidence is anchored by that provider, alone or in a batch of its,
    /// and not retracted (16).
    function submitClaims(ClaimInput[] calldata cs) external returns (bytes32[] memory claimIds) {
        claimIds = new bytes32[](cs.length);
        InsurerCheck memory cache = InsurerCheck(address(0), false);
        for (uint256 i; i < cs.length; ++i) {
            uint16 reason;
            (claimIds[i], reason) = _submit(cs[i], cache);
            if (reason != 0) emit ClaimRejected(claimIds[i], reason);
        }
    }

    /// @notice Submits a pharmacy's claim for one unit it dispensed; a refused claim reverts with
    /// {ClaimSettlementRejected} and its reason code.
    /// @dev Requirements: the caller is `c.pharmacy`, and every check of {submitPharmacyClaims} passes.
    /// Emits {ClaimSubmitted}, {PharmacyClaimLinked} and {ClaimAdjudicated} events.
    function submitPharmacyClaim(PharmacyClaimInput calldata c) external returns (bytes32 claimId) {
        uint16 reason;
        InsurerCheck memory cache = InsurerCheck(address(0), false);
        (claimId, reason) = _submitPharmacy(c, cache);
        if (reason != 0) {
            if (reason == REASON_NOT_SUBMITTER) revert ClaimSettlementNotSubmitter(msg.sender, c.pharmacy);
            revert ClaimSettlementRejected(claimId, reason);
        }
    }

    /// @notice Submits many pharmacy claims; a refused claim emits {ClaimRejected}, the others proceed.
    /// @dev The claim id names the unit's current dispense ({pharmacyClaimIdOf}: unit and dispense time) and
    /// the service date is the dispense's time. Only the dispensing pharmacy creates it: nobody else can
    /// squat the id. Checks, each with its reason code: the caller is `c.pharmacy` (1001); the unit's
    /// current dispense is the caller's (1003); that dispense was not claimed before, under any policy (18);
    /// amount fits (1002); the policy exists (31); its insurer is an active INSURER (1007); the policy covers
    /// the dispense date (26, 27) and it is within the timely-filing limit (29); the pharmacy is an active
    /// PHARMACY (185); the batch is not recalled (1004) nor quarantined (1005); the patient consents to the
    /// insurer for HPAYMT (197) and to the pharmacy for TREAT on medications (1006).
    /// Settlement later waits until the dispense can no longer be reverted, and voids the claim if the
    /// unit's current dispense is no longer the one claimed. A new dispense of the unit is a new claim.
    function submitPharmacyClaims(PharmacyClaimInput[] calldata cs) external returns (bytes32[] memory claimIds) {
        claimIds = new bytes32[](cs.length);
        InsurerCheck memory cache = InsurerCheck(address(0), false);
        for (uint256 i; i < cs.length; ++i) {
            uint16 reason;
            (claimIds[i], reason) = _submitPharmacy(cs[i], cache);
            if (reason != 0) emit ClaimRejected(claimIds[i], reason);
        }
    }

    /// @notice Completes a claim waiting for funds, once the insurer's pool covers it.
    /// @dev Requirements: status PendingFunds; the pool's available funds cover the payable amount.
    /// Emits a {ClaimAdjudicated} event.
    function adjudicate(bytes32 claimId) external {
        Claim storage claim = _claims[claimId];
        if (claim.status != Status.PendingFunds) revert ClaimSettlementWrongStatus(claimId, claim.status);
        address insurer = _policies[_policyIds[claim.policyIndex]].insurer;
        Pool storage pool = _pools[insurer];
        if (pool.available < claim.payable_) {
            revert ClaimSettlementInsufficientPool(insurer, pool.available, claim.payable_);
        }
        pool.available -= claim.payable_;
        pool.reserved += claim.payable_;
        claim.status = claim.reasonCode == REASON_BENEFIT_MAXIMUM ? Status.Partial : Status.Approved;
        claim.decidedAt = uint40(block.timestamp);
        emit ClaimAdjudicated(claimId, claim.status, 0, claim.payable_, claim.reasonCode);
    }

    // ------------------------------------------------------------------------------------------
    // Review and appeal

    /// @notice The insurer denies a claim within its review window, releasing its reservation.
    /// @dev Requirements: the caller is the policy's insurer and an active INSURER; status Approved,
    /// Partial (review window open) or PendingFunds. The deductible and limit it used are given back to
    /// the policy year. Emits a {ClaimDenied} event.
    function deny(bytes32 claimId, uint16 reasonCode) external {
        Claim storage claim = _claims[claimId];
        bytes32 policyId = _policyIds[claim.policyIndex];
        address insurer = _policies[policyId].insurer;
        if (msg.sender != insurer || claim.status == Status.None) {
            revert ClaimSettlementNotInsurer(msg.sender, insurer);
        }
        _requireActiveInsurer(insurer);
        Status status = claim.status;
        if (status == Status.Approved || status == Status.Partial) {
            uint64 endsAt = uint64(claim.decidedAt) + reviewWindow;
            if (block.timestamp >= endsAt) revert ClaimSettlementReviewWindowClosed(claimId, endsAt);
            Pool storage pool = _pools[insurer];
            pool.reserved -= claim.payable_;
            pool.available += claim.payable_;
        } else if (status != Status.PendingFunds) {
            revert ClaimSettlementWrongStatus(claimId, status);
        }
        _cancel(claimId, claim, policyId, reasonCode);
        emit ClaimDenied(claimId, insurer, reasonCode);
    }

    /// @notice The provider appeals a denial or partial payment, once, with new anchored evidence.
    /// @dev The dispute lapses `appealWindow` after it is opened if the insurer has not resolved it: anyone
    /// may then settle it at its pre-dispute outcome ({settle}).
    /// Requirements: the caller is the claim's provider; status Denied or Partial; not disputed before;
    /// within the appeal window after the decision; `evidenceHash` anchored by the provider (alone when
    /// `evidenceRoot` is zero, else as a leaf of its batch `evidenceRoot`, proven by `evidenceProof`), not
    /// retracted, and anchored after the decision (new evidence, not the claim's own).
    /// Emits a {ClaimDisputed} event.
    function dispute(bytes32 claimId, bytes32 evidenceHash, bytes32 evidenceRoot, bytes32[] calldata evidenceProof)
        external
    {
        Claim storage claim = _claims[claimId];
        address provider = _providers[claim.providerIndex];
        if (msg.sender != provider) revert ClaimSettlementNotProvider(msg.sender, provider);
        if (claim.status != Status.Denied && claim.status != Status.Partial) {
            revert ClaimSettlementWrongStatus(claimId, claim.status);
        }
        if (claim.disputed) revert ClaimSettlementAlreadyDisputed(claimId);
        uint64 decidedAt = uint64(claim.decidedAt);
        uint64 endsAt = decidedAt + appealWindow;
        if (block.timestamp >= endsAt) revert ClaimSettlementAppealWindowClosed(claimId, endsAt);
        (uint64 anchoredAt, bool retracted) = recordAnchor.anchorOf(provider, evidenceHash, evidenceRoot, evidenceProof);
        if (anchoredAt == 0 || retracted) revert ClaimSettlementEvidenceMissing(evidenceHash);
        if (anchoredAt <= decidedAt) revert ClaimSettlementStaleEvidence(evidenceHash, anchoredAt, decidedAt);
        claim.status = Status.Disputed;
        claim.disputed = true;
        // From here `decidedAt` is when the dispute was opened: the insurer's resolution window starts.
        claim.decidedAt = uint40(block.timestamp);
        emit ClaimDisputed(claimId, msg.sender, evidenceHash);
    }

    /// @notice The insurer resolves a dispute: `approvedAmount` becomes the claim's payable amount.
    /// @dev Requirements: the caller is the policy's insurer and an active INSURER; status Disputed and
    /// not lapsed (`appealWindow` after it was opened); `approvedAmount` within the policy year's remaining
    /// limit and covered by the pool. A zero amount denies the claim with the same accounting as {deny}
    /// (reservation, limit and deductible given back); any other is settleable at once.
    /// Emits a {DisputeResolved} event.
    function resolveDispute(bytes32 claimId, uint128 approvedAmount) external {
        Claim storage claim = _claims[claimId];
        bytes32 policyId = _policyIds[claim.policyIndex];
        Policy storage policy = _policies[policyId];
        address insurer = policy.insurer;
        if (msg.sender != insurer || claim.status == Status.None) {
            revert ClaimSettlementNotInsurer(msg.sender, insurer);
        }
        _requireActiveInsurer(insurer);
        if (claim.status != Status.Disputed) revert ClaimSettlementWrongStatus(claimId, claim.status);
        uint64 lapsesAt = uint64(claim.decidedAt) + appealWindow;
        if (block.timestamp >= lapsesAt) revert ClaimSettlementDisputeLapsed(claimId, lapsesAt);
        Pool storage pool = _pools[insurer];
        if (approvedAmount == 0) {
            pool.reserved -= claim.payable_;
            pool.available += claim.payable_;
            _cancel(claimId, claim, policyId, claim.reasonCode);
            emit DisputeResolved(claimId, msg.sender, 0);
            return;
        }
        Usage storage usage = _usage[policyId][claim.policyYear];
        uint256 paidOthers = usage.paid - claim.payable_;
        uint256 remaining = policy.annualLimit > paidOthers ? policy.annualLimit - paidOthers : 0;
        if (approvedAmount > remaining) revert ClaimSettlementExceedsLimit(claimId, approvedAmount, remaining);

        if (approvedAmount > claim.payable_) {
            uint256 more = approvedAmount - claim.payable_;
            if (pool.available < more) revert ClaimSettlementInsufficientPool(insurer, pool.available, more);
            pool.available -= uint128(more);
            pool.reserved += uint128(more);
        } else {
            uint256 less = claim.payable_ - approvedAmount;
            pool.reserved -= uint128(less);
            pool.available += uint128(less);
        }
        usage.paid = uint128(paidOthers + approvedAmount);
        // approvedAmount <= annualLimit <= type(uint96).max (checked at registration): the cast is exact.
        claim.payable_ = uint96(approvedAmount);
        claim.status = Status.Resolved;
        claim.decidedAt = uint40(block.timestamp);
        emit DisputeResolved(claimId, msg.sender, approvedAmount);
    }

    // ------------------------------------------------------------------------------------------
    // Settlement

    /// @notice Credits providers for every settleable claim in `claimIds`; others are skipped. Anyone may
    /// call it.
    /// @dev Settleable: Approved after the review window; Partial after both the review and the appeal
    /// window (so that nobody cuts the provider's appeal short), or after the review window when its own
    /// provider settles it (accepting the partial payment); Resolved at once; Disputed once the dispute
    /// lapsed (`appealWindow` after it was opened, unresolved): at its pre-dispute outcome, a Partial
    /// payment credited, a denial final (Denied). A claim is credited at most once: it becomes Settled.
    /// A pharmacy claim is credited only while the dispense it names is the unit's current one (same
    /// pharmacy, same dispense time) and can no longer be reverted (EU FMD: 10 days); it is voided
    /// (Denied, reason 1003, reservation and policy-year usage given back) once that dispense was reverted.
    /// Emits a {DisputeLapsed} event per lapsed dispute, a {ClaimSettled} event per claim credited, a
    /// {ClaimVoided} event per claim voided.
    /// @return settled How many claims were credited.
    function settle(bytes32[] calldata claimIds) external returns (uint256 settled) {
        for (uint256 i; i < claimIds.length; ++i) {
            bytes32 claimId = claimIds[i];
            Claim storage claim = _claims[claimId];
            if (!_due(claimId, claim)) continue;
            uint96 amount = claim.payable_;
            address provider = _providers[claim.providerIndex];
            bytes32 policyId = _policyIds[claim.policyIndex];
            Pool storage pool = _pools[_policies[policyId].insurer];
            if (claim.pharmacy) {
                bytes32 unitId = _pharmacyUnits[claimId];
                (address dispenser, uint64 dispensedAt, uint64 revertibleUntil) = provenance.unitDispense(unitId);
                if (dispenser != provider || _dispenseId(unitId, dispensedAt) != claimId) {
                    // The claimed dispense was reverted (the unit may be dispensed again since: a new claim).
                    pool.reserved -= amount;
                    pool.available += amount;
                    _cancel(claimId, claim, policyId, REASON_UNIT_NOT_DISPENSED);
                    emit ClaimVoided(claimId, provider, REASON_UNIT_NOT_DISPENSED);
                    continue;
                }
                if (block.timestamp < revertibleUntil) continue;
            }
            pool.reserved -= amount;
            _credits[provider] += amount;
            claim.status = Status.Settled;
            emit ClaimSettled(claimId, provider, amount);
            ++settled;
        }
    }

    /// @notice Pays the caller everything credited to it (pull payment).
    /// @dev Requirements: a non-zero credit. Reentrancy-guarded; the credit is cleared before the transfer.
    /// Emits a {Withdrawn} event.
    function withdraw() external nonReentrant {
        uint256 amount = _credits[msg.sender];
        if (amount == 0) revert ClaimSettlementNothingToWithdraw(msg.sender);
        _credits[msg.sender] = 0;
        token.safeTransfer(msg.sender, amount);
        emit Withdrawn(msg.sender, amount);
    }

    // ------------------------------------------------------------------------------------------
    // Views

    /// @notice The id of a claim: a fingerprint of (policy, provider, service DAY, codes hash):
    /// keccak256(abi.encode(policyId, provider, serviceDate / 1 days, codesHash)). The codes hash is over
    /// the canonical line items (sorted, normalized), so neither the time of day nor the order of codes or
    /// modifiers makes the same service a new claim.
    function claimIdOf(bytes32 policyId, address provider, uint64 serviceDate, bytes32 codesHash)
        public
        pure
        returns (bytes32)
    {
        return keccak256(abi.encode(policyId, provider, serviceDate / SERVICE_DAY, codesHash));
    }

    /// @notice The id of a pharmacy's claim for the dispense at `dispensedAt` of unit `serialHash` of
    /// `batchId`: keccak256(abi.encode(unitId, dispensedAt)), unitId = keccak256(abi.encode(batchId,
    /// serialHash)) as in {IDrugProvenance-unitIdOf}. A new dispense of the unit has a new id.
    function pharmacyClaimIdOf(bytes32 batchId, bytes32 serialHash, uint64 dispensedAt) public pure returns (bytes32) {
        return _dispenseId(Hashes.efficientKeccak256(batchId, serialHash), dispensedAt);
    }

    /// @notice When the dispute of `claimId` lapses (0: not disputed): from then on anyone may settle it at
    /// its pre-dispute outcome.
    function disputeLapsesAt(bytes32 claimId) external view returns (uint64) {
        Claim memory c = _claims[claimId];
        return c.status == Status.Disputed ? uint64(c.decidedAt) + appealWindow : 0;
    }

    /// @notice A claim's state.
    function claimOf(bytes32 claimId) external view returns (ClaimView memory v) {
        Claim memory c = _claims[claimId];
        return ClaimView(
            c.status == Status.None ? bytes32(0) : _policyIds[c.policyIndex],
            _providers[c.providerIndex],
            c.status,
            c.reasonCode,
            c.policyYear,
            c.decidedAt,
            c.disputed,
            c.payable_,
            uint96(_deductibleApplied[claimId]),
            c.pharmacy
        );
    }

    /// @notice The status of each claim in `claimIds` (None: not on chain), for bulk submitters that
    /// resume a run: one call answers for a whole batch.
    function claimStatuses(bytes32[] calldata claimIds) external view returns (Status[] memory statuses) {
        statuses = new Status[](claimIds.length);
        for (uint256 i; i < claimIds.length; ++i) {
            statuses[i] = _claims[claimIds[i]].status;
        }
    }

    /// @notice A policy's terms (zero insurer: unknown).
    function policyOf(bytes32 policyId)
        external
        view
        returns (
            address insurer,
            address patient,
            uint128 annualLimit,
            uint128 deductible,
            uint16 coinsuranceBps,
            uint64 validFrom,
            uint64 validUntil
        )
    {
        Policy memory p = _policies[policyId];
        return (p.insurer, p.patient, p.annualLimit, p.deductible, p.coinsuranceBps, p.validFrom, p.validUntil);
    }

    /// @notice Deductible met and amount paid (or reserved) in policy year `year` (0 = first year).
    function usageOf(bytes32 policyId, uint256 year) external view returns (uint256 deductibleMet, uint256 paid) {
        Usage memory u = _usage[policyId][year];
        return (u.deductibleMet, u.paid);
    }

    /// @notice An insurer's pool: unreserved and reserved funds.
    function poolOf(address insurer) external view returns (uint256 available, uint256 reserved) {
        Pool memory pool = _pools[insurer];
        return (pool.available, pool.reserved);
    }

    /// @notice The codes-key commitment of `insurer` (zero: none).
    function codesKeyCommitmentOf(address insurer) external view returns (bytes32) {
        return _codesKeyCommitments[insurer];
    }

    /// @notice What `provider` may withdraw now.
    function creditOf(address provider) external view returns (uint256) {
        return _credits[provider];
    }

    // ------------------------------------------------------------------------------------------
    // Internals

    /// @dev Checks and adjudicates one claim. Returns a non-zero reason code when refused (nothing stored).
    function _submit(ClaimInput calldata c, InsurerCheck memory cache)
        private
        returns (bytes32 claimId, uint16 reason)
    {
        claimId = claimIdOf(c.policyId, c.provider, c.serviceDate, c.codesHash);
        Policy storage policy = _policies[c.policyId];
        address insurer = policy.insurer;
        reason = _check(c, claimId, policy, insurer, cache);
        if (reason != 0) return (claimId, reason);
        _record(Submission(claimId, c.policyId, c.provider, c.amount, c.serviceDate, false), policy, insurer);
    }

    /// @dev Checks and adjudicates one pharmacy claim. Returns a non-zero reason code when refused.
    function _submitPharmacy(PharmacyClaimInput calldata c, InsurerCheck memory cache)
        private
        returns (bytes32 claimId, uint16 reason)
    {
        bytes32 unitId = Hashes.efficientKeccak256(c.batchId, c.serialHash);
        (address dispenser, uint64 dispensedAt,) = provenance.unitDispense(unitId);
        claimId = _dispenseId(unitId, dispensedAt);
        Policy storage policy = _policies[c.policyId];
        address insurer = policy.insurer;
        reason = _checkPharmacy(c, claimId, dispenser, dispensedAt, policy, insurer, cache);
        if (reason != 0) return (claimId, reason);
        _pharmacyUnits[claimId] = unitId;
        _record(Submission(claimId, c.policyId, c.pharmacy, c.amount, dispensedAt, true), policy, insurer);
        emit PharmacyClaimLinked(claimId, c.batchId, c.serialHash);
    }

    /// @dev The id of the dispense of `unitId` at `dispensedAt`.
    function _dispenseId(bytes32 unitId, uint64 dispensedAt) private pure returns (bytes32) {
        return Hashes.efficientKeccak256(unitId, bytes32(uint256(dispensedAt)));
    }

    /// @dev Whether `claim` may be settled now (see {settle}); a lapsed dispute of a denial becomes final
    /// here (Denied), a lapsed dispute of a partial payment goes back to Partial to be credited.
    function _due(bytes32 claimId, Claim storage claim) private returns (bool) {
        Status status = claim.status;
        if (status == Status.Resolved) return true;
        uint256 decidedAt = claim.decidedAt;
        if (status == Status.Approved) return block.timestamp >= decidedAt + reviewWindow;
        if (status == Status.Partial) {
            // appealWindow >= reviewWindow (checked at deployment).
            if (block.timestamp >= decidedAt + appealWindow) return true;
            return block.timestamp >= decidedAt + reviewWindow && msg.sender == _providers[claim.providerIndex];
        }
        if (status != Status.Disputed || block.timestamp < decidedAt + appealWindow) return false;
        // The dispute lapsed unresolved: the pre-dispute outcome stands (a denial reserves nothing). Its
        // `decidedAt` stays the dispute's opening, so both windows are over and the outcome is final.
        Status outcome = claim.payable_ == 0 ? Status.Denied : Status.Partial;
        claim.status = outcome;
        emit DisputeLapsed(claimId, outcome);
        return outcome == Status.Partial;
    }

    /// @dev Reverts unless `insurer` is an active INSURER.
    function _requireActiveInsurer(address insurer) private view {
        if (!registry.isActiveMember(insurer, MemberRoles.INSURER)) revert ClaimSettlementInsurerNotActive(insurer);
    }

    /// @dev Whether `insurer` is an active INSURER, asking the registry once per insurer in a row.
    function _insurerActive(address insurer, InsurerCheck memory cache) private view returns (bool) {
        if (cache.insurer != insurer) {
            cache.insurer = insurer;
            cache.active = registry.isActiveMember(insurer, MemberRoles.INSURER);
        }
        return cache.active;
    }

    /// @dev Adjudicates an accepted claim, updates the policy year and the pool, stores the claim.
    function _record(Submission memory c, Policy storage policy, address insurer) private {
        uint256 year = (c.serviceDate - policy.validFrom) / POLICY_YEAR;
        Usage storage usage = _usage[c.policyId][year];
        (uint256 deductibleApplied, uint256 payable_, uint16 adjustment) = _adjudicate(c.amount, policy, usage);
        // Both are bounded by `amount` < 2**96 (checked in _check): the casts are exact.
        usage.deductibleMet += uint128(deductibleApplied);
        usage.paid += uint128(payable_);

        if (deductibleApplied != 0) _deductibleApplied[c.claimId] = deductibleApplied;

        Status status = payable_ == 0 ? Status.Denied : _reserve(insurer, payable_, adjustment);
        _claims[c.claimId] = Claim(
            status,
            adjustment,
            uint16(year),
            uint40(block.timestamp),
            false,
            _indexOf(c.provider),
            policy.index,
            uint96(payable_),
            c.pharmacy
        );
        emit ClaimSubmitted(c.claimId, c.policyId, c.provider, insurer, uint128(c.amount), c.serviceDate);
        emit ClaimAdjudicated(c.claimId, status, c.amount - payable_, payable_, adjustment);
    }

    /// @dev Denies a claim whose reservation (if any) is already released: gives the policy year back
    /// the limit and deductible it used.
    function _cancel(bytes32 claimId, Claim storage claim, bytes32 policyId, uint16 reasonCode) private {
        Usage storage usage = _usage[policyId][claim.policyYear];
        usage.paid -= claim.payable_;
        uint256 deductibleApplied = _deductibleApplied[claimId];
        if (deductibleApplied != 0) {
            usage.deductibleMet -= uint128(deductibleApplied);
            delete _deductibleApplied[claimId];
        }
        claim.payable_ = 0;
        claim.status = Status.Denied;
        claim.reasonCode = reasonCode;
        claim.decidedAt = uint40(block.timestamp);
    }

    /// @dev The provider's index in `_providers`, given on its first accepted claim.
    function _indexOf(address provider) private returns (uint32 index) {
        index = _providerIndex[provider];
        if (index == 0) {
            index = uint32(_providers.length);
            _providers.push(provider);
            _providerIndex[provider] = index;
        }
    }

    /// @dev Reserves `payable_` from the insurer's pool if it can; the resulting status.
    function _reserve(address insurer, uint256 payable_, uint16 adjustment) private returns (Status) {
        Pool storage pool = _pools[insurer];
        if (pool.available < payable_) return Status.PendingFunds;
        pool.available -= uint128(payable_);
        pool.reserved += uint128(payable_);
        return adjustment == REASON_BENEFIT_MAXIMUM ? Status.Partial : Status.Approved;
    }

    /// @dev The submission checks, cheapest first; 0 when all pass.
    function _check(
        ClaimInput calldata c,
        bytes32 claimId,
        Policy storage policy,
        address insurer,
        InsurerCheck memory cache
    ) private view returns (uint16) {
        if (msg.sender != c.provider && (insurer == address(0) || msg.sender != insurer)) {
            return REASON_NOT_SUBMITTER;
        }
        if (_claims[claimId].status != Status.None) return REASON_DUPLICATE;
        if (c.amount == 0 || c.amount > type(uint96).max) return REASON_INVALID_AMOUNT;
        if (insurer == address(0)) return REASON_NOT_INSURED;
        if (!_insurerActive(insurer, cache)) return REASON_INSURER_INACTIVE;
        if (c.serviceDate < policy.validFrom) return REASON_BEFORE_COVERAGE;
        if (c.serviceDate >= policy.validUntil) return REASON_COVERAGE_TERMINATED;
        if (c.serviceDate > block.timestamp) return REASON_FUTURE_SERVICE;
        if (block.timestamp - c.serviceDate > timelyFilingLimit) return REASON_TIMELY_FILING;
        if (!registry.isActiveMember(c.provider, MemberRoles.PROVIDER)) return REASON_PROVIDER_INELIGIBLE;
        address patient = policy.patient;
        if (!consent.hasConsent(patient, insurer, CONSENT_PURPOSE, CONSENT_CATEGORY)) return REASON_CONSENT_ABSENT;
        if (!consent.hasConsent(patient, c.provider, CARE_PURPOSE, CARE_CATEGORY)) return REASON_NO_CARE_RELATIONSHIP;
        (uint64 anchoredAt, bool retracted) =
            recordAnchor.anchorOf(c.provider, c.evidenceHash, c.evidenceRoot, c.evidenceProof);
        if (anchoredAt == 0 || retracted) return REASON_EVIDENCE_MISSING;
        return 0;
    }

    /// @dev The pharmacy-claim checks, cheapest first; 0 when all pass. `dispenser` and `dispensedAt` are
    /// the unit's current dispense (zeros if none).
    function _checkPharmacy(
        PharmacyClaimInput calldata c,
        bytes32 claimId,
        address dispenser,
        uint64 dispensedAt,
        Policy storage policy,
        address insurer,
        InsurerCheck memory cache
    ) private view returns (uint16) {
        if (msg.sender != c.pharmacy) return REASON_NOT_SUBMITTER;
        if (dispenser != msg.sender) return REASON_UNIT_NOT_DISPENSED;
        if (_claims[claimId].status != Status.None) return REASON_DUPLICATE;
        if (c.amount == 0 || c.amount > type(uint96).max) return REASON_INVALID_AMOUNT;
        if (insurer == address(0)) return REASON_NOT_INSURED;
        if (!_insurerActive(insurer, cache)) return REASON_INSURER_INACTIVE;
        if (dispensedAt < policy.validFrom) return REASON_BEFORE_COVERAGE;
        if (dispensedAt >= policy.validUntil) return REASON_COVERAGE_TERMINATED;
        if (block.timestamp - dispensedAt > timelyFilingLimit) return REASON_TIMELY_FILING;
        if (!registry.isActiveMember(msg.sender, MemberRoles.PHARMACY)) return REASON_PROVIDER_INELIGIBLE;
        (,, uint8 batchStatus,,) = provenance.batchOf(c.batchId);
        if (batchStatus == _BATCH_RECALLED) return REASON_BATCH_RECALLED;
        if (batchStatus == _BATCH_QUARANTINED) return REASON_BATCH_QUARANTINED;
        address patient = policy.patient;
        if (!consent.hasConsent(patient, insurer, CONSENT_PURPOSE, CONSENT_CATEGORY)) return REASON_CONSENT_ABSENT;
        if (!consent.hasConsent(patient, msg.sender, CARE_PURPOSE, PHARMACY_CARE_CATEGORY)) {
            return REASON_NO_CARE_RELATIONSHIP;
        }
        return 0;
    }

    /// @dev Deductible first, then coinsurance on the rest; payable = min(benefit, limit left this year).
    function _adjudicate(uint256 amount, Policy storage policy, Usage storage usage)
        private
        view
        returns (uint256 deductibleApplied, uint256 payable_, uint16 reason)
    {
        uint256 deductibleLeft = policy.deductible > usage.deductibleMet ? policy.deductible - usage.deductibleMet : 0;
        deductibleApplied = amount < deductibleLeft ? amount : deductibleLeft;
        uint256 rest = amount - deductibleApplied;
        uint256 coinsurance = rest * policy.coinsuranceBps / 10_000;
        uint256 benefit = rest - coinsurance;
        uint256 limitLeft = policy.annualLimit > usage.paid ? policy.annualLimit - usage.paid : 0;
        payable_ = benefit < limitLeft ? benefit : limitLeft;
        if (payable_ < benefit) reason = REASON_BENEFIT_MAXIMUM;
        else if (deductibleApplied != 0) reason = REASON_DEDUCTIBLE;
        else if (coinsurance != 0) reason = REASON_COINSURANCE;
    }
}
