// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {ConsortiumGated} from "../access/ConsortiumGated.sol";
import {MemberRoles} from "../access/MemberRoles.sol";
import {IConsentRegistry} from "../interfaces/IConsentRegistry.sol";
import {IConsortiumRegistry} from "../interfaces/IConsortiumRegistry.sol";

/// @title ConsentRegistry
/// @notice Patients (or their delegates) grant, limit, expire and revoke consortium members' access
/// to their data by purpose and data category; consents can be signed off chain (EIP-712) and relayed
/// by anyone; providers can take loudly audited emergency access.
///
/// Invariants (checked by tests, including a stateful property test against a Python model):
/// - `hasConsent(p, g, P, C)` is true exactly when P and C are non-empty known bitmasks and either the
///   consent on record for (p, g) covers P and C and has not reached `validUntil`, or P ⊆ {TREAT, ETREAT}
///   and g's emergency access to p has not reached its end;
/// - a signed message is relayed at most once (its nonce is spent), never after its deadline;
/// - only the patient or its active delegate (or the patient's signature) ever writes or ends a consent of
///   the patient, and a delegate's consent never outlives its appointment;
/// - a revocation is final against every grant signed before it, relayed before or after it;
/// - once the patient (or a delegate) has ended a provider's emergency access, that provider cannot
///   break the glass for that patient again until the patient allows it;
/// - every change of state emits an event naming the patient.
///
/// Privacy: patients are addresses; nothing else about them is stored or logged.
contract ConsentRegistry is IConsentRegistry, ConsortiumGated, EIP712 {
    // HL7 PurposeOfUse, bit by bit.
    uint256 public constant PURPOSE_TREAT = 1 << 0;
    uint256 public constant PURPOSE_HPAYMT = 1 << 1;
    uint256 public constant PURPOSE_HOPERAT = 1 << 2;
    uint256 public constant PURPOSE_HRESCH = 1 << 3;
    uint256 public constant PURPOSE_PUBHLTH = 1 << 4;
    uint256 public constant PURPOSE_ETREAT = 1 << 5;
    uint256 public constant ALL_PURPOSES = (1 << 6) - 1;

    // Data categories, bit by bit.
    uint256 public constant CATEGORY_DEMOGRAPHICS = 1 << 0;
    uint256 public constant CATEGORY_ENCOUNTERS = 1 << 1;
    uint256 public constant CATEGORY_CONDITIONS = 1 << 2;
    uint256 public constant CATEGORY_MEDICATIONS = 1 << 3;
    uint256 public constant CATEGORY_LABORATORY = 1 << 4;
    uint256 public constant CATEGORY_IMAGING = 1 << 5;
    uint256 public constant CATEGORY_IMMUNIZATIONS = 1 << 6;
    uint256 public constant CATEGORY_PROCEDURES = 1 << 7;
    uint256 public constant CATEGORY_CLINICAL_NOTES = 1 << 8;
    uint256 public constant CATEGORY_GENOMICS = 1 << 9;
    uint256 public constant CATEGORY_MENTAL_HEALTH = 1 << 10;
    uint256 public constant CATEGORY_SUBSTANCE_USE = 1 << 11;
    uint256 public constant CATEGORY_SEXUAL_REPRODUCTIVE = 1 << 12;
    uint256 public constant CATEGORY_BILLING_CLAIMS = 1 << 13;
    uint256 public constant ALL_CATEGORIES = (1 << 14) - 1;

    /// @notice What emergency access allows: treatment and emergency treatment, every category.
    uint256 public constant EMERGENCY_PURPOSES = PURPOSE_TREAT | PURPOSE_ETREAT;

    /// @notice The longest emergency window a deployment may choose.
    uint64 public constant MAX_EMERGENCY_WINDOW = 7 days;

    bytes32 public constant CONSENT_TYPEHASH = keccak256(
        "Consent(address patient,address grantee,uint256 purposes,uint256 categories,uint64 validUntil,uint64 signedAt,uint256 nonce,uint256 deadline)"
    );
    bytes32 public constant REVOCATION_TYPEHASH =
        keccak256("Revocation(address patient,address grantee,uint64 signedAt,uint256 nonce,uint256 deadline)");

    /// @notice Seconds an emergency access lasts, fixed at deployment.
    uint64 public immutable EMERGENCY_WINDOW;

    /// @dev The consent and emergency access of one (patient, grantee), in one storage slot:
    /// `purposes` bits 0..7, `categories` 8..23, `validUntil` 24..87, `grantedAt` 88..127,
    /// `emergencyUntil` 128..167, `authorisedAt` 168..207, `emergencyBarred` 208..215.
    /// `purposes` == 0 means no consent on record; `authorisedAt` is when the latest grant or revocation
    /// was authorised (block time, or the signing time of a relayed message). Times in 40 bits last
    /// until the year 36812.
    struct Record {
        uint8 purposes;
        uint16 categories;
        uint64 validUntil;
        uint40 grantedAt;
        uint40 emergencyUntil;
        uint40 authorisedAt;
        bool emergencyBarred;
    }

    mapping(address patient => mapping(address grantee => Record)) private _records;
    mapping(address patient => mapping(address delegate => uint64 validUntil)) private _delegates;
    /// @dev Unordered nonces as bitmaps (as Uniswap Permit2): nonce n is bit n % 256 of word n / 256,
    /// so a patient's later signatures spend a bit in a word already written (5,000 gas, not 22,100).
    mapping(address patient => mapping(uint256 word => uint256 bits)) private _nonces;

    /// @param registry_ The consortium registry: grantees must be active members, break-glass needs a provider.
    /// @param emergencyWindow Seconds an emergency access lasts (1 to {MAX_EMERGENCY_WINDOW}), e.g. 24 hours.
    constructor(IConsortiumRegistry registry_, uint64 emergencyWindow)
        ConsortiumGated(registry_)
        EIP712("medchain ConsentRegistry", "1")
    {
        if (emergencyWindow == 0 || emergencyWindow > MAX_EMERGENCY_WINDOW) {
            revert ConsentRegistryInvalidEmergencyWindow(emergencyWindow);
        }
        EMERGENCY_WINDOW = emergencyWindow;
    }

    // ------------------------------------------------------------------------------------------
    // Consent

    /// @inheritdoc IConsentRegistry
    function grant(address patient, address grantee, uint256 purposes, uint256 categories, uint64 validUntil) external {
        if (msg.sender != patient) {
            uint64 delegateEnd = _delegates[patient][msg.sender];
            if (block.timestamp >= delegateEnd) revert ConsentRegistryNotPatientOrDelegate(msg.sender, patient);
            if (validUntil > delegateEnd) revert ConsentRegistryGrantOutlivesDelegation(validUntil, delegateEnd);
        }
        _grant(patient, grantee, purposes, categories, validUntil, 0);
    }

    /// @inheritdoc IConsentRegistry
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
    ) external {
        bytes32 structHash = keccak256(
            abi.encode(CONSENT_TYPEHASH, patient, grantee, purposes, categories, validUntil, signedAt, nonce, deadline)
        );
        _verifySigned(patient, structHash, signedAt, nonce, deadline, signature);
        _grant(patient, grantee, purposes, categories, validUntil, signedAt);
    }

    /// @inheritdoc IConsentRegistry
    function revoke(address patient, address grantee) external {
        _requirePatientOrDelegate(patient);
        _revoke(patient, grantee, uint40(block.timestamp), msg.sender);
    }

    /// @inheritdoc IConsentRegistry
    function revokeBySig(
        address patient,
        address grantee,
        uint64 signedAt,
        uint256 nonce,
        uint256 deadline,
        bytes calldata signature
    ) external {
        bytes32 structHash = keccak256(abi.encode(REVOCATION_TYPEHASH, patient, grantee, signedAt, nonce, deadline));
        _verifySigned(patient, structHash, signedAt, nonce, deadline, signature);
        uint40 authorisedAt = _records[patient][grantee].authorisedAt;
        if (signedAt < authorisedAt) {
            revert ConsentRegistrySignatureSuperseded(patient, grantee, signedAt, authorisedAt);
        }
        // signedAt <= block.timestamp (checked in _verifySigned), so it fits in 40 bits.
        _revoke(patient, grantee, uint40(signedAt), patient);
    }

    /// @inheritdoc IConsentRegistry
    function cancelNonce(uint256 nonce) external {
        _useNonce(msg.sender, nonce);
        emit NonceCancelled(msg.sender, nonce);
    }

    // ------------------------------------------------------------------------------------------
    // Delegates

    /// @inheritdoc IConsentRegistry
    function setDelegate(address delegate, uint64 validUntil) external {
        if (delegate == address(0)) revert ConsentRegistryZeroAddress();
        if (delegate == msg.sender) revert ConsentRegistrySelfDelegation(msg.sender);
        if (validUntil <= block.timestamp) revert ConsentRegistryValidUntilInPast(validUntil, block.timestamp);
        _delegates[msg.sender][delegate] = validUntil;
        emit DelegateSet(msg.sender, delegate, validUntil);
    }

    /// @inheritdoc IConsentRegistry
    function removeDelegate(address delegate) external {
        if (_delegates[msg.sender][delegate] == 0) revert ConsentRegistryNotDelegate(msg.sender, delegate);
        delete _delegates[msg.sender][delegate];
        emit DelegateRemoved(msg.sender, delegate);
    }

    // ------------------------------------------------------------------------------------------
    // Emergency access

    /// @inheritdoc IConsentRegistry
    function breakGlass(address patient, bytes32 reasonCode) external onlyActiveMember(MemberRoles.PROVIDER) {
        if (patient == address(0)) revert ConsentRegistryZeroAddress();
        if (reasonCode == bytes32(0)) revert ConsentRegistryMissingReason();
        Record storage record = _records[patient][msg.sender];
        uint40 current = record.emergencyUntil;
        if (block.timestamp < current) revert ConsentRegistryEmergencyActive(patient, msg.sender, current);
        if (record.emergencyBarred) revert ConsentRegistryEmergencyBarred(patient, msg.sender);

        // EMERGENCY_WINDOW <= 7 days: the end fits in 40 bits for millennia.
        uint40 expiresAt = uint40(block.timestamp + EMERGENCY_WINDOW);
        record.emergencyUntil = expiresAt;
        emit EmergencyAccessed(patient, msg.sender, reasonCode, expiresAt);
    }

    /// @inheritdoc IConsentRegistry
    function allowEmergencyAccess(address patient, address provider) external {
        _requirePatientOrDelegate(patient);
        Record storage record = _records[patient][provider];
        if (!record.emergencyBarred) revert ConsentRegistryEmergencyNotBarred(patient, provider);
        record.emergencyBarred = false;
        emit EmergencyAccessAllowed(patient, provider, msg.sender);
    }

    // ------------------------------------------------------------------------------------------
    // Views

    /// @inheritdoc IConsentRegistry
    function hasConsent(address patient, address grantee, uint256 purposes, uint256 categories)
        external
        view
        returns (bool)
    {
        if (purposes == 0 || categories == 0 || categories & ~ALL_CATEGORIES != 0) return false;
        // Only the four fields read (one slot), not the whole record copied to memory.
        Record storage record = _records[patient][grantee];
        (uint8 granted, uint16 grantedCategories, uint64 validUntil, uint40 emergencyUntil) =
            (record.purposes, record.categories, record.validUntil, record.emergencyUntil);
        if (
            block.timestamp < validUntil && purposes & ~uint256(granted) == 0
                && categories & ~uint256(grantedCategories) == 0
        ) return true;
        return block.timestamp < emergencyUntil && purposes & ~EMERGENCY_PURPOSES == 0;
    }

    /// @inheritdoc IConsentRegistry
    function consentOf(address patient, address grantee)
        external
        view
        returns (uint256 purposes, uint256 categories, uint64 validUntil, uint64 grantedAt)
    {
        Record memory record = _records[patient][grantee];
        return (record.purposes, record.categories, record.validUntil, record.grantedAt);
    }

    /// @inheritdoc IConsentRegistry
    function emergencyAccessOf(address patient, address provider) external view returns (uint64) {
        return _records[patient][provider].emergencyUntil;
    }

    /// @inheritdoc IConsentRegistry
    function delegateUntil(address patient, address delegate) external view returns (uint64) {
        return _delegates[patient][delegate];
    }

    /// @inheritdoc IConsentRegistry
    function isActiveDelegate(address patient, address delegate) public view returns (bool) {
        return block.timestamp < _delegates[patient][delegate];
    }

    /// @inheritdoc IConsentRegistry
    function nonceUsed(address patient, uint256 nonce) external view returns (bool) {
        return _nonces[patient][nonce >> 8] & (1 << (nonce & 0xff)) != 0;
    }

    /// @inheritdoc IConsentRegistry
    function lastAuthorisedAt(address patient, address grantee) external view returns (uint64) {
        return _records[patient][grantee].authorisedAt;
    }

    /// @inheritdoc IConsentRegistry
    function emergencyBarred(address patient, address provider) external view returns (bool) {
        return _records[patient][provider].emergencyBarred;
    }

    /// @notice The EIP-712 domain separator signatures are made over.
    // solhint-disable-next-line func-name-mixedcase
    function DOMAIN_SEPARATOR() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    // ------------------------------------------------------------------------------------------
    // Internals

    /// @dev Writes the consent. `signedAt` is 0 for a grant sent by the patient or a delegate (authorised
    /// now, by the caller), else the signing time of the patient's relayed signature, which must be after
    /// the latest decision on record (at the same second, the revocation or the grant already relayed wins).
    function _grant(
        address patient,
        address grantee,
        uint256 purposes,
        uint256 categories,
        uint64 validUntil,
        uint64 signedAt
    ) private {
        if (patient == address(0) || grantee == address(0)) revert ConsentRegistryZeroAddress();
        if (purposes == 0 || purposes & ~ALL_PURPOSES != 0) revert ConsentRegistryInvalidPurposes(purposes);
        if (categories == 0 || categories & ~ALL_CATEGORIES != 0) revert ConsentRegistryInvalidCategories(categories);
        if (validUntil <= block.timestamp) revert ConsentRegistryValidUntilInPast(validUntil, block.timestamp);
        if (!registry.isActive(grantee)) revert ConsentRegistryGranteeNotMember(grantee);

        Record storage record = _records[patient][grantee];
        address by = msg.sender;
        if (signedAt != 0) {
            uint40 last = record.authorisedAt;
            if (signedAt <= last) revert ConsentRegistrySignatureSuperseded(patient, grantee, signedAt, last);
            by = patient;
        }
        // Both masks were checked against ALL_PURPOSES (6 bits) and ALL_CATEGORIES (14 bits): the casts are
        // exact; block times (and signedAt, never after the block time) fit in 40 bits. Emergency fields are kept.
        record.purposes = uint8(purposes);
        record.categories = uint16(categories);
        record.validUntil = validUntil;
        record.grantedAt = uint40(block.timestamp);
        record.authorisedAt = signedAt == 0 ? uint40(block.timestamp) : uint40(signedAt);
        emit ConsentGranted(patient, grantee, purposes, categories, validUntil, by);
    }

    /// @dev Ends the consent of (patient, grantee) and the emergency access taken at or before `cutoff`,
    /// and records `cutoff` so that no grant signed at or before it can be relayed later.
    function _revoke(address patient, address grantee, uint40 cutoff, address by) private {
        Record memory record = _records[patient][grantee];
        // The emergency access began EMERGENCY_WINDOW before its end: a revocation signed before the glass
        // was broken does not end it.
        bool endsEmergency = record.emergencyUntil != 0 && record.emergencyUntil - EMERGENCY_WINDOW <= cutoff;
        if (endsEmergency) {
            record.emergencyUntil = 0;
            record.emergencyBarred = true;
        }
        record.purposes = 0;
        record.categories = 0;
        record.validUntil = 0;
        record.grantedAt = 0;
        record.authorisedAt = cutoff;
        _records[patient][grantee] = record;
        emit ConsentRevoked(patient, grantee, by);
        if (endsEmergency) emit EmergencyAccessBarred(patient, grantee, by);
    }

    function _requirePatientOrDelegate(address patient) private view {
        if (msg.sender != patient && !isActiveDelegate(patient, msg.sender)) {
            revert ConsentRegistryNotPatientOrDelegate(msg.sender, patient);
        }
    }

    /// @dev Checks deadline, signing time, nonce and signature of a message `patient` signed, and spends the nonce.
    function _verifySigned(
        address patient,
        bytes32 structHash,
        uint64 signedAt,
        uint256 nonce,
        uint256 deadline,
        bytes calldata signature
    ) private {
        if (block.timestamp > deadline) revert ConsentRegistryExpiredSignature(deadline);
        if (signedAt > block.timestamp) revert ConsentRegistrySignedInFuture(signedAt, block.timestamp);
        _useNonce(patient, nonce);
        if (!SignatureChecker.isValidSignatureNow(patient, _hashTypedDataV4(structHash), signature)) {
            revert ConsentRegistryInvalidSignature(patient);
        }
    }

    function _useNonce(address patient, uint256 nonce) private {
        uint256 bit = 1 << (nonce & 0xff);
        uint256 bits = _nonces[patient][nonce >> 8];
        if (bits & bit != 0) revert ConsentRegistryNonceUsed(patient, nonce);
        _nonces[patient][nonce >> 8] = bits | bit;
    }
}
