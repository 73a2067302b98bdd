// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {Fixture} from "../base/Fixture.sol";
import {Test} from "../base/Test.sol";
import {Vm} from "../base/Vm.sol";
import {ConsortiumRegistry} from "../../contracts/access/ConsortiumRegistry.sol";
import {MemberRoles} from "../../contracts/access/MemberRoles.sol";
import {IConsortiumRegistry} from "../../contracts/interfaces/IConsortiumRegistry.sol";
import {GatedProbe} from "../../contracts/test/GatedProbe.sol";

/// @notice Drives ConsortiumRegistry with random register, update, remove, renounce, suspend,
/// reinstate and direct grant/revoke calls by the admin, two regulators (either may go rogue or be
/// suspended), members, suspended members and non-members, aimed at each other and at governance; rebuilds
/// membership and suspensions from the registry's own events, and checks every suspension and
/// reinstatement against the scope rules, and a gated contract against the registry's views.
contract RegistryHandler is Test {
    ConsortiumRegistry public immutable registry;
    address public immutable gov;
    GatedProbe public immutable probe;

    /// @dev Five accounts and governance itself (which may also hold member roles).
    address[6] internal _actors =
        [address(0xA1), address(0xA2), address(0xA3), address(0xA4), address(0xA5), address(0)];
    bytes32[7] internal _roles = MemberRoles.all();

    /// @dev Membership rebuilt from MemberRegistered / MemberRemoved events only.
    mapping(address account => uint8 mask) public fromEvents;
    /// @dev Suspension rebuilt from MemberSuspended / MemberReinstated events only.
    mapping(address account => bool suspended) public suspendedFromEvents;
    /// @dev Who imposed the current suspension, from MemberSuspended events only.
    mapping(address account => address suspender) public suspenderFromEvents;
    /// @dev Direct grantRole/revokeRole of a member role that went through (must stay 0).
    uint256 public directChanges;
    /// @dev Suspensions by a regulator of a regulator or of governance, or by anyone not entitled (must stay 0).
    uint256 public suspensionsOutOfScope;
    /// @dev Suspensions lifted by someone other than governance or the regulator that imposed them (must stay 0).
    uint256 public liftsByOthers;
    /// @dev Events naming an actor other than the caller as suspender or reinstater (must stay 0).
    uint256 public misattributed;
    /// @dev Gated calls whose outcome differed from isActiveMember / isActive (must stay 0).
    uint256 public gateMismatches;
    uint256 public calls;
    address internal _sender;

    constructor(ConsortiumRegistry registry_, address gov_) {
        registry = registry_;
        gov = gov_;
        _actors[5] = gov_;
        probe = new GatedProbe(registry_);
        vm.recordLogs();
    }

    function actors() external view returns (address[6] memory) {
        return _actors;
    }

    function actor(uint256 seed) internal view returns (address) {
        return _actors[seed % _actors.length];
    }

    function role(uint256 seed) internal view returns (bytes32) {
        // One in eight picks a role the registry does not know.
        return seed % 8 == 7 ? keccak256("JANITOR_ROLE") : _roles[seed % 8];
    }

    /// @dev The admin, or an actor (who may be an active regulator, a suspended one, or nobody).
    function caller(uint256 seed) internal view returns (address) {
        return seed % 3 == 0 ? gov : actor(seed / 3);
    }

    function register(uint256 who, uint256 r, bytes32 credential) external {
        _prank(caller(who / 5));
        try registry.registerMember(actor(who), role(r), credential) {} catch {}
        _absorbEvents();
    }

    function updateCredential(uint256 who, uint256 r, bytes32 credential) external {
        vm.prank(gov);
        try registry.updateCredential(actor(who), role(r), credential) {} catch {}
        _absorbEvents();
    }

    function remove(uint256 who, uint256 r, bytes32 reason) external {
        _prank(caller(who / 5));
        try registry.removeMember(actor(who), role(r), reason) {} catch {}
        _absorbEvents();
    }

    function renounce(uint256 who, uint256 r) external {
        vm.prank(actor(who));
        try registry.renounceRole(role(r), actor(who)) {} catch {}
        _absorbEvents();
    }

    function suspend(uint256 by, uint256 who, bytes32 reason) external {
        _prank(caller(by));
        try registry.suspendMember(actor(who), reason) {} catch {}
        _absorbEvents();
    }

    function reinstate(uint256 by, uint256 who) external {
        _prank(caller(by));
        try registry.reinstateMember(actor(who)) {} catch {}
        _absorbEvents();
    }

    /// @notice An actor (member, suspended, removed or never registered) calls a provider-gated contract:
    /// it passes exactly when the registry's views say the actor is an active provider.
    function ping(uint256 who) external {
        address a = actor(who);
        bool active = registry.isActiveMember(a, MemberRoles.PROVIDER);
        if (active && !registry.isActive(a)) ++gateMismatches;
        vm.prank(a);
        try probe.ping() {
            if (!active) ++gateMismatches;
        } catch {
            if (active) ++gateMismatches;
        }
        _absorbEvents();
    }

    function _prank(address sender) internal {
        _sender = sender;
        vm.prank(sender);
    }

    /// @dev Whether `account` is an active regulator by the events seen so far.
    function _activeRegulatorFromEvents(address account) internal view returns (bool) {
        return fromEvents[account] & MemberRoles.bit(MemberRoles.REGULATOR) != 0 && !suspendedFromEvents[account];
    }

    function directGrantOrRevoke(uint256 who, uint256 r, bool grant) external {
        vm.prank(gov);
        if (grant) {
            try registry.grantRole(role(r), actor(who)) {
                if (MemberRoles.bit(role(r)) != 0) ++directChanges;
            } catch {}
        } else {
            try registry.revokeRole(role(r), actor(who)) {
                if (MemberRoles.bit(role(r)) != 0) ++directChanges;
            } catch {}
        }
        _absorbEvents();
    }

    function _absorbEvents() internal {
        ++calls;
        Vm.Log[] memory logs = vm.getRecordedLogs();
        for (uint256 i; i < logs.length; ++i) {
            if (logs[i].emitter != address(registry)) continue;
            bytes32 sig = logs[i].topics[0];
            if (sig == IConsortiumRegistry.MemberRegistered.selector) {
                address account = address(uint160(uint256(logs[i].topics[1])));
                fromEvents[account] |= MemberRoles.bit(logs[i].topics[2]);
            } else if (sig == IConsortiumRegistry.MemberRemoved.selector) {
                address account = address(uint160(uint256(logs[i].topics[1])));
                fromEvents[account] &= ~MemberRoles.bit(logs[i].topics[2]);
            } else if (sig == IConsortiumRegistry.MemberSuspended.selector) {
                address account = address(uint160(uint256(logs[i].topics[1])));
                address by = address(uint160(uint256(logs[i].topics[3])));
                if (by != _sender) ++misattributed;
                if (by != gov) {
                    // A regulator: active, and aiming at neither a regulator nor governance.
                    if (!_activeRegulatorFromEvents(by)) ++suspensionsOutOfScope;
                    if (fromEvents[account] & MemberRoles.bit(MemberRoles.REGULATOR) != 0 || account == gov) {
                        ++suspensionsOutOfScope;
                    }
                }
                suspendedFromEvents[account] = true;
                suspenderFromEvents[account] = by;
            } else if (sig == IConsortiumRegistry.MemberReinstated.selector) {
                address account = address(uint160(uint256(logs[i].topics[1])));
                address by = address(uint160(uint256(logs[i].topics[2])));
                if (by != _sender) ++misattributed;
                if (by != gov && (by != suspenderFromEvents[account] || !_activeRegulatorFromEvents(by))) {
                    ++liftsByOthers;
                }
                suspendedFromEvents[account] = false;
                suspenderFromEvents[account] = address(0);
            }
        }
    }
}

