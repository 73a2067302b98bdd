// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IConsentRegistry
/// @notice Patient-controlled consent: who (a consortium member) may use a patient's data, for which
/// purposes (HL7 PurposeOfUse) and data categories, until when. Patients appear only as addresses.
///
/// Time rule, everywhere: a consent, delegation or emergency access with end time `t` holds while
/// `block.timestamp < t`; at second `t` it no longer does.
///
/// Order rule: every grant and revocation of (patient, grantee) carries the moment it was authorised
/// (the block time when sent by the patient or a delegate, the signed `signedAt` when relayed). The
/// latest one on record wins: a signed grant must be signed strictly after it, a signed revocation at
/// or after it; so a revocation is final against every signature made before it, relayed or not.
interface IConsentRegistry {
    /// @notice Thrown when an address argument is zero.
    error ConsentRegistryZeroAddress();

    /// @notice Thrown when `caller` is neither `patient` nor an active delegate of `patient`.
    error ConsentRegistryNotPatientOrDelegate(address caller, address patient);

    /// @notice Thrown when a consent's grantee is not an active consortium member.
    error ConsentRegistryGranteeNotMember(address grantee);

    /// @notice Thrown when `purposes` is zero or has bits outside the six PurposeOfUse bits.
    error ConsentRegistryInvalidPurposes(uint256 purposes);

    /// @notice Thrown when `categories` is zero or has bits outside the fourteen category bits.
    error ConsentRegistryInvalidCategories(uint256 categories);

    /// @notice Thrown when an end time `validUntil` is not after the current block time `nowTime`.
    error ConsentRegistryValidUntilInPast(uint64 validUntil, uint256 nowTime);

    /// @notice Thrown when a delegate grants a consent ending at `validUntil`, after its own appointment
    /// ends at `delegateUntil`.
    error ConsentRegistryGrantOutlivesDelegation(uint64 validUntil, uint64 delegateUntil);

    /// @notice Thrown when a signed grant or revocation of (`patient`, `grantee`) was signed at `signedAt`,
    /// before the latest authorisation on record (`authorisedAt`; a grant must also be signed after it):
    /// a later decision of the patient, or a revocation, has superseded it.
    error ConsentRegistrySignatureSuperseded(address patient, address grantee, uint64 signedAt, uint64 authorisedAt);

    /// @notice Thrown when a signed message claims a signing time `signedAt` after the current block time `nowTime`.
    error ConsentRegistrySignedInFuture(uint64 signedAt, uint256 nowTime);

    /// @notice Thrown when a signed message is relayed after its `deadline`.
    error ConsentRegistryExpiredSignature(uint256 deadline);

    /// @notice Thrown when `patient` has already used or cancelled `nonce`.
    error ConsentRegistryNonceUsed(address patient, uint256 nonce);

    /// @notice Thrown when a signature is not `patient`'s over the message given (wrong signer, wrong
    /// fields, wrong chain or contract, or a malleable high-s signature).
    error ConsentRegistryInvalidSignature(address patient);

    /// @notice Thrown when a patient names itself as its own delegate.
    error ConsentRegistrySelfDelegation(address patient);

    /// @notice Thrown when removing `delegate`, who is not a delegate of `patient`.
    error ConsentRegistryNotDelegate(address patient, address delegate);

    /// @notice Thrown when a break-glass access carries no reason code.
    error ConsentRegistryMissingReason();

    /// @notice Thrown when `provider` already has emergency access to `patient` until `expiresAt`.
    error ConsentRegistryEmergencyActive(address patient, address provider, uint64 expiresAt);

    /// @notice Thrown when `provider` breaks the glass for `patient` after the patient ended its
    /// emergency access, and the patient has not allowed it again.
    error ConsentRegistryEmergencyBarred(address patient, address provider);

    /// @notice Thrown when allowing emergency access that `patient` never barred to `provider`.
    error ConsentRegistryEmergencyNotBarred(address patient, address provider);

    /// @notice Thrown at deployment when the emergency window is zero or longer than the maximum.
    error ConsentRegistryInvalidEmergencyWindow(uint64 window);

    /// @notice Emitted when `patient`'s consent to `grantee` is written (replacing any earlier one).
    /// @param patient The patient whose data it concerns.
    /// @param grantee The consortium member allowed to use it.
    /// @param purposes PurposeOfUse bitmask.
    /// @param categories Data-category bitmask.
    /// @param validUntil First second at which the consent no longer holds.
    /// @param by The patient or delegate who wrote it (the patient, for a relayed signature).
    event ConsentGranted(
        address indexed patient,
        address indexed grantee,
        uint256 purposes,
        uint256 categories,
        uint64 validUntil,
        address by
    );

