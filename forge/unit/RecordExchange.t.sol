// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {ExchangeFixture} from "../base/ExchangeFixture.sol";
import {Vm} from "../base/Vm.sol";
import {ConsortiumGated} from "../../contracts/access/ConsortiumGated.sol";
import {MemberRoles} from "../../contracts/access/MemberRoles.sol";
import {RecordExchange} from "../../contracts/exchange/RecordExchange.sol";
import {IConsentRegistry} from "../../contracts/interfaces/IConsentRegistry.sol";
import {IConsortiumRegistry} from "../../contracts/interfaces/IConsortiumRegistry.sol";
import {IRecordAnchor} from "../../contracts/interfaces/IRecordAnchor.sol";
import {IRecordExchange} from "../../contracts/interfaces/IRecordExchange.sol";

/// @notice RecordExchange: every path, every refusal by selector and arguments, every event.
contract RecordExchangeTest is ExchangeFixture {
    bytes32 internal constant REASON = "WRONG_PATIENT";
    bytes32 internal constant DISCLOSED_TOPIC =
        keccak256("RecordDisclosed(address,address,bytes32,uint256,uint256,address)");

    bytes32 internal record;

    function setUp() public {
        deployExchange();
        registerKey(clinic, KEY_2G);
        consentTo(clinic, TREAT, ENCOUNTERS | LABORATORY, 30 days);
        record = anchored(hospital);
    }

    function disclose(bytes32 h, uint256 category) internal {
        vm.prank(hospital);
        exchange.logDisclosure(patient, clinic, h, TREAT, category);
    }

    function expectRefusal(bytes memory revertData) internal {
        vm.expectRevert(revertData);
        vm.prank(hospital);
    }

    function item(bytes32 h, uint256 category) internal pure returns (IRecordExchange.Disclosure memory d) {
        d.recordHash = h;
        d.category = category;
    }

    function batchItem(bytes32 h, uint256 category, bytes32 root, bytes32[] memory proof)
        internal
        pure
        returns (IRecordExchange.Disclosure memory d)
    {
        (d.recordHash, d.category, d.root, d.proof) = (h, category, root, proof);
    }

    function one(IRecordExchange.Disclosure memory d) internal pure returns (IRecordExchange.Disclosure[] memory ds) {
        ds = new IRecordExchange.Disclosure[](1);
        ds[0] = d;
    }

    // ------------------------------------------------------------------------------------------
    // Deployment

    function test_constructor_wiresTheSuite() public view {
        assertEq(address(exchange.registry()), address(registry), "registry");
        assertEq(address(exchange.consent()), address(consent), "consent");
        assertEq(address(exchange.recordAnchor()), address(anchors), "anchor");
        assertEq(exchange.ALL_PURPOSES(), consent.ALL_PURPOSES(), "purpose bits as in ConsentRegistry");
        assertEq(exchange.ALL_CATEGORIES(), consent.ALL_CATEGORIES(), "category bits as in ConsentRegistry");
    }

    function test_constructor_refusals() public {
        vm.expectRevert(abi.encodeWithSelector(ConsortiumGated.ConsortiumInvalidRegistry.selector, address(consent)));
        new RecordExchange(IConsortiumRegistry(address(consent)), consent, anchors);
        vm.expectRevert(IRecordExchange.RecordExchangeZeroAddress.selector);
        new RecordExchange(registry, IConsentRegistry(address(0)), anchors);
        vm.expectRevert(IRecordExchange.RecordExchangeZeroAddress.selector);
        new RecordExchange(registry, consent, IRecordAnchor(address(0)));
    }

    // ------------------------------------------------------------------------------------------
    // setEncryptionKey

    function test_setEncryptionKey_storesAndEmits() public {
        (bytes memory none, uint32 v0, uint64 t0) = exchange.encryptionKeyDetails(hospital);
        assertEq(none.length, 0, "no key yet");
        assertEq(v0, 0, "version 0: none");
        assertEq(t0, 0, "never set");
        assertEq(exchange.encryptionKeyOf(hospital).length, 0, "encryptionKeyOf: empty");

        vm.expectEmit(true, true, true, true, address(exchange));
        emit IRecordExchange.EncryptionKeySet(hospital, KEY_G, 1);
        registerKey(hospital, KEY_G);
        assertEq(keccak256(exchange.encryptionKeyOf(hospital)), keccak256(KEY_G), "the key as given");
        (bytes memory key, uint32 version, uint64 setAt) = exchange.encryptionKeyDetails(hospital);
        assertEq(keccak256(key), keccak256(KEY_G), "details: key");
        assertEq(version, 1, "first version");
        assertEq(setAt, block.timestamp, "set now");
    }

    function test_setEncryptionKey_rotatesWithANewVersion() public {
        registerKey(hospital, KEY_G);
        vm.warp(block.timestamp + 1 days);
        vm.expectEmit(true, true, true, true, address(exchange));
        emit IRecordExchange.EncryptionKeySet(hospital, KEY_G_ODD, 2);
        registerKey(hospital, KEY_G_ODD); // same x, other y: another key
        registerKey(hospital, KEY_3G);
        (bytes memory key, uint32 version, uint64 setAt) = exchange.encryptionKeyDetails(hospital);
        assertEq(keccak256(key), keccak256(KEY_3G), "the latest key");
        assertEq(version, 3, "three keys so far");
        assertEq(setAt, block.timestamp, "rotated now");
        assertEq(keccak256(exchange.encryptionKeyOf(clinic)), keccak256(KEY_2G), "another account's key untouched");
    }

    function test_setEncryptionKey_refusesTheSameKeyAgain() public {
        registerKey(hospital, KEY_G);
        vm.expectRevert(abi.encodeWithSelector(IRecordExchange.RecordExchangeSameKey.selector, hospital));
        registerKey(hospital, KEY_G);
    }

    function test_setEncryptionKey_refusesMalformedKeys() public {
        bytes[7] memory bad = [
            KEY_OFF_CURVE,
            KEY_X_ABOVE_P,
            KEY_BAD_PREFIX,
            KEY_UNCOMPRESSED,
            bytes(hex"0079be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"),
            bytes(hex"79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"), // no prefix
            bytes(hex"020000000000000000000000000000000000000000000000000000000000000000") // x = 0: 7 is no square
        ];
        for (uint256 i; i < bad.length; ++i) {
            vm.expectRevert(abi.encodeWithSelector(IRecordExchange.RecordExchangeInvalidKey.selector, bad[i]));
            registerKey(hospital, bad[i]);
        }
        vm.expectRevert(abi.encodeWithSelector(IRecordExchange.RecordExchangeInvalidKey.selector, bytes("")));
        registerKey(hospital, "");
        assertEq(exchange.encryptionKeyOf(hospital).length, 0, "nothing stored");
    }

    function test_setEncryptionKey_isOpenToPatientsAndSuspendedMembers() public {
        registerKey(patient, KEY_G);
        assertEq(keccak256(exchange.encryptionKeyOf(patient)), keccak256(KEY_G), "a patient registers a key");
        vm.prank(gov);
        registry.suspendMember(clinic, "AUDIT");
        registerKey(clinic, KEY_3G);
        (, uint32 version,) = exchange.encryptionKeyDetails(clinic);
        assertEq(version, 2, "a suspended member rotates its key");
    }

    // ------------------------------------------------------------------------------------------
    // logDisclosure

    function test_logDisclosure_emitsOneLineOfTheAccounting() public {
        vm.expectEmit(true, true, true, true, address(exchange));
        emit IRecordExchange.RecordDisclosed(patient, clinic, record, TREAT, LABORATORY, hospital);
        disclose(record, LABORATORY);
        vm.expectEmit(true, true, true, true, address(exchange));
        emit IRecordExchange.RecordDisclosed(patient, clinic, record, TREAT, ENCOUNTERS | LABORATORY, hospital);
        disclose(record, ENCOUNTERS | LABORATORY); // the same record again: logged again
    }

    function test_logDisclosure_refusesWhoIsNotAnActiveProvider() public {
        vm.expectRevert(
            abi.encodeWithSelector(ConsortiumGated.ConsortiumInactiveMember.selector, insurer, MemberRoles.PROVIDER)
        );
        vm.prank(insurer);
        exchange.logDisclosure(patient, clinic, record, TREAT, LABORATORY);
        vm.prank(gov);
        registry.suspendMember(hospital, "LICENCE_EXPIRED");
        expectRefusal(
            abi.encodeWithSelector(ConsortiumGated.ConsortiumInactiveMember.selector, hospital, MemberRoles.PROVIDER)
        );
        exchange.logDisclosure(patient, clinic, record, TREAT, LABORATORY);
    }

    function test_logDisclosure_refusesBadParties() public {
        expectRefusal(abi.encodeWithSelector(IRecordExchange.RecordExchangeZeroAddress.selector));
        exchange.logDisclosure(address(0), clinic, record, TREAT, LABORATORY);
        expectRefusal(abi.encodeWithSelector(IRecordExchange.RecordExchangeZeroAddress.selector));
        exchange.logDisclosure(patient, address(0), record, TREAT, LABORATORY);
        registerKey(stranger, KEY_3G);
        expectRefusal(abi.encodeWithSelector(IRecordExchange.RecordExchangeRecipientNotMember.selector, stranger));
        exchange.logDisclosure(patient, stranger, record, TREAT, LABORATORY);
        registerKey(patient, KEY_G);
        expectRefusal(abi.encodeWithSelector(IRecordExchange.RecordExchangeRecipientNotMember.selector, patient));
        exchange.logDisclosure(patient, patient, record, TREAT, LABORATORY);
        vm.prank(gov);
        registry.suspendMember(clinic, "AUDIT");
        expectRefusal(abi.encodeWithSelector(IRecordExchange.RecordExchangeRecipientNotMember.selector, clinic));
        exchange.logDisclosure(patient, clinic, record, TREAT, LABORATORY);
    }

    function test_logDisclosure_refusesARecipientWithoutKey() public {
        vm.prank(patient);
        consent.grant(patient, insurer, TREAT, LABORATORY, uint64(block.timestamp + 1 days));
        expectRefusal(abi.encodeWithSelector(IRecordExchange.RecordExchangeNoEncryptionKey.selector, insurer));
        exchange.logDisclosure(patient, insurer, record, TREAT, LABORATORY);
    }

    function test_logDisclosure_refusesBadPurposesAndCategories() public {
        uint256[4] memory purposes = [uint256(0), TREAT | ETREAT, 1 << 6, type(uint256).max];
        for (uint256 i; i < purposes.length; ++i) {
            expectRefusal(abi.encodeWithSelector(IRecordExchange.RecordExchangeInvalidPurpose.selector, purposes[i]));
            exchange.logDisclosure(patient, clinic, record, purposes[i], LABORATORY);
        }
        uint256[3] memory categories = [uint256(0), 1 << 14, LABORATORY | (1 << 200)];
        for (uint256 i; i < categories.length; ++i) {
            expectRefusal(
                abi.encodeWithSelector(IRecordExchange.RecordExchangeInvalidCategory.selector, record, categories[i])
            );
            exchange.logDisclosure(patient, clinic, record, TREAT, categories[i]);
        }
    }

    function test_logDisclosure_refusesWithoutConsent() public {
        bytes32 h = anchored(hospital);
        // a category the consent does not cover
        expectRefusal(
            abi.encodeWithSelector(
                IRecordExchange.RecordExchangeNoConsent.selector, patient, clinic, TREAT, LABORATORY | MENTAL_HEALTH
            )
        );
        exchange.logDisclosure(patient, clinic, h, TREAT, LABORATORY | MENTAL_HEALTH);
        // a purpose it does not cover
        expectRefusal(
            abi.encodeWithSelector(
                IRecordExchange.RecordExchangeNoConsent.selector, patient, clinic, HPAYMT, LABORATORY
            )
        );
        exchange.logDisclosure(patient, clinic, h, HPAYMT, LABORATORY);
        // another patient, who never consented
        expectRefusal(
            abi.encodeWithSelector(
                IRecordExchange.RecordExchangeNoConsent.selector, stranger, clinic, TREAT, LABORATORY
            )
        );
        exchange.logDisclosure(stranger, clinic, h, TREAT, LABORATORY);
    }

    function test_logDisclosure_refusesAtTheConsentsEndSecond() public {
        (,, uint64 validUntil,) = consent.consentOf(patient, clinic);
        vm.warp(validUntil - 1);
        disclose(record, LABORATORY); // the last second the consent holds
        vm.warp(validUntil);
        expectRefusal(
            abi.encodeWithSelector(IRecordExchange.RecordExchangeNoConsent.selector, patient, clinic, TREAT, LABORATORY)
        );
        exchange.logDisclosure(patient, clinic, record, TREAT, LABORATORY);
    }

    function test_logDisclosure_refusesAfterRevocation() public {
        disclose(record, LABORATORY);
        vm.prank(patient);
        consent.revoke(patient, clinic);
        expectRefusal(
            abi.encodeWithSelector(IRecordExchange.RecordExchangeNoConsent.selector, patient, clinic, TREAT, LABORATORY)
        );
        exchange.logDisclosure(patient, clinic, record, TREAT, LABORATORY);
    }

    function test_logDisclosure_followsEmergencyAccess() public {
        registerKey(hospital, KEY_G);
        bytes32 h = anchored(clinic);
        vm.prank(hospital);
        consent.breakGlass(patient, "UNCONSCIOUS_ED");
        vm.prank(clinic);
        exchange.logDisclosure(patient, hospital, h, ETREAT, MENTAL_HEALTH); // every category, TREAT/ETREAT only
        vm.expectRevert(
            abi.encodeWithSelector(
                IRecordExchange.RecordExchangeNoConsent.selector, patient, hospital, HPAYMT, LABORATORY
            )
        );
        vm.prank(clinic);
        exchange.logDisclosure(patient, hospital, h, HPAYMT, LABORATORY);
    }

    function test_logDisclosure_refusesRecordsTheCallerDidNotAnchor() public {
        bytes32 unknown = freshHash();
        expectRefusal(abi.encodeWithSelector(IRecordExchange.RecordExchangeNotAnchored.selector, hospital, unknown));
        exchange.logDisclosure(patient, clinic, unknown, TREAT, LABORATORY);
        bytes32 theirs = anchored(clinic);
        expectRefusal(abi.encodeWithSelector(IRecordExchange.RecordExchangeNotAnchored.selector, hospital, theirs));
        exchange.logDisclosure(patient, clinic, theirs, TREAT, LABORATORY);
    }

    function test_logDisclosure_refusesRetractedRecords() public {
        vm.prank(hospital);
        anchors.retract(record, REASON);
        expectRefusal(abi.encodeWithSelector(IRecordExchange.RecordExchangeRecordRetracted.selector, record));
        exchange.logDisclosure(patient, clinic, record, TREAT, LABORATORY);
    }

    function test_logDisclosure_acceptsAmendedVersionsBothOldAndNew() public {
        bytes32 corrected = freshHash();
        vm.prank(hospital);
        anchors.amend(record, corrected);
        disclose(corrected, LABORATORY); // anchored through amend
        disclose(record, LABORATORY); // superseded, still the hospital's record
    }

    // ------------------------------------------------------------------------------------------
    // logDisclosures

    function test_logDisclosures_mixesSingleAndBatchAnchoredRecords() public {
        (bytes32 a, bytes32 b) = (freshHash(), freshHash());
        (bytes32 root, bytes32[] memory proofA, bytes32[] memory proofB) = twoLeafBatch(a, b);
        vm.prank(hospital);
        anchors.anchorBatch(root, 2);

        IRecordExchange.Disclosure[] memory ds = new IRecordExchange.Disclosure[](3);
        ds[0] = item(record, ENCOUNTERS);
        ds[1] = batchItem(a, LABORATORY, root, proofA);
        ds[2] = batchItem(b, LABORATORY | ENCOUNTERS, root, proofB);
        vm.recordLogs();
        vm.prank(hospital);
        exchange.logDisclosures(patient, clinic, TREAT, ds);
        Vm.Log[] memory logs = vm.getRecordedLogs();
        assertEq(logs.length, 3, "one event per record");
        for (uint256 i; i < 3; ++i) {
            assertEq(logs[i].emitter, address(exchange), "emitted by the exchange");
            assertEq(logs[i].topics[0], DISCLOSED_TOPIC, "RecordDisclosed");
            assertEq(logs[i].topics[1], bytes32(uint256(uint160(patient))), "patient");
            assertEq(logs[i].topics[2], bytes32(uint256(uint160(clinic))), "recipient");
            assertEq(logs[i].topics[3], ds[i].recordHash, "record, in order");
            (uint256 purpose, uint256 category, address discloser) =
                abi.decode(logs[i].data, (uint256, uint256, address));
            assertEq(purpose, TREAT, "purpose");
            assertEq(category, ds[i].category, "category");
            assertEq(discloser, hospital, "discloser");
        }
    }

    function test_logDisclosures_usesTheOwnEntryOfARecordAmendedInItsBatch() public {
        (bytes32 a, bytes32 b) = (freshHash(), freshHash());
        (bytes32 root, bytes32[] memory proofA,) = twoLeafBatch(a, b);
        vm.startPrank(hospital);
        anchors.anchorBatch(root, 2);
        anchors.amendInBatch(root, a, proofA, freshHash());
        vm.stopPrank();
        vm.expectEmit(true, true, true, true, address(exchange));
        emit IRecordExchange.RecordDisclosed(patient, clinic, a, TREAT, LABORATORY, hospital);
        vm.prank(hospital);
        exchange.logDisclosures(patient, clinic, TREAT, one(item(a, LABORATORY))); // no proof needed any more
    }

    function test_logDisclosures_refusesBatchRecordsNotProvenOrNotTheCallers() public {
        (bytes32 a, bytes32 b) = (freshHash(), freshHash());
        (bytes32 root, bytes32[] memory proofA, bytes32[] memory proofB) = twoLeafBatch(a, b);
        vm.prank(clinic);
        anchors.anchorBatch(root, 2);
        bytes memory notHospitals =
            abi.encodeWithSelector(IRecordExchange.RecordExchangeNotAnchored.selector, hospital, a);
        expectRefusal(notHospitals); // the clinic's batch
        exchange.logDisclosures(patient, clinic, TREAT, one(batchItem(a, LABORATORY, root, proofA)));
        vm.prank(hospital);
        anchors.anchorBatch(root, 2);
        expectRefusal(notHospitals);
        exchange.logDisclosures(patient, clinic, TREAT, one(batchItem(a, LABORATORY, root, proofB))); // wrong proof
        bytes32 unknownRoot = freshHash();
        expectRefusal(notHospitals);
        exchange.logDisclosures(patient, clinic, TREAT, one(batchItem(a, LABORATORY, unknownRoot, proofA)));
        expectRefusal(notHospitals);
        exchange.logDisclosures(patient, clinic, TREAT, one(item(a, LABORATORY))); // batch record, no root
    }

    function test_logDisclosures_refusesRecordsRetractedInTheirBatch() public {
        (bytes32 a, bytes32 b) = (freshHash(), freshHash());
        (bytes32 root, bytes32[] memory proofA,) = twoLeafBatch(a, b);
        vm.startPrank(hospital);
        anchors.anchorBatch(root, 2);
        anchors.retractInBatch(root, a, proofA, REASON);
        vm.stopPrank();
        expectRefusal(abi.encodeWithSelector(IRecordExchange.RecordExchangeRecordRetracted.selector, a));
        exchange.logDisclosures(patient, clinic, TREAT, one(batchItem(a, LABORATORY, root, proofA)));
    }

    /// @dev The whole batch reverts (forge's recordLogs would still show the first record's event from
    /// inside the reverted call, so the refusal itself is what is asserted).
    function test_logDisclosures_refusesTheWholeBatchForOneBadRecord() public {
        IRecordExchange.Disclosure[] memory ds = new IRecordExchange.Disclosure[](2);
        ds[0] = item(record, LABORATORY);
        ds[1] = item(anchored(clinic), LABORATORY);
        expectRefusal(
            abi.encodeWithSelector(IRecordExchange.RecordExchangeNotAnchored.selector, hospital, ds[1].recordHash)
        );
        exchange.logDisclosures(patient, clinic, TREAT, ds);
    }

    // ------------------------------------------------------------------------------------------
    // Record squatting: only the discloser's own anchors count, and no one else's can block them

    function test_ownerStillDiscloses_whenAnotherProviderAnchorsAndRetractsTheSameHash() public {
        (bytes32 a, bytes32 b) = (freshHash(), freshHash());
        (bytes32 root, bytes32[] memory proofA, bytes32[] memory proofB) = twoLeafBatch(a, b);
        vm.prank(hospital);
        anchors.anchorBatch(root, 2);
        // The clinic copies the hashes from the public log and squats them every way it can.
        vm.startPrank(clinic);
        anchors.anchor(record);
        anchors.retract(record, REASON);
        anchors.anchor(a);
        anchors.retract(a, REASON);
        anchors.anchorBatch(root, 2);
        anchors.retractInBatch(root, b, proofB, REASON);
        anchors.anchor(root);
        anchors.retract(root, REASON);
        vm.stopPrank();

        IRecordExchange.Disclosure[] memory ds = new IRecordExchange.Disclosure[](3);
        ds[0] = item(record, ENCOUNTERS);
        ds[1] = batchItem(a, LABORATORY, root, proofA);
        ds[2] = batchItem(b, LABORATORY, root, proofB);
        vm.expectEmit(true, true, true, true, address(exchange));
        emit IRecordExchange.RecordDisclosed(patient, clinic, record, TREAT, ENCOUNTERS, hospital);
        vm.expectEmit(true, true, true, true, address(exchange));
        emit IRecordExchange.RecordDisclosed(patient, clinic, a, TREAT, LABORATORY, hospital);
        vm.expectEmit(true, true, true, true, address(exchange));
        emit IRecordExchange.RecordDisclosed(patient, clinic, b, TREAT, LABORATORY, hospital);
        vm.prank(hospital);
        exchange.logDisclosures(patient, clinic, TREAT, ds);
        disclose(record, LABORATORY);
    }

    function test_squatterCannotDiscloseTheOwnersRecord_onlyItsOwnRetractedCopy() public {
        registerKey(hospital, KEY_G);
        consentTo(hospital, TREAT, ENCOUNTERS | LABORATORY, 30 days);
        vm.startPrank(clinic);
        anchors.anchor(record); // the hospital's record hash, copied
        anchors.retract(record, REASON);
        vm.expectRevert(abi.encodeWithSelector(IRecordExchange.RecordExchangeRecordRetracted.selector, record));
        exchange.logDisclosure(patient, hospital, record, TREAT, LABORATORY);
        vm.stopPrank();
    }

    function test_logDisclosures_checksConsentForTheUnionOfCategories() public {
        IRecordExchange.Disclosure[] memory ds = new IRecordExchange.Disclosure[](2);
        ds[0] = item(record, LABORATORY);
        ds[1] = item(anchored(hospital), MENTAL_HEALTH);
        expectRefusal(
            abi.encodeWithSelector(
                IRecordExchange.RecordExchangeNoConsent.selector, patient, clinic, TREAT, LABORATORY | MENTAL_HEALTH
            )
        );
        exchange.logDisclosures(patient, clinic, TREAT, ds);
    }

    function test_logDisclosures_refusals() public {
        expectRefusal(abi.encodeWithSelector(IRecordExchange.RecordExchangeEmptyBatch.selector));
        exchange.logDisclosures(patient, clinic, TREAT, new IRecordExchange.Disclosure[](0));
        IRecordExchange.Disclosure[] memory ds = new IRecordExchange.Disclosure[](2);
        ds[0] = item(record, LABORATORY);
        ds[1] = item(record, 0);
        expectRefusal(abi.encodeWithSelector(IRecordExchange.RecordExchangeInvalidCategory.selector, record, 0));
        exchange.logDisclosures(patient, clinic, TREAT, ds);
        expectRefusal(abi.encodeWithSelector(IRecordExchange.RecordExchangeInvalidPurpose.selector, 0));
        exchange.logDisclosures(patient, clinic, 0, one(ds[0]));
        expectRefusal(abi.encodeWithSelector(IRecordExchange.RecordExchangeNoEncryptionKey.selector, insurer));
        exchange.logDisclosures(patient, insurer, TREAT, one(ds[0]));
        vm.expectRevert(
            abi.encodeWithSelector(ConsortiumGated.ConsortiumInactiveMember.selector, stranger, MemberRoles.PROVIDER)
        );
        vm.prank(stranger);
        exchange.logDisclosures(patient, clinic, TREAT, one(ds[0]));
    }

    /// @dev Disclosures are logged, never stored: a batch leaves every key as it was.
    function testFuzz_logDisclosures_changeNoKeys(uint8 n, uint256 category) public {
        n = uint8(bound(n, 1, 20));
        category = bound(category, 1, ENCOUNTERS | LABORATORY);
        if (category & ~(ENCOUNTERS | LABORATORY) != 0) category = LABORATORY;
        IRecordExchange.Disclosure[] memory ds = new IRecordExchange.Disclosure[](n);
        for (uint256 i; i < n; ++i) {
            ds[i] = item(anchored(hospital), category);
        }
        vm.recordLogs();
        vm.prank(hospital);
        exchange.logDisclosures(patient, clinic, TREAT, ds);
        assertEq(vm.getRecordedLogs().length, n, "one event per record");
        (bytes memory key, uint32 version,) = exchange.encryptionKeyDetails(clinic);
        assertEq(keccak256(key), keccak256(KEY_2G), "the recipient's key is unchanged");
        assertEq(version, 1, "and its version");
        assertEq(exchange.encryptionKeyOf(hospital).length, 0, "the discloser still has no key");
    }
}
