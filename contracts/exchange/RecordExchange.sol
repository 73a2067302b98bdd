// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {ConsortiumGated} from "../access/ConsortiumGated.sol";
import {MemberRoles} from "../access/MemberRoles.sol";
import {IConsentRegistry} from "../interfaces/IConsentRegistry.sol";
import {IConsortiumRegistry} from "../interfaces/IConsortiumRegistry.sol";
import {IRecordAnchor} from "../interfaces/IRecordAnchor.sol";
import {IRecordExchange} from "../interfaces/IRecordExchange.sol";

/// @title RecordExchange
/// @notice Encryption keys of members and patients, and the consent-gated log of record disclosures
/// (the patient's accounting of disclosures). The records themselves travel off chain, encrypted.
///
/// Invariants (checked by tests, including a forge invariant suite against a model):
/// - a {RecordDisclosed} event is emitted exactly for each record of a call that succeeds, and a call
///   succeeds only if, at that moment, the discloser is an active provider that anchored the record
///   itself (alone, through `amend`, or in one of its batches: its own RecordAnchor namespace, which no
///   other provider can write), the discloser did not retract it, the recipient is an
///   active member with an encryption key, and the patient's consent covers the recipient, the purpose
///   and the record's categories;
/// - disclosures change no storage: the log is events only;
/// - `encryptionKeyOf(a)` is the last valid key `a` set, and its version counts `a`'s key changes;
///   an invalid key is never stored.
///
/// Why a log and no storage: nothing on chain needs to look a disclosure up. The patient's accounting,
/// auditors and the receiving member read the events (filtered by the indexed patient, recipient and
/// record hash); storing each disclosure would add a new slot (22,100 gas) to every record shared.
///
/// Privacy: only addresses, salted record hashes and bitmasks are logged; public keys are public.
contract RecordExchange is IRecordExchange, ConsortiumGated {
    /// @notice PurposeOfUse and category bits, as in {ConsentRegistry}.
    uint256 public constant ALL_PURPOSES = (1 << 6) - 1;
    uint256 public constant ALL_CATEGORIES = (1 << 14) - 1;

    /// @dev secp256k1's field prime p, and (p - 1) / 2, Euler's criterion exponent.
    uint256 private constant _P = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFC2F;
    uint256 private constant _HALF_P = (_P - 1) / 2;
    /// @dev The MODEXP precompile (EIP-198).
    address private constant _MODEXP = address(0x05);

    /// @notice The consent registry every disclosure is checked against.
    IConsentRegistry public immutable consent;
    /// @notice The record anchor that says who anchored a record.
    IRecordAnchor public immutable recordAnchor;

    /// @dev Two slots: [x], [prefix bits 0..7 | version 8..39 | setAt 40..103]. Version 0: no key.
    struct EncryptionKey {
        bytes32 x;
        uint8 prefix;
        uint32 version;
        uint64 setAt;
    }

    mapping(address account => EncryptionKey) private _keys;

    /// @param registry_ Consortium membership: disclosers must be active providers, recipients active members.
    /// @param consent_ Patient consent, asked on every disclosure.
    /// @param recordAnchor_ Anchored records: only a record's own provider discloses it.
    constructor(IConsortiumRegistry registry_, IConsentRegistry consent_, IRecordAnchor recordAnchor_)
        ConsortiumGated(registry_)
    {
        if (address(consent_) == address(0) || address(recordAnchor_) == address(0)) {
            revert RecordExchangeZeroAddress();
        }
        consent = consent_;
        recordAnchor = recordAnchor_;
    }

    // ------------------------------------------------------------------------------------------
    // Encryption keys

    /// @inheritdoc IRecordExchange
    function setEncryptionKey(bytes calldata publicKey) external {
        if (!_isCompressedPoint(publicKey)) revert RecordExchangeInvalidKey(publicKey);
        bytes32 x = bytes32(publicKey[1:]);
        uint8 prefix = uint8(publicKey[0]);
        EncryptionKey storage key = _keys[msg.sender];
        if (key.x == x && key.prefix == prefix) revert RecordExchangeSameKey(msg.sender);
        uint32 version = key.version + 1;
        (key.x, key.prefix, key.version, key.setAt) = (x, prefix, version, uint64(block.timestamp));
        emit EncryptionKeySet(msg.sender, publicKey, version);
    }

    // ------------------------------------------------------------------------------------------
    // Disclosures

    /// @inheritdoc IRecordExchange
    function logDisclosure(address patient, address recipient, bytes32 recordHash, uint256 purpose, uint256 category)
        external
        onlyActiveMember(MemberRoles.PROVIDER)
    {
        _requireCategory(recordHash, category);
        _requireDisclosable(patient, recipient, purpose, category);
        (uint64 anchoredAt, bool retracted) =
            recordAnchor.anchorOf(msg.sender, recordHash, bytes32(0), new bytes32[](0));
        _requireOwnAnchor(recordHash, anchoredAt, retracted);
        emit RecordDisclosed(patient, recipient, recordHash, purpose, category, msg.sender);
    }

    /// @inheritdoc IRecordExchange
    function logDisclosures(address patient, address recipient, uint256 purpose, Disclosure[] calldata disclosures)
        external
        onlyActiveMember(MemberRoles.PROVIDER)
    {
        uint256 count = disclosures.length;
        if (count == 0) revert RecordExchangeEmptyBatch();
        uint256 categories = 0;
        for (uint256 i; i < count; ++i) {
            Disclosure calldata d = disclosures[i];
            _requireCategory(d.recordHash, d.category);
            categories |= d.category;
        }
        // hasConsent(.., C1 | C2) == hasConsent(.., C1) && hasConsent(.., C2) for non-empty known masks:
        // a consent covers a union exactly when it covers each part, and emergency access ignores categories.
        _requireDisclosable(patient, recipient, purpose, categories);
        for (uint256 i; i < count; ++i) {
            Disclosure calldata d = disclosures[i];
            (uint64 anchoredAt, bool retracted) = recordAnchor.anchorOf(msg.sender, d.recordHash, d.root, d.proof);
            _requireOwnAnchor(d.recordHash, anchoredAt, retracted);
            emit RecordDisclosed(patient, recipient, d.recordHash, purpose, d.category, msg.sender);
        }
    }

    // ------------------------------------------------------------------------------------------
    // Views

    /// @inheritdoc IRecordExchange
    function encryptionKeyOf(address account) external view returns (bytes memory publicKey) {
        (publicKey,,) = encryptionKeyDetails(account);
    }

    /// @inheritdoc IRecordExchange
    function encryptionKeyDetails(address account)
        public
        view
        returns (bytes memory publicKey, uint32 version, uint64 setAt)
    {
        EncryptionKey memory key = _keys[account];
        if (key.version != 0) publicKey = abi.encodePacked(key.prefix, key.x);
        return (publicKey, key.version, key.setAt);
    }

    // ------------------------------------------------------------------------------------------
    // Internals

    /// @dev The parties, purpose and consent of a disclosure of `categories` (already checked as known bits).
    function _requireDisclosable(address patient, address recipient, uint256 purpose, uint256 categories) private view {
        if (patient == address(0) || recipient == address(0)) revert RecordExchangeZeroAddress();
        if (purpose == 0 || purpose & (purpose - 1) != 0 || purpose & ~ALL_PURPOSES != 0) {
            revert RecordExchangeInvalidPurpose(purpose);
        }
        if (!registry.isActive(recipient)) revert RecordExchangeRecipientNotMember(recipient);
        if (_keys[recipient].version == 0) revert RecordExchangeNoEncryptionKey(recipient);
        if (!consent.hasConsent(patient, recipient, purpose, categories)) {
            revert RecordExchangeNoConsent(patient, recipient, purpose, categories);
        }
    }

    function _requireCategory(bytes32 recordHash, uint256 category) private pure {
        if (category == 0 || category & ~ALL_CATEGORIES != 0) {
            revert RecordExchangeInvalidCategory(recordHash, category);
        }
    }

    /// @dev The caller anchored `recordHash` itself and did not retract it, as `RecordAnchor.anchorOf`
    /// answered for the caller's own namespace (its own entry, or else its batch that the proof given
    /// leads to): no other provider's anchor of the same hash can stand in for the caller's, nor block it.
    function _requireOwnAnchor(bytes32 recordHash, uint64 anchoredAt, bool retracted) private view {
        if (anchoredAt == 0) revert RecordExchangeNotAnchored(msg.sender, recordHash);
        if (retracted) revert RecordExchangeRecordRetracted(recordHash);
    }

    /// @dev Whether `key` is a compressed SEC 1 secp256k1 point: 33 bytes, prefix 0x02 or 0x03, x < p,
    /// and x³ + 7 a quadratic residue mod p (Euler's criterion through MODEXP), so that some y with
    /// y² = x³ + 7 exists. x³ + 7 is never 0 mod p (the curve has no point of order 2).
    function _isCompressedPoint(bytes calldata key) private view returns (bool) {
        if (key.length != 33 || (key[0] != 0x02 && key[0] != 0x03)) return false;
        uint256 x = uint256(bytes32(key[1:]));
        if (x >= _P) return false;
        uint256 rhs = addmod(mulmod(mulmod(x, x, _P), x, _P), 7, _P);
        (bool ok, bytes memory result) = _MODEXP.staticcall(abi.encode(32, 32, 32, rhs, _HALF_P, _P));
        return ok && uint256(bytes32(result)) == 1;
    }
}