    /// @notice Emitted when `patient` revokes `grantee`: the consent on record (and any emergency access
    /// taken before the revocation) ends, and no grant signed before it can be relayed any more.
    /// Emitted also when nothing was on record (a revocation made ahead of unrelayed signatures).
    /// @param patient The patient.
    /// @param grantee The member whose access ended.
    /// @param by The patient or delegate who revoked it (the patient, for a relayed signature).
    event ConsentRevoked(address indexed patient, address indexed grantee, address by);

    /// @notice Emitted when a revocation ends `provider`'s emergency access to `patient`: the provider may
    /// not break the glass for this patient again until the patient (or a delegate) allows it.
    /// @param patient The patient.
    /// @param provider The provider barred.
    /// @param by The patient or delegate who ended the access (the patient, for a relayed signature).
    event EmergencyAccessBarred(address indexed patient, address indexed provider, address by);

    /// @notice Emitted when `patient` (or a delegate, `by`) lets `provider` break the glass again.
    event EmergencyAccessAllowed(address indexed patient, address indexed provider, address by);

    /// @notice Emitted when `patient` appoints or re-appoints `delegate` until `validUntil`.
    event DelegateSet(address indexed patient, address indexed delegate, uint64 validUntil);

    /// @notice Emitted when `patient` removes `delegate`.
    event DelegateRemoved(address indexed patient, address indexed delegate);

    /// @notice Emitted when `patient` cancels `nonce` so that no message signed with it can be relayed.
    event NonceCancelled(address indexed patient, uint256 nonce);

    /// @notice Emitted when `provider` takes emergency (break-glass) access to `patient`'s data.
    /// @param patient The patient.
    /// @param provider The provider that broke the glass.
    /// @param reasonCode Why, as a short code (e.g. `bytes32("UNCONSCIOUS_ED")`).
    /// @param expiresAt First second at which the emergency access no longer holds.
    event EmergencyAccessed(address indexed patient, address indexed provider, bytes32 reasonCode, uint64 expiresAt);

    /// @notice Writes `patient`'s consent for `grantee`, replacing any earlier consent to that grantee.
    /// @dev Requirements:
    /// - the caller is `patient` or an active delegate of `patient`;
    /// - `grantee` is an active consortium member (any role);
    /// - `purposes` and `categories` are non-zero and use only known bits;
    /// - `validUntil` is after the current block time;
    /// - a delegate's consent ends no later than its own appointment (`validUntil <= delegateUntil`).
    /// Emergency access already held by `grantee` is kept. The consent is authorised now: it supersedes
    /// every unrelayed signed message of the patient for `grantee`. Emits a {ConsentGranted} event.
    function grant(address patient, address grantee, uint256 purposes, uint256 categories, uint64 validUntil) external;

    /// @notice {grant}, authorised by `patient`'s EIP-712 signature and relayed by anyone.
    /// @dev Signed type: `Consent(address patient,address grantee,uint256 purposes,uint256 categories,
    /// uint64 validUntil,uint64 signedAt,uint256 nonce,uint256 deadline)`, domain `medchain ConsentRegistry` / `1`.
    /// Requirements, besides those of {grant}: `block.timestamp <= deadline`; `signedAt <= block.timestamp`;
    /// `signedAt` is after the latest grant or revocation of (`patient`, `grantee`) on record
    /// ({lastAuthorisedAt}); `nonce` unused by `patient`; the signature is `patient`'s (ECDSA for an EOA,
    /// ERC-1271 for a contract wallet). Emits a {ConsentGranted} event with `by` = `patient`.
    function grantBySig(
        address patient,
        address grantee,
        uint256 purposes,
        uint256 categories,
        uint64 validUntil,
        uint64 signedAt,
        uint256 nonce,
        uint256 deadline,
        bytes calldata signature
    ) external;

    /// @notice Ends `patient`'s consent to `grantee` and any emergency access `grantee` holds, and refuses
    /// from now on every grant `patient` signed before (relayed or not). Works with nothing on record too.
    /// @dev Requirements: the caller is `patient` or an active delegate.
    /// Ending an emergency access bars `grantee` from breaking the glass for `patient` again until
    /// {allowEmergencyAccess}. Emits a {ConsentRevoked} event, and an {EmergencyAccessBarred} event
    /// when it ends an emergency access.
    function revoke(address patient, address grantee) external;

