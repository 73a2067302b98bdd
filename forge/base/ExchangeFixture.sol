// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {Fixture} from "./Fixture.sol";
import {RecordExchange} from "../../contracts/exchange/RecordExchange.sol";

/// @title ExchangeFixture
/// @notice The suite of {Fixture} plus RecordExchange, and compressed secp256k1 public keys to register
/// (multiples of the generator, computed off line with coincurve) and malformed ones to refuse.
abstract contract ExchangeFixture is Fixture {
    uint256 internal constant TREAT = 1 << 0;
    uint256 internal constant ETREAT = 1 << 5;
    uint256 internal constant ENCOUNTERS = 1 << 1;
    uint256 internal constant LABORATORY = 1 << 4;
    uint256 internal constant MENTAL_HEALTH = 1 << 10;

    /// @dev G, its negation (same x, odd y), 2G and 3G.
    bytes internal constant KEY_G = hex"0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798";
    bytes internal constant KEY_G_ODD = hex"0379be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798";
    bytes internal constant KEY_2G = hex"02c6047f9441ed7d6d3045406e95c07cd85c778e4b8cef3ca7abac09b95c709ee5";
    bytes internal constant KEY_3G = hex"02f9308a019258c31049344f85f89d5229b531c845836f99b08601f113bce036f9";

    /// @dev x = 5: 5³ + 7 = 132 is not a square mod p, so no point has this x.
    bytes internal constant KEY_OFF_CURVE = hex"020000000000000000000000000000000000000000000000000000000000000005";
    /// @dev x = p + 1, not a field element; x mod p = 1 has a point, so only the range check refuses it.
    bytes internal constant KEY_X_ABOVE_P = hex"02fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc30";
    /// @dev G's x with the uncompressed prefix but no y.
    bytes internal constant KEY_BAD_PREFIX = hex"0479be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798";
    /// @dev G uncompressed (65 bytes): a valid point, but not the compressed form the contract stores.
    bytes internal constant KEY_UNCOMPRESSED =
        hex"0479be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8";

    RecordExchange internal exchange;

    function deployExchange() internal {
        deploySuite();
        exchange = new RecordExchange(registry, consent, anchors);
    }

    /// @dev `account` registers `key`.
    function registerKey(address account, bytes memory key) internal {
        vm.prank(account);
        exchange.setEncryptionKey(key);
    }

    /// @dev The patient consents to `grantee` for `purposes` and `categories` for `duration` seconds.
    function consentTo(address grantee, uint256 purposes, uint256 categories, uint64 duration) internal {
        vm.prank(patient);
        consent.grant(patient, grantee, purposes, categories, uint64(block.timestamp) + duration);
    }
}
