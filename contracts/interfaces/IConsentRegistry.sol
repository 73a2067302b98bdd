// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IConsentRegistry
/// @notice Patient-controlled consent: who (a consortium member) may use a patient's data, for which
/// purposes (HL7 PurposeOfUse) and data categories, until when. Patients appear only as addresses.
///
/// Time rule, everywhere: a consent, delegation or emergency access with end time `t` holds while
/// `block.timestamp < t`; at second `t` it no longer does.
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

    /// @notice Thrown when revoking a consent that was never granted or is already revoked.
    error ConsentRegistryNoConsent(address patient, address grantee);

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

    /// @notice Emitted when `patient`'s consent to `grantee` (and any emergency access of it) ends.
    /// @param patient The patient.
    /// @param grantee The member whose access ended.
    /// @param by The patient or delegate who revoked it.
    event ConsentRevoked(address indexed patient, address indexed grantee, address by);

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
    /// - `validUntil` is after the current block time.
    /// Emergency access already held by `grantee` is kept. Emits a {ConsentGranted} event.
    function grant(address patient, address grantee, uint256 purposes, uint256 categories, uint64 validUntil)
        external;

    /// @notice {grant}, authorised by `patient`'s EIP-712 signature and relayed by anyone.
    /// @dev Signed type: `Consent(address patient,address grantee,uint256 purposes,uint256 categories,
    /// uint64 validUntil,uint256 nonce,uint256 deadline)`, domain `medchain ConsentRegistry` / `1`.
    /// Requirements, besides those of {grant}: `block.timestamp <= deadline`; `nonce` unused by
    /// `patient`; the signature is `patient`'s (ECDSA for an EOA, ERC-1271 for a contract wallet).
    /// Emits a {ConsentGranted} event with `by` = `patient`.
    function grantBySig(
        address patient,
        address grantee,
        uint256 purposes,
        uint256 categories,
        uint64 validUntil,
        uint256 nonce,
        uint256 deadline,
        bytes calldata signature
    ) external;

    /// @notice Ends `patient`'s consent to `grantee`, and any emergency access `grantee` holds.
    /// @dev Requirements: the caller is `patient` or an active delegate; a consent or emergency access
    /// to `grantee` is on record. Emits a {ConsentRevoked} event.
    function revoke(address patient, address grantee) external;

    /// @notice {revoke}, authorised by `patient`'s EIP-712 signature and relayed by anyone.
    /// @dev Signed type: `Revocation(address patient,address grantee,uint256 nonce,uint256 deadline)`.
    /// Emits a {ConsentRevoked} event with `by` = `patient`.
    function revokeBySig(address patient, address grantee, uint256 nonce, uint256 deadline, bytes calldata signature)
        external;

    /// @notice Marks the caller's `nonce` used, so a signed message carrying it can never be relayed.
    /// @dev Requirements: `nonce` is not used yet. Emits a {NonceCancelled} event.
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
    /// is not zero; the caller holds no unexpired emergency access to `patient`.
    /// The patient (or a delegate) ends it early with {revoke}. Emits an {EmergencyAccessed} event.
    function breakGlass(address patient, bytes32 reasonCode) external;

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
}
