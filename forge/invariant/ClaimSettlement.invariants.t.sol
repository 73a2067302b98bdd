// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {Fixture} from "../base/Fixture.sol";
import {Test} from "../base/Test.sol";
import {Vm} from "../base/Vm.sol";
import {ConsortiumRegistry} from "../../contracts/access/ConsortiumRegistry.sol";
import {MemberRoles} from "../../contracts/access/MemberRoles.sol";
import {ConsentRegistry} from "../../contracts/consent/ConsentRegistry.sol";
import {ClaimSettlement} from "../../contracts/claims/ClaimSettlement.sol";
import {IClaimSettlement} from "../../contracts/interfaces/IClaimSettlement.sol";
import {DrugProvenance} from "../../contracts/provenance/DrugProvenance.sol";
import {IDrugProvenance} from "../../contracts/interfaces/IDrugProvenance.sol";
import {RecordAnchor} from "../../contracts/records/RecordAnchor.sol";
import {TestStableToken} from "../../contracts/test/TestStableToken.sol";

/// @notice Drives ClaimSettlement with two insurers (a policy each), two providers and a patient:
/// single and batch submissions across policy years, funding and withdrawals, adjudication of pending
/// claims, denials, disputes and resolutions, settlement of random slices, provider withdrawals and
/// time; and a pharmacy that dispenses units of fresh batches, claims for them (or for units it did not
/// dispense) and reverts dispenses. It accounts every token movement from the events and return values.
///
/// Attackers act on objects they do not own, with adversarial inputs: a rogue insurer with a throw-away
/// policy (its own patient, consenting to it and to the pharmacy) squatting pharmacy claims and deciding
/// others' claims; another provider the patient never consented to (billing the patient's policies with
/// its own anchored evidence, disputing others' claims); a second pharmacy billing units it did not
/// dispense; a non-member doing everything; and insurer B, suspended and reinstated at random.
/// Every event of ClaimSettlement is checked against who caused it (ownership) as it happens.
contract ClaimsHandler is Test {
    uint256 internal constant YEAR = 365 days;

    ClaimSettlement public immutable claims;
    RecordAnchor public immutable anchors;
    TestStableToken public immutable token;
    uint64 public immutable start;

    address[2] internal _insurers;
    bytes32[2] internal _policies;
    address[2] internal _providers;
    DrugProvenance public provenance;
    address public maker;
    address public pharmacy;

    // Attackers and the registry they are judged by.
    ConsortiumRegistry public registry;
    ConsentRegistry public consent;
    address public gov;
    address public rogueInsurer;
    bytes32 public throwawayPolicy;
    address public outsider; // a PROVIDER member the patient never consented to
    address public pharmacy2; // a PHARMACY member that dispensed none of the units
    address public stranger; // no member at all

    struct Unit {
        bytes32 batchId;
        bytes32 serialHash;
    }

    Unit[] internal _units;
    mapping(bytes32 serialHash => bytes32) internal _siblings; // each serial's Merkle proof (two-unit batches)

    bytes32[] internal _ids;
    mapping(bytes32 claimId => address) public insurerOf;
    mapping(bytes32 claimId => uint256) public settledCount;

    mapping(address insurer => uint256) public funded;
    mapping(address insurer => uint256) public withdrawnFunds;
    mapping(address insurer => uint256) public creditedFrom;
    mapping(address provider => uint256) public credited;
    mapping(address provider => uint256) public withdrawnBy;

    /// @dev From the events: each claim's provider (ClaimSubmitted), pharmacy claims' units (PharmacyClaimLinked).
    mapping(bytes32 claimId => address) public providerOf;
    mapping(bytes32 claimId => bytes32) public unitOf;
    /// @dev Ownership breaches seen in the events (all must stay 0).
    uint256 public claimsOfInactiveInsurers;
    uint256 public pharmacyClaimsNotByTheirDispenser;
    uint256 public claimsWithoutCare;
    uint256 public creditsToOthers;
    uint256 public decisionsByOthers;
    uint256 public keyCommitments;
    mapping(address insurer => bool) internal committedKey;
    uint256 public attackerCalls;

    /// @dev Claims credited a second time (must stay 0).
    uint256 public doubleSettlements;
    uint256 public settlements;
    uint256 private _nonce;

    constructor(
        ClaimSettlement claims_,
        RecordAnchor anchors_,
        TestStableToken token_,
        uint64 start_,
        address[2] memory insurers_,
        bytes32[2] memory policies_,
        address[2] memory providers_
    ) {
        claims = claims_;
        anchors = anchors_;
        token = token_;
        start = start_;
        _insurers = insurers_;
        _policies = policies_;
        _providers = providers_;
        vm.recordLogs();
    }

    function ids() external view returns (bytes32[] memory) {
        return _ids;
    }

    /// @dev Set-up (not a fuzzed action): the supply chain the pharmacy paths use.
    function useSupplyChain(DrugProvenance provenance_, address maker_, address pharmacy_) external {
        provenance = provenance_;
        maker = maker_;
        pharmacy = pharmacy_;
    }

    function noteFunded(address insurer, uint256 amount) external {
        funded[insurer] += amount;
    }

    /// @dev Set-up (not a fuzzed action): the attackers.
    function useAttackers(
        ConsortiumRegistry registry_,
        ConsentRegistry consent_,
        address gov_,
        address rogue_,
        bytes32 throwaway_,
        address outsider_,
        address pharmacy2_,
        address stranger_
    ) external {
        registry = registry_;
        consent = consent_;
        gov = gov_;
        rogueInsurer = rogue_;
        throwawayPolicy = throwaway_;
        outsider = outsider_;
        pharmacy2 = pharmacy2_;
        stranger = stranger_;
    }

    // ------------------------------------------------------------------------------------------
    // Actions

    function submit(uint256 seed, uint128 amount, uint8 year, uint32 offset, bool byInsurer) external {
        IClaimSettlement.ClaimInput memory c = _input(seed, amount, year, offset);
        address actor = byInsurer ? _insurers[seed % 2] : c.provider;
        vm.prank(actor);
        try claims.submitClaim(c) returns (bytes32 id) {
            assertEq(claims.claimOf(id).policyId, c.policyId, "the claim is on its policy");
            _track(id);
        } catch {}
        _absorb(actor);
    }

    function submitBatch(uint256 seed, uint128 amount, uint8 year, uint32 offset, bool withDuplicate) external {
        IClaimSettlement.ClaimInput[] memory cs = new IClaimSettlement.ClaimInput[](2);
        cs[0] = _input(seed, amount, year, offset);
        // The same provider and policy (one submitter), another service or a duplicate of the first.
        cs[1] = withDuplicate ? cs[0] : _input(seed, amount / 3, year, offset / 2);
        vm.prank(cs[0].provider);
        bytes32[] memory got = claims.submitClaims(cs);
        for (uint256 i; i < got.length; ++i) {
            if (insurerOf[got[i]] == address(0) && claims.claimOf(got[i]).status != IClaimSettlement.Status.None) {
                _track(got[i]);
            }
        }
        _absorb(cs[0].provider);
    }

    function fund(uint256 who, uint256 amount) external {
        address insurer = _insurers[who % 2];
        amount = bound(amount, 1, 20_000e6);
        vm.prank(insurer);
        try claims.fund(amount) {
            funded[insurer] += amount;
        } catch {
            assertFalse(registry.isActiveMember(insurer, MemberRoles.INSURER), "an active insurer can always fund");
        }
    }

    function withdrawFunds(uint256 who, uint16 fractionBps) external {
        address insurer = _insurers[who % 2];
        (uint256 available,) = claims.poolOf(insurer);
        uint256 amount = available * bound(fractionBps, 0, 10_000) / 10_000;
        if (amount == 0) return;
        uint256 before = token.balanceOf(insurer);
        vm.prank(insurer);
        claims.withdrawFunds(amount);
        assertEq(token.balanceOf(insurer) - before, amount, "the insurer receives what it withdraws");
        withdrawnFunds[insurer] += amount;
    }

    function adjudicate(uint256 pick) external {
        if (_ids.length == 0) return;
        try claims.adjudicate(_ids[pick % _ids.length]) {} catch {}
        _absorb(address(this));
    }

    function deny(uint256 pick, uint16 reason) external {
        if (_ids.length == 0) return;
        bytes32 id = _ids[pick % _ids.length];
        vm.prank(insurerOf[id]);
        try claims.deny(id, reason) {} catch {}
        _absorb(insurerOf[id]);
    }

    function dispute(uint256 pick) external {
        if (_ids.length == 0) return;
        bytes32 id = _ids[pick % _ids.length];
        address provider = claims.claimOf(id).provider;
        if (provider == pharmacy) return; // only PROVIDER members anchor evidence, which a dispute needs
        vm.warp(block.timestamp + 1); // new evidence: anchored after the decision
        bytes32 evidence = _anchor(provider);
        vm.prank(provider);
        try claims.dispute(id, evidence, bytes32(0), new bytes32[](0)) {} catch {}
        _absorb(provider);
    }

    function resolve(uint256 pick, uint128 amount) external {
        if (_ids.length == 0) return;
        bytes32 id = _ids[pick % _ids.length];
        vm.prank(insurerOf[id]);
        try claims.resolveDispute(id, uint128(bound(amount, 0, 12_000e6))) {} catch {}
        _absorb(insurerOf[id]);
    }

    function settle(uint256 from, uint256 count, bool waitForReview) external {
        if (_ids.length == 0) return;
        if (waitForReview) vm.warp(block.timestamp + 3 days);
        from = from % _ids.length;
        count = bound(count, 1, _ids.length - from);
        bytes32[] memory slice = new bytes32[](count);
        for (uint256 i; i < count; ++i) {
            slice[i] = _ids[from + i];
        }
        vm.prank(_settlerOf(from));
        uint256 settled = claims.settle(slice);
        uint256 absorbed = _absorb(address(this));
        assertEq(settled, absorbed, "settle returns how many ClaimSettled it emitted");
    }

    /// @dev A fresh two-unit batch reaches the pharmacy, which dispenses the first unit (the second stays
    /// in its stock: claims for it are refused as not dispensed).
    mapping(bytes32 batchId => IDrugProvenance.ShipmentRef) internal _shipments;

    function dispenseFresh(uint256 seed) external {
        bytes32 a = keccak256(abi.encode("serial", ++_nonce));
        bytes32 b = keccak256(abi.encode("serial", ++_nonce));
        bytes32 lb = leaf(b);
        bytes32[] memory proof = new bytes32[](1);
        proof[0] = lb;
        vm.startPrank(maker);
        bytes32 root = hashPair(leaf(a), lb);
        bytes32 batchId = provenance.commissionBatch(
            9506000134352, bytes32(_nonce), uint32(block.timestamp / 1 days + 3000), 2, root
        );
        bytes32 shipment = provenance.ship(batchId, pharmacy, 2, root);
        vm.stopPrank();
        vm.startPrank(pharmacy);
        provenance.receiveShipment(shipment, batchId, maker, root);
        // The shipment carries both units: the batch's root.
        _shipments[batchId] = IDrugProvenance.ShipmentRef(shipment, maker, root);
        provenance.dispense(batchId, a, proof, _shipments[batchId], proof);
        vm.stopPrank();
        _siblings[a] = lb;
        _siblings[b] = leaf(a);
        _units.push(Unit(batchId, a));
        if (seed % 4 == 0) _units.push(Unit(batchId, b)); // sometimes a unit never dispensed
    }

    function pharmacyClaim(uint256 pick, uint128 amount, uint256 policySeed, bool byInsurer) external {
        if (_units.length == 0) return;
        Unit memory u = _units[pick % _units.length];
        IClaimSettlement.PharmacyClaimInput memory c = IClaimSettlement.PharmacyClaimInput(
            _policies[policySeed % 2],
            pharmacy,
            uint128(bound(amount, 1, 1_500e6)),
            bytes32(pick),
            u.batchId,
            u.serialHash
        );
        address actor = byInsurer ? _insurers[policySeed % 2] : pharmacy;
        vm.prank(actor);
        try claims.submitPharmacyClaim(c) returns (bytes32 id) {
            (, uint64 at,) = provenance.unitDispense(provenance.unitIdOf(u.batchId, u.serialHash));
            assertEq(
                id, claims.pharmacyClaimIdOf(u.batchId, u.serialHash, at), "a pharmacy claim's id is its dispense's"
            );
            _track(id);
        } catch {}
        _absorb(actor);
    }

    function revertDispense(uint256 pick) external {
        if (_units.length == 0) return;
        Unit memory u = _units[pick % _units.length];
        vm.prank(pharmacy);
        try provenance.revertDispense(u.batchId, u.serialHash) {} catch {}
    }

    /// @dev A reverted unit comes back to the pharmacy's stock: dispensed again, it is a new dispense.
    function redispense(uint256 pick) external {
        if (_units.length == 0) return;
        Unit memory u = _units[pick % _units.length];
        (address dispenser,,) = provenance.unitDispense(provenance.unitIdOf(u.batchId, u.serialHash));
        if (dispenser != address(0)) return;
        bytes32[] memory proof = new bytes32[](1);
        proof[0] = _siblings[u.serialHash];
        vm.warp(block.timestamp + 1);
        vm.prank(pharmacy);
        try provenance.dispense(u.batchId, u.serialHash, proof, _shipments[u.batchId], proof) {} catch {}
    }

    /// @dev Insurer B is suspended or reinstated: its policy must then get no new claim, and it decides nothing.
    function toggleInsurerB() external {
        address b = _insurers[1];
        bool active = registry.isActiveMember(b, MemberRoles.INSURER);
        vm.prank(gov);
        if (active) registry.suspendMember(b, "AUDIT");
        else registry.reinstateMember(b);
    }

    /// @dev An attacker acts on an object it does not own (a claim, a unit, a policy), with its own inputs.
    function attack(uint256 who, uint256 pick, uint8 what, uint128 amount) external {
        address actor = _attacker(who);
        bytes32 id = _ids.length == 0 ? keccak256(abi.encode(pick)) : _ids[pick % _ids.length];
        ++attackerCalls;
        what = what % 9;
        if (what == 0) {
            vm.prank(actor);
            try claims.deny(id, 50) {} catch {}
        } else if (what == 1) {
            vm.prank(actor);
            try claims.resolveDispute(id, uint128(bound(amount, 0, 12_000e6))) {} catch {}
        } else if (what == 2) {
            // Its own fresh evidence when it can anchor (the outsider), else a real provider's.
            vm.warp(block.timestamp + 1);
            bytes32 evidence = _anchor(actor == outsider ? outsider : _providers[pick % 2]);
            vm.prank(actor);
            try claims.dispute(id, evidence, bytes32(0), new bytes32[](0)) {} catch {}
        } else if (what == 3) {
            // A claim on the patient's real policies: naming a real provider, or itself.
            IClaimSettlement.ClaimInput memory c = _input(pick, amount, 1, uint32(pick));
            if (pick % 2 == 0) {
                c.provider = actor;
                if (actor == outsider) c.evidenceHash = _anchor(outsider);
            }
            vm.prank(actor);
            try claims.submitClaim(c) returns (bytes32 got) {
                _track(got);
            } catch {}
        } else if (what == 4 || what == 5) {
            // A pharmacy claim for a unit it did not dispense: in the pharmacy's name or its own, on the
            // rogue's throw-away policy or the patient's.
            if (_units.length == 0) return;
            Unit memory u = _units[pick % _units.length];
            IClaimSettlement.PharmacyClaimInput memory c = IClaimSettlement.PharmacyClaimInput(
                what == 4 ? throwawayPolicy : _policies[pick % 2],
                pick % 3 == 0 ? actor : pharmacy,
                uint128(bound(amount, 1, 1_500e6)),
                bytes32(pick),
                u.batchId,
                u.serialHash
            );
            vm.prank(actor);
            try claims.submitPharmacyClaim(c) returns (bytes32 got) {
                _track(got);
            } catch {}
        } else if (what == 6) {
            vm.prank(actor);
            try claims.adjudicate(id) {} catch {}
        } else if (what == 7) {
            // A codes-key commitment: the attacker's own, or a real insurer's (once, then a second key).
            if (pick % 2 == 1) actor = _insurers[pick / 2 % 2];
            vm.prank(actor);
            try claims.commitCodesKey(keccak256(abi.encode(pick))) {} catch {}
        } else {
            vm.prank(actor);
            try claims.withdraw() {} catch {}
        }
        _absorb(actor);
    }

    function withdraw(uint256 who) external {
        _absorb(address(this));
        address provider = who % 3 == 2 ? pharmacy : _providers[who % 2];
        uint256 credit = claims.creditOf(provider);
        uint256 before = token.balanceOf(provider);
        vm.prank(provider);
        try claims.withdraw() {
            withdrawnBy[provider] += credit;
        } catch {
            assertEq(credit, 0, "a provider with a credit can always withdraw it");
        }
        assertEq(token.balanceOf(provider) - before, credit, "the provider receives exactly its credit");
        assertEq(claims.creditOf(provider), 0, "credit cleared");
    }

    function warp(uint32 seconds_) external {
        vm.warp(block.timestamp + bound(seconds_, 0, 5 days));
    }

    /// @dev Moves to the first days of the next policy year (service dates then straddle the boundary).
    function nextPolicyYear(uint32 seconds_) external {
        uint256 yearStart = start + ((block.timestamp - start) / YEAR + 1) * YEAR;
        if (yearStart < start + 2 * YEAR) vm.warp(yearStart + bound(seconds_, 0, 20 days));
    }

    // ------------------------------------------------------------------------------------------
    // Helpers

    function _input(uint256 seed, uint128 amount, uint8 year, uint32 offset)
        internal
        returns (IClaimSettlement.ClaimInput memory c)
    {
        c.policyId = _policies[seed % 2];
        c.provider = _providers[(seed >> 1) % 2];
        c.amount = uint128(bound(amount, 1, amount % 4 == 0 ? 15_000e6 : 1_500e6)); // mostly under the limits
        // A service up to 90 days old (one in eight: in the future, refused), never before the policies.
        uint256 age = bound(offset, 0, 90 days);
        c.serviceDate = uint64(block.timestamp - (age > block.timestamp - start ? block.timestamp - start : age));
        if (year % 8 == 0) c.serviceDate = uint64(block.timestamp + 1 + age);
        c.codesHash = keccak256(abi.encode("codes", ++_nonce % 64 == 0 ? 0 : _nonce)); // rare duplicates
        c.evidenceHash = _anchor(c.provider);
    }

    function _anchor(address provider) internal returns (bytes32 h) {
        h = keccak256(abi.encode("evidence", ++_nonce));
        vm.prank(provider);
        anchors.anchor(h);
    }

    function _attacker(uint256 who) internal view returns (address) {
        uint256 k = who % 5;
        return k == 0 ? rogueInsurer : k == 1 ? outsider : k == 2 ? pharmacy2 : k == 3 ? stranger : _insurers[1];
    }

    /// @dev Who calls settle: anyone (a stranger, a provider accepting a partial payment, an attacker).
    function _settlerOf(uint256 seed) internal view returns (address) {
        uint256 k = seed % 4;
        return k == 0 ? stranger : k == 1 ? _providers[0] : k == 2 ? pharmacy : rogueInsurer;
    }

    function _track(bytes32 id) internal {
        (address policyInsurer,,,,,,) = claims.policyOf(claims.claimOf(id).policyId);
        insurerOf[id] = policyInsurer;
        _ids.push(id);
    }

    /// @dev Checks every ClaimSettlement event since the last call against who caused it (`actor`), and
    /// books the credits; returns how many ClaimSettled events there were.
    function _absorb(address actor) internal returns (uint256 n) {
        Vm.Log[] memory logs = vm.getRecordedLogs();
        for (uint256 i; i < logs.length; ++i) {
            if (logs[i].emitter != address(claims)) continue;
            bytes32 topic = logs[i].topics[0];
            bytes32 id = logs[i].topics.length > 1 ? logs[i].topics[1] : bytes32(0);
            if (topic == IClaimSettlement.ClaimSubmitted.selector) {
                address provider = address(uint160(uint256(logs[i].topics[3])));
                (address insurer,,) = abi.decode(logs[i].data, (address, uint128, uint64));
                providerOf[id] = provider;
                if (!registry.isActiveMember(insurer, MemberRoles.INSURER)) ++claimsOfInactiveInsurers;
                if (actor != provider && actor != insurer) ++decisionsByOthers;
                (, address patient,,,,,) = claims.policyOf(logs[i].topics[2]);
                bool care = consent.hasConsent(patient, provider, 1 << 0, 1 << 1)
                    || consent.hasConsent(patient, provider, 1 << 0, 1 << 3);
                if (!care) ++claimsWithoutCare;
            } else if (topic == IClaimSettlement.PharmacyClaimLinked.selector) {
                bytes32 batchId = logs[i].topics[2];
                bytes32 serialHash = abi.decode(logs[i].data, (bytes32));
                bytes32 unit = provenance.unitIdOf(batchId, serialHash);
                unitOf[id] = unit;
                (address dispenser, uint64 at,) = provenance.unitDispense(unit);
                if (
                    providerOf[id] != actor || dispenser != actor
                        || id != claims.pharmacyClaimIdOf(batchId, serialHash, at)
                ) ++pharmacyClaimsNotByTheirDispenser;
            } else if (topic == IClaimSettlement.ClaimSettled.selector) {
                address provider = address(uint160(uint256(logs[i].topics[2])));
                uint256 amount = abi.decode(logs[i].data, (uint256));
                if (provider != providerOf[id]) ++creditsToOthers;
                if (++settledCount[id] > 1) ++doubleSettlements;
                credited[provider] += amount;
                creditedFrom[insurerOf[id]] += amount;
                ++settlements;
                ++n;
            } else if (
                topic == IClaimSettlement.ClaimDenied.selector || topic == IClaimSettlement.DisputeResolved.selector
            ) {
                address insurer = address(uint160(uint256(logs[i].topics[2])));
                if (
                    insurer != actor || insurer != insurerOf[id]
                        || !registry.isActiveMember(insurer, MemberRoles.INSURER)
                ) ++decisionsByOthers;
            } else if (topic == IClaimSettlement.CodesKeyCommitted.selector) {
                address insurer = address(uint160(uint256(logs[i].topics[1])));
                if (insurer != actor || committedKey[insurer]) ++decisionsByOthers;
                committedKey[insurer] = true;
                ++keyCommitments;
            } else if (topic == IClaimSettlement.ClaimDisputed.selector) {
                address provider = address(uint160(uint256(logs[i].topics[2])));
                if (provider != actor || provider != providerOf[id]) ++decisionsByOthers;
            }
        }
    }
}