    /// @notice {revoke}, authorised by `patient`'s EIP-712 signature and relayed by anyone, as of `signedAt`.
    /// @dev Signed type: `Revocation(address patient,address grantee,uint64 signedAt,uint256 nonce,uint256 deadline)`.
    /// Requirements: `block.timestamp <= deadline`; `signedAt <= block.timestamp`; `signedAt` is not before
    /// the latest grant or revocation on record ({lastAuthorisedAt}: a later decision of the patient stands);
    /// `nonce` unused; the signature is `patient`'s. It ends the consent and any emergency access taken at
    /// or before `signedAt`, and every grant signed at or before `signedAt`, even if relayed later.
    /// Emits a {ConsentRevoked} event with `by` = `patient` (and {EmergencyAccessBarred} as {revoke}).
    function revokeBySig(
        address patient,
        address grantee,
        uint64 signedAt,
        uint256 nonce,
        uint256 deadline,
        bytes calldata signature
    ) external;

    /// @notice Marks the caller's `nonce` used, so a signed message carrying it can never be relayed.
    /// @dev Requirements: `nonce` is not used yet. Emits a {NonceCancelled} event.
    /// A grantee holding the signed message can relay it before this transaction is mined: to take a
    /// consent back for certain, use {revoke}, which also ends grants relayed ahead of it.
    function cancelNonce(uint256 nonce) external;

    /// @notice Appoints (or re-appoints with a new expiry) `delegate`, who may grant and revoke for the caller.
    /// @dev Requirements: `delegate` is not zero nor the caller; `validUntil` is in the future.
    /// Delegates act for their patient only: appointing is always done by the patient itself.
    /// Emits a {DelegateSet} event.
    function setDelegate(address delegate, uint64 validUntil) external;

    /// @notice Removes the caller's `delegate`.
    /// @dev Requirements: `delegate` is a delegate of the caller (even if expired). Emits a {DelegateRemoved} event.
    function removeDelegate(address delegate) external;

    /// @notice Emergency access: the caller, an active provider, may use every category of `patient`'s
    /// data for TREAT and ETREAT during the emergency window fixed at deployment.
    /// @dev Requirements: the caller is an active PROVIDER member; `patient` is not zero; `reasonCode`
    /// is not zero; the caller holds no unexpired emergency access to `patient`; the patient has not
    /// barred the caller (by ending an earlier emergency access, see {revoke}).
    /// The patient (or a delegate) ends it early with {revoke}. Emits an {EmergencyAccessed} event.
    function breakGlass(address patient, bytes32 reasonCode) external;

    /// @notice Lets `provider`, barred by the end of an earlier emergency access, break the glass for
    /// `patient` again.
    /// @dev Requirements: the caller is `patient` or an active delegate; `provider` is barred.
    /// Emits an {EmergencyAccessAllowed} event.
    function allowEmergencyAccess(address patient, address provider) external;

    /// @notice True if an unexpired, unrevoked consent or emergency access of `grantee` covers every
    /// bit of `purposes` and `categories` now. False for empty or unknown bits.
    /// @dev Does not re-check `grantee`'s membership: callers gate on the registry themselves.
    function hasConsent(address patient, address grantee, uint256 purposes, uint256 categories)
        external
        view
        returns (bool);

    /// @notice The consent on record for (`patient`, `grantee`), expired or not (all zero if none).
    function consentOf(address patient, address grantee)
        external
        view
        returns (uint256 purposes, uint256 categories, uint64 validUntil, uint64 grantedAt);

    /// @notice End of `provider`'s emergency access to `patient` (0 if none on record).
    function emergencyAccessOf(address patient, address provider) external view returns (uint64 expiresAt);

    /// @notice End of `delegate`'s appointment by `patient` (0 if none).
    function delegateUntil(address patient, address delegate) external view returns (uint64 validUntil);

    /// @notice Whether `delegate` may act for `patient` now.
    function isActiveDelegate(address patient, address delegate) external view returns (bool);

    /// @notice Whether `patient` has used or cancelled `nonce`.
    function nonceUsed(address patient, uint256 nonce) external view returns (bool);

    /// @notice When the latest grant or revocation of (`patient`, `grantee`) was authorised (0 if none):
    /// a signed grant must be signed after it, a signed revocation at or after it.
    function lastAuthorisedAt(address patient, address grantee) external view returns (uint64);

    /// @notice Whether `patient` has barred `provider` from breaking the glass (by ending its emergency access).
    function emergencyBarred(address patient, address provider) external view returns (bool);
}