/// @notice ConsortiumRegistry's NatSpec invariants under random sequences of every state change.
contract ConsortiumRegistryInvariants is Fixture {
    RegistryHandler internal handler;

    function setUp() public {
        registry = new ConsortiumRegistry(gov, 0);
        handler = new RegistryHandler(registry, gov);
        // The admin registers two actors as regulators, so regulators' suspend/reinstate paths run,
        // and one regulator can aim at the other; one actor as a provider, for the gated contract.
        address[6] memory a = handler.actors();
        vm.startPrank(gov);
        registry.registerMember(a[0], MemberRoles.REGULATOR, keccak256("mandate"));
        registry.registerMember(a[1], MemberRoles.REGULATOR, keccak256("mandate 2"));
        registry.registerMember(a[2], MemberRoles.PROVIDER, keccak256("licence"));
        vm.stopPrank();
        handler.reinstate(0, 4); // absorbs the registration events (the call itself is refused)

        bytes4[] memory selectors = new bytes4[](10);
        selectors[0] = RegistryHandler.register.selector;
        selectors[1] = RegistryHandler.updateCredential.selector;
        selectors[2] = RegistryHandler.remove.selector;
        selectors[3] = RegistryHandler.renounce.selector;
        selectors[4] = RegistryHandler.suspend.selector;
        selectors[5] = RegistryHandler.reinstate.selector;
        selectors[6] = RegistryHandler.directGrantOrRevoke.selector;
        selectors[7] = RegistryHandler.ping.selector;
        selectors[8] = RegistryHandler.suspend.selector; // suspensions twice as often: more scopes to test
        selectors[9] = RegistryHandler.reinstate.selector;
        targetContract(address(handler));
        targetSelector(FuzzSelector(address(handler), selectors));
    }

    /// @dev isActiveMember(a, r) is true exactly when hasRole(r, a), r is a member role and a is not
    /// suspended; the packed mask equals the member roles held in AccessControl; the event trail alone
    /// reconstructs membership and suspension; grantRole/revokeRole never change a member role.
    function invariant_membership() public view {
        address[6] memory a = handler.actors();
        bytes32[7] memory roles = MemberRoles.all();
        for (uint256 i; i < a.length; ++i) {
            IConsortiumRegistry.Member memory m = registry.memberOf(a[i]);
            uint8 mask;
            for (uint256 j; j < roles.length; ++j) {
                bool held = registry.hasRole(roles[j], a[i]);
                if (held) mask |= uint8(1 << j);
                assertEq(
                    registry.isActiveMember(a[i], roles[j]),
                    held && m.suspendedAt == 0,
                    "active = held and not suspended"
                );
                assertEq(
                    registry.credentialOf(a[i], roles[j]) != bytes32(0), held, "a credential exactly for roles held"
                );
            }
            assertEq(m.roles, mask, "packed mask = roles held in AccessControl");
            assertEq(handler.fromEvents(a[i]), mask, "events reconstruct membership");
            assertEq(handler.suspendedFromEvents(a[i]), m.suspendedAt != 0, "events reconstruct suspension");
            assertEq(handler.suspenderFromEvents(a[i]), m.suspendedBy, "events reconstruct who suspended");
            assertEq(registry.isActive(a[i]), mask != 0 && m.suspendedAt == 0, "isActive = any role, not suspended");
            assertFalse(registry.isActiveMember(a[i], keccak256("JANITOR_ROLE")), "unknown roles never active");
            assertEq(registry.rolesOf(a[i]).length, _popcount(mask), "rolesOf lists the roles held");
            if (mask != 0) assertGt(m.registeredAt, 0, "a member has a registration time");
        }
        assertEq(handler.directChanges(), 0, "member roles never change through grantRole/revokeRole");
        assertEq(handler.suspensionsOutOfScope(), 0, "a regulator never suspends a regulator or governance");
        assertEq(handler.liftsByOthers(), 0, "only governance or the suspending regulator lifts a suspension");
        assertEq(handler.misattributed(), 0, "events name the caller");
        assertEq(handler.gateMismatches(), 0, "a gated contract answers as the registry's views");
        assertEq(registry.defaultAdmin(), gov, "governance keeps the admin role");
    }

    function _popcount(uint8 x) internal pure returns (uint256 n) {
        for (; x != 0; x &= x - 1) {
            ++n;
        }
    }
}
