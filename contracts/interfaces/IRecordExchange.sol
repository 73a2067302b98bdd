// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IRecordExchange
/// @notice Consent-gated record exchange between consortium members. Records travel off chain,
/// encrypted for exactly one recipient under the encryption key it registered here; the chain keeps
/// the public keys and a permanent, queryable log of every disclosure (who gave which anchored record
/// to whom, for which purpose and data categories): the patient's accounting of disclosures
/// (HIPAA, 45 CFR 164.528). No ciphertext, data key or record content ever reaches the chain.
///
/// Encryption keys are secp256k1 public keys in compressed SEC 1 form (33 bytes: 0x02 or 0x03, then
/// the x coordinate), the curve of Ethereum accounts, used with ECIES (eciespy) off chain. A key is a
/// key of its own, not the account's: rotating it keeps the account, and an account key never
/// decrypts anything.
interface IRecordExchange {
    /// @notice One record of a {logDisclosures} batch.
    /// @param recordHash The salted record hash, as anchored in the RecordAnchor.
    /// @param category Data-category bitmask of the record (ConsentRegistry's CATEGORY_* bits).
    /// @param root Zero when `recordHash` is anchored on its own (or through `amend`); otherwise the
    /// root of the discloser's batch that holds it, proven by `proof`.
    /// @param proof StandardMerkleTree proof of `recordHash` in batch `root` (empty when `root` is zero).
    struct Disclosure {
        bytes32 recordHash;
        uint256 category;
        bytes32 root;
        bytes32[] proof;
    }

    /// @notice Thrown when `publicKey` is not a compressed secp256k1 point (33 bytes, prefix 0x02 or
    /// 0x03, an x coordinate below the field prime with a point on the curve above it).
    error RecordExchangeInvalidKey(bytes publicKey);

    /// @notice Thrown when `account` sets the encryption key it already has.
    error RecordExchangeSameKey(address account);

    /// @notice Thrown when the patient or the recipient is the zero address.
    error RecordExchangeZeroAddress();

    /// @notice Thrown when `purpose` is not exactly one of the six PurposeOfUse bits.
    error RecordExchangeInvalidPurpose(uint256 purpose);

    /// @notice Thrown when a record's `category` is zero or has bits outside the fourteen category bits.
    error RecordExchangeInvalidCategory(bytes32 recordHash, uint256 category);

    /// @notice Thrown when `recipient` is not an active consortium member (any role).
    error RecordExchangeRecipientNotMember(address recipient);

    /// @notice Thrown when `recipient` has registered no encryption key.
    error RecordExchangeNoEncryptionKey(address recipient);

    /// @notice Thrown when `patient` has no consent on record letting `recipient` use data of
    /// `categories` for `purpose` now (never granted, expired, revoked or too narrow).
    error RecordExchangeNoConsent(address patient, address recipient, uint256 purpose, uint256 categories);

    /// @notice Thrown when `discloser` has neither anchored `recordHash` itself (alone or through amend)
    /// nor proven it into its own batch given; another provider's anchor of the hash does not count.
    error RecordExchangeNotAnchored(address discloser, bytes32 recordHash);

    /// @notice Thrown when disclosing `recordHash`, which the discloser retracted (entered in error).
    error RecordExchangeRecordRetracted(bytes32 recordHash);

    /// @notice Thrown when a {logDisclosures} batch is empty.
    error RecordExchangeEmptyBatch();

    /// @notice Emitted when `account` registers or rotates its encryption key.
    /// @param account The key's owner.
    /// @param publicKey The compressed secp256k1 public key (33 bytes).
    /// @param version 1 for the account's first key, then one more per rotation.
    event EncryptionKeySet(address indexed account, bytes publicKey, uint32 version);

    /// @notice Emitted for every record disclosed: one line of the patient's accounting of disclosures.
    /// @param patient The patient the record is about, as the discloser states it. The chain cannot bind
    /// it to the record (a salted hash says nothing of its subject, and putting the patient in the anchor
    /// would link patients to records in public): consent is checked for this patient, and the recipient
    /// checks off chain that the record it decrypts is about the patient it expects. A discloser naming
    /// the wrong patient signs a false line into the public accounting, under its own address.
    /// @param recipient The member that received it (encrypted for its key).
    /// @param recordHash The salted hash of the record, as anchored.
    /// @param purpose The PurposeOfUse bit of the disclosure.
    /// @param category The record's data-category bitmask.
    /// @param discloser The member that anchored and disclosed it.
    event RecordDisclosed(
        address indexed patient,
        address indexed recipient,
        bytes32 indexed recordHash,
        uint256 purpose,
        uint256 category,
        address discloser
    );

    /// @notice Registers the caller's encryption public key, or rotates it.
    /// @dev Anyone may register a key for their own account (members and patients alike); a suspended
    /// member may still rotate its key (after a compromise, say). A rotation changes nothing already
    /// logged: earlier disclosures stay valid, and their envelopes stay wrapped to the key of the time.
    /// Requirements: `publicKey` is a compressed secp256k1 point; it is not the caller's current key.
    /// Emits an {EncryptionKeySet} event.
    function setEncryptionKey(bytes calldata publicKey) external;

    /// @notice Logs that the caller disclosed `recordHash`, which it anchored on its own or through
    /// `amend`, to `recipient`, about `patient`, for `purpose`.
    /// @dev Requirements:
    /// - the caller is an active PROVIDER, anchored `recordHash` itself and has not retracted it
    ///   (`RecordAnchor.anchorOf(caller, recordHash, 0, [])`);
    /// - `patient` and `recipient` are not zero; `recipient` is an active member with an encryption key;
    /// - `purpose` is one PurposeOfUse bit; `category` is a non-empty mask of known category bits;
    /// - `ConsentRegistry.hasConsent(patient, recipient, purpose, category)` holds now.
    /// Emits a {RecordDisclosed} event.
    function logDisclosure(address patient, address recipient, bytes32 recordHash, uint256 purpose, uint256 category)
        external;

    /// @notice Logs the disclosure of several records of `patient` to `recipient` for `purpose`, all or none.
    /// @dev A record anchored in one of the caller's batches carries its batch `root` and `proof`
    /// (a record that has its own anchor entry, e.g. one amended or retracted in its batch, needs none).
    /// The requirements of {logDisclosure} hold for every record; consent is checked once, for the union
    /// of the records' categories, which holds exactly when it holds for each record's category.
    /// Requirements: `disclosures` is not empty. Emits one {RecordDisclosed} event per record, in order.
    function logDisclosures(address patient, address recipient, uint256 purpose, Disclosure[] calldata disclosures)
        external;

    /// @notice `account`'s current encryption public key (33 bytes), or empty if it has none.
    function encryptionKeyOf(address account) external view returns (bytes memory publicKey);

    /// @notice `account`'s current encryption public key with its version (0: none) and the time it was set.
    function encryptionKeyDetails(address account)
        external
        view
        returns (bytes memory publicKey, uint32 version, uint64 setAt);
}