/// @notice ClaimSettlement's NatSpec money invariants under random sequences of every state change.
contract ClaimSettlementInvariants is Fixture {
    bytes32 internal constant POLICY_B = bytes32("POLICY-B");
    uint128 internal constant LIMIT_B = 3_000e6;
    address internal insurerB = address(0x1276);
    address internal rogue = address(0xB0B);
    address internal throwaway = address(0xDEAD);
    address internal outsider = address(0x0D0C);
    bytes32 internal constant THROWAWAY = bytes32("THROWAWAY");
    ClaimsHandler internal handler;

    function setUp() public {
        deployClaimsWorld(0);
        vm.prank(gov);
        registry.registerMember(insurerB, MemberRoles.INSURER, keccak256("insurer B licence"));
        vm.prank(patient);
        consent.grant(patient, insurerB, HPAYMT, BILLING, start + 3 * 365 days);
        vm.prank(insurerB);
        claims.registerPolicy(POLICY_B, patient, LIMIT_B, 0, 0, start, start + 2 * 365 days);
        token.mint(insurerB, 1e15);
        vm.prank(insurerB);
        token.approve(address(claims), type(uint256).max);

        registerSupplyChainWithCare();
        handler = new ClaimsHandler(
            claims, anchors, token, start, [insurer, insurerB], [POLICY, POLICY_B], [hospital, clinic]
        );
        handler.useSupplyChain(provenance, maker, pharmacy);

        // Attackers: a rogue insurer with a throw-away policy for an address of its own (consenting to it
        // and to both pharmacies), a provider the patient never consented to.
        vm.startPrank(gov);
        registry.registerMember(rogue, MemberRoles.INSURER, keccak256("rogue licence"));
        registry.registerMember(outsider, MemberRoles.PROVIDER, keccak256("outsider licence"));
        vm.stopPrank();
        vm.prank(rogue);
        claims.registerPolicy(THROWAWAY, throwaway, LIMIT, 0, 0, start, start + 2 * 365 days);
        vm.startPrank(throwaway);
        consent.grant(throwaway, rogue, HPAYMT, BILLING, start + 3 * 365 days);
        consent.grant(throwaway, pharmacy, CARE_TREAT, CARE_MEDICATIONS, start + 3 * 365 days);
        consent.grant(throwaway, pharmacy2, CARE_TREAT, CARE_MEDICATIONS, start + 3 * 365 days);
        vm.stopPrank();
        handler.useAttackers(registry, consent, gov, rogue, THROWAWAY, outsider, pharmacy2, stranger);
        for (uint256 i; i < 2; ++i) {
            address ins = i == 0 ? insurer : insurerB;
            vm.prank(ins);
            claims.fund(5_000e6);
            handler.noteFunded(ins, 5_000e6);
        }
        targetContract(address(handler));
        bytes4[] memory selectors = new bytes4[](22);
        selectors[0] = ClaimsHandler.submit.selector;
        selectors[1] = ClaimsHandler.submitBatch.selector;
        selectors[2] = ClaimsHandler.fund.selector;
        selectors[3] = ClaimsHandler.withdrawFunds.selector;
        selectors[4] = ClaimsHandler.adjudicate.selector;
        selectors[5] = ClaimsHandler.deny.selector;
        selectors[6] = ClaimsHandler.dispute.selector;
        selectors[7] = ClaimsHandler.resolve.selector;
        selectors[8] = ClaimsHandler.settle.selector;
        selectors[9] = ClaimsHandler.withdraw.selector;
        selectors[10] = ClaimsHandler.warp.selector;
        selectors[11] = ClaimsHandler.submit.selector; // submissions twice as often
        selectors[12] = ClaimsHandler.dispute.selector; // disputes twice as often
        selectors[13] = ClaimsHandler.nextPolicyYear.selector;
        selectors[14] = ClaimsHandler.dispenseFresh.selector;
        selectors[15] = ClaimsHandler.pharmacyClaim.selector;
        selectors[16] = ClaimsHandler.revertDispense.selector;
        selectors[17] = ClaimsHandler.redispense.selector;
        selectors[18] = ClaimsHandler.toggleInsurerB.selector;
        selectors[19] = ClaimsHandler.attack.selector;
        selectors[20] = ClaimsHandler.attack.selector; // attacks three times as often
        selectors[21] = ClaimsHandler.attack.selector;
        targetSelector(FuzzSelector(address(handler), selectors));
    }

    /// @dev Per insurer: funded − withdrawn = available + reserved + credited to providers from its pool,
    /// and reserved = Σ payable of its claims holding a reservation. The contract's token balance =
    /// Σ (available + reserved) + Σ provider credits. Nobody withdraws more than they were credited.
    /// A claim is credited at most once, and a credited claim stays Settled. Per policy and year,
    /// paid = Σ payable of its claims and never exceeds the annual limit. A credited pharmacy claim's unit
    /// is dispensed by its pharmacy, past the revert window.
    function invariant_money() public view {
        bytes32[] memory ids = handler.ids();
        address[2] memory insurers = [insurer, insurerB];
        uint256[2] memory reservedByClaims;
        uint256[3][2] memory paidByClaims;
        for (uint256 i; i < ids.length; ++i) {
            IClaimSettlement.ClaimView memory v = claims.claimOf(ids[i]);
            uint256 p = v.policyId == POLICY ? 0 : 1;
            paidByClaims[p][v.policyYear] += v.payable_;
            if (
                v.status == IClaimSettlement.Status.Approved || v.status == IClaimSettlement.Status.Partial
                    || v.status == IClaimSettlement.Status.Disputed || v.status == IClaimSettlement.Status.Resolved
            ) reservedByClaims[p] += v.payable_;
            uint256 count = handler.settledCount(ids[i]);
            assertLe(count, 1, "a claim is credited at most once");
            if (count == 1) assertEq(uint256(v.status), uint256(IClaimSettlement.Status.Settled), "credited: settled");
            if (count == 1 && v.pharmacyClaim) {
                bytes32 unit = handler.unitOf(ids[i]);
                (address dispenser, uint64 at, uint64 revertibleUntil) = provenance.unitDispense(unit);
                assertEq(dispenser, v.provider, "a paid pharmacy claim's unit was dispensed by its pharmacy");
                assertEq(keccak256(abi.encode(unit, at)), ids[i], "... in the very dispense it claimed");
                assertGe(block.timestamp, revertibleUntil, "... and that dispense can no longer be reverted");
            }
        }
        uint256 pools;
        for (uint256 i; i < 2; ++i) {
            (uint256 available, uint256 reserved) = claims.poolOf(insurers[i]);
            pools += available + reserved;
            assertEq(
                handler.funded(insurers[i]) - handler.withdrawnFunds(insurers[i]),
                available + reserved + handler.creditedFrom(insurers[i]),
                "funded - withdrawn = available + reserved + credited from the pool"
            );
            assertEq(reserved, reservedByClaims[i], "reserved = payable of the claims holding a reservation");
            bytes32 policy = i == 0 ? POLICY : POLICY_B;
            uint256 limit = i == 0 ? LIMIT : LIMIT_B;
            for (uint256 year; year < 3; ++year) {
                (, uint256 paid) = claims.usageOf(policy, year);
                assertLe(paid, limit, "never over the annual limit");
                assertEq(paid, paidByClaims[i][year], "paid = payable of the year's claims");
            }
        }
        uint256 credits;
        for (uint256 i; i < 3; ++i) {
            address provider = i == 0 ? hospital : i == 1 ? clinic : pharmacy;
            uint256 credit = claims.creditOf(provider);
            credits += credit;
            assertEq(
                handler.withdrawnBy(provider) + credit, handler.credited(provider), "withdrawn + credit = credited"
            );
            assertLe(handler.withdrawnBy(provider), handler.credited(provider), "nobody withdraws more than credited");
        }
        assertEq(token.balanceOf(address(claims)), pools + credits, "the contract holds exactly pools + credits");
        assertEq(handler.doubleSettlements(), 0, "never paid twice");
    }

    /// @dev Ownership and finality, from the events as they happened: only the dispensing pharmacy's
    /// ClaimSubmitted for a dispense (its id naming that dispense); a credit only to the claim's provider;
    /// no claim settled twice; a non-active insurer's policy never gets a new claim; no claim without the
    /// patient's care consent to its provider; only the policy's active insurer denies or resolves, only
    /// the claim's provider disputes, only the provider or the insurer submits.
    function invariant_ownership() public view {
        assertEq(handler.pharmacyClaimsNotByTheirDispenser(), 0, "only the dispensing pharmacy claims a dispense");
        assertEq(handler.creditsToOthers(), 0, "a credit only to the claim's provider");
        assertEq(handler.doubleSettlements(), 0, "no claim settled twice");
        assertEq(handler.claimsOfInactiveInsurers(), 0, "a non-active insurer's policy never gets a new claim");
        assertEq(handler.claimsWithoutCare(), 0, "no claim without a care relationship");
        assertEq(handler.decisionsByOthers(), 0, "only the owner decides (a codes-key commitment: its insurer, once)");
        (,,,,,, uint64 validUntil) = claims.policyOf(THROWAWAY);
        assertGt(validUntil, 0, "the throw-away policy exists");
    }
}
