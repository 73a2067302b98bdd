// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {Test} from "./Test.sol";
import {Vm} from "./Vm.sol";
import {ConsortiumRegistry} from "../../contracts/access/ConsortiumRegistry.sol";
import {MemberRoles} from "../../contracts/access/MemberRoles.sol";
import {ConsentRegistry} from "../../contracts/consent/ConsentRegistry.sol";
import {RecordAnchor} from "../../contracts/records/RecordAnchor.sol";
import {ClaimSettlement} from "../../contracts/claims/ClaimSettlement.sol";
import {IClaimSettlement} from "../../contracts/interfaces/IClaimSettlement.sol";
import {IConsentRegistry} from "../../contracts/interfaces/IConsentRegistry.sol";
import {IConsortiumRegistry} from "../../contracts/interfaces/IConsortiumRegistry.sol";
import {IRecordAnchor} from "../../contracts/interfaces/IRecordAnchor.sol";
import {TestStableToken} from "../../contracts/test/TestStableToken.sol";
import {DrugProvenance} from "../../contracts/provenance/DrugProvenance.sol";

/// @title Fixture
/// @notice A deployed medchain suite for forge tests: a registry governed by `gov` with one provider,
/// a second provider, an insurer and a regulator; the consent registry, record anchor, a test stable
/// token, drug provenance and claim settlement; helpers for the usual set-up steps. Values mirror
/// tests/claims/conftest.py. `deployProvenance` adds the drug supply chain (two manufacturers, a
/// distributor, two pharmacies) to the same registry.
abstract contract Fixture is Test {
    uint64 internal constant REVIEW = 3 days;
    uint64 internal constant APPEAL = 30 days;
    uint64 internal constant FILING = 365 days;
    uint64 internal constant EMERGENCY = 1 days;
    uint128 internal constant LIMIT = 10_000e6;
    uint128 internal constant DEDUCTIBLE = 500e6;
    uint16 internal constant COINSURANCE_BPS = 2_000;
    bytes32 internal constant POLICY = bytes32("POLICY-1");
    uint256 internal constant HPAYMT = 1 << 1;
    uint256 internal constant BILLING = 1 << 13;
    uint256 internal constant CARE_TREAT = 1 << 0;
    uint256 internal constant CARE_ENCOUNTERS = 1 << 1;
    uint256 internal constant CARE_MEDICATIONS = 1 << 3;

    uint256 internal constant PATIENT_KEY = 0xA11CE;

    address internal gov = address(0x60F);
    address internal hospital = address(0x4051);
    address internal clinic = address(0xC1171C);
    address internal insurer = address(0x1275);
    address internal regulator = address(0x4E6);
    address internal stranger = address(0x57A);
    address internal patient;
    address internal maker = address(0x3A7E);
    address internal maker2 = address(0x3A7E2);
    address internal wholesaler = address(0xD157);
    address internal pharmacy = address(0xFA3);
    address internal pharmacy2 = address(0xFA32);

    ConsortiumRegistry internal registry;
    ConsentRegistry internal consent;
    RecordAnchor internal anchors;
    TestStableToken internal token;
    ClaimSettlement internal claims;
    DrugProvenance internal provenance;

    /// @dev The time policies start: 30 days before the fixture's block time.
    uint64 internal start;
    uint256 private _nonce;

    function deployRegistry() internal {
        patient = vm.addr(PATIENT_KEY);
        registry = new ConsortiumRegistry(gov, 0);
        vm.startPrank(gov);
        registry.registerMember(hospital, MemberRoles.PROVIDER, keccak256("hospital licence"));
        registry.registerMember(clinic, MemberRoles.PROVIDER, keccak256("clinic licence"));
        registry.registerMember(insurer, MemberRoles.INSURER, keccak256("insurer licence"));
        registry.registerMember(regulator, MemberRoles.REGULATOR, keccak256("regulator mandate"));
        vm.stopPrank();
    }

    function deploySuite() internal {
        deployRegistry();
        consent = new ConsentRegistry(registry, EMERGENCY);
        anchors = new RecordAnchor(registry);
        token = new TestStableToken();
        provenance = new DrugProvenance(registry);
        claims = new ClaimSettlement(registry, consent, anchors, provenance, token, REVIEW, APPEAL, FILING);
        start = uint64(block.timestamp - 30 days);
    }

    /// @dev deploySuite, plus the supply-chain members: manufacturers `maker` and `maker2`, distributor
    /// `wholesaler`, pharmacies `pharmacy` and `pharmacy2` (`regulator` is the fixture's).
    function deployProvenance() internal {
        deploySuite();
        registerSupplyChain();
    }

    function registerSupplyChain() internal {
        vm.startPrank(gov);
        registry.registerMember(maker, MemberRoles.MANUFACTURER, keccak256("maker licence"));
        registry.registerMember(maker2, MemberRoles.MANUFACTURER, keccak256("maker2 licence"));
        registry.registerMember(wholesaler, MemberRoles.DISTRIBUTOR, keccak256("wholesaler licence"));
        registry.registerMember(pharmacy, MemberRoles.PHARMACY, keccak256("pharmacy licence"));
        registry.registerMember(pharmacy2, MemberRoles.PHARMACY, keccak256("pharmacy2 licence"));
        // GS1 company prefixes: `maker` owns 9506000 (the GTINs 0 9506000 ... the tests use), `maker2` 950601.
        provenance.assignCompanyPrefix(9_506_000, 7, maker);
        provenance.assignCompanyPrefix(950_601, 6, maker2);
        vm.stopPrank();
    }

    /// @dev deploySuite, plus the patient's HPAYMT consent to the insurer, its TREAT consent to the
    /// providers on encounters (the care relationship a claim needs), a policy and a funded pool. Pharmacies
    /// get theirs from registerSupplyChainWithCare.
    function deployClaimsWorld(uint256 pool) internal {
        deploySuite();
        vm.prank(patient);
        consent.grant(patient, insurer, HPAYMT, BILLING, start + 3 * 365 days);
        grantCare(patient, hospital, CARE_ENCOUNTERS);
        grantCare(patient, clinic, CARE_ENCOUNTERS);
        vm.prank(insurer);
        claims.registerPolicy(POLICY, patient, LIMIT, DEDUCTIBLE, COINSURANCE_BPS, start, start + 2 * 365 days);
        token.mint(insurer, 1e15);
        vm.prank(insurer);
        token.approve(address(claims), type(uint256).max);
        if (pool != 0) {
            vm.prank(insurer);
            claims.fund(pool);
        }
    }

    /// @dev registerSupplyChain, plus the patient's TREAT consent to both pharmacies on medications.
    function registerSupplyChainWithCare() internal {
        registerSupplyChain();
        grantCare(patient, pharmacy, CARE_MEDICATIONS);
        grantCare(patient, pharmacy2, CARE_MEDICATIONS);
    }

    /// @dev `who`'s TREAT consent to `carer` on `categories`, valid for the fixture's three years.
    function grantCare(address who, address carer, uint256 categories) internal {
        vm.prank(who);
        consent.grant(who, carer, CARE_TREAT, categories, start + 3 * 365 days);
    }

    /// @dev A fresh hash, never used before in this test.
    function freshHash() internal returns (bytes32) {
        return keccak256(abi.encode("medchain forge fixture", ++_nonce));
    }

    /// @dev A fresh record hash anchored by `provider`.
    function anchored(address provider) internal returns (bytes32 h) {
        h = freshHash();
        vm.prank(provider);
        anchors.anchor(h);
    }

    /// @dev A claim by `hospital` on POLICY, with fresh codes and freshly anchored evidence.
    function claimInput(uint128 amount, uint64 serviceDate) internal returns (IClaimSettlement.ClaimInput memory c) {
        c.policyId = POLICY;
        c.provider = hospital;
        c.amount = amount;
        c.serviceDate = serviceDate;
        c.codesHash = freshHash();
        c.evidenceHash = anchored(hospital);
    }

    function idOf(IClaimSettlement.ClaimInput memory c) internal view returns (bytes32) {
        return claims.claimIdOf(c.policyId, c.provider, c.serviceDate, c.codesHash);
    }

    /// @dev A four-value tree with OpenZeppelin's sorted pair hashing: its root and each value's proof.
    function fourLeafTree(bytes32[4] memory s) internal pure returns (bytes32 r, bytes32[][4] memory p) {
        bytes32[4] memory l = [leaf(s[0]), leaf(s[1]), leaf(s[2]), leaf(s[3])];
        bytes32 left = hashPair(l[0], l[1]);
        bytes32 right = hashPair(l[2], l[3]);
        r = hashPair(left, right);
        for (uint256 i; i < 4; ++i) {
            p[i] = new bytes32[](2);
            p[i][0] = l[i ^ 1];
            p[i][1] = i < 2 ? right : left;
        }
    }

    /// @dev A two-record batch: its root and the proof of each record.
    function twoLeafBatch(bytes32 a, bytes32 b)
        internal
        pure
        returns (bytes32 root, bytes32[] memory proofA, bytes32[] memory proofB)
    {
        root = hashPair(leaf(a), leaf(b));
        proofA = new bytes32[](1);
        proofA[0] = leaf(b);
        proofB = new bytes32[](1);
        proofB[0] = leaf(a);
    }

    function sign(uint256 key, bytes32 digest) internal pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, digest);
        return abi.encodePacked(r, s, v);
    }

    /// @dev The reason code of the first {ClaimRejected} among `logs` (0: none was rejected).
    function rejectionIn(Vm.Log[] memory logs) internal pure returns (uint16) {
        for (uint256 i; i < logs.length; ++i) {
            if (logs[i].topics[0] == IClaimSettlement.ClaimRejected.selector) {
                return abi.decode(logs[i].data, (uint16));
            }
        }
        return 0;
    }

    /// @dev `id` as a one-element array (a batch of one claim id, a one-sibling Merkle proof).
    function one(bytes32 id) internal pure returns (bytes32[] memory ids) {
        ids = new bytes32[](1);
        ids[0] = id;
    }
}
