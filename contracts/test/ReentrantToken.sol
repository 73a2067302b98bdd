// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @notice Test-only token with an ERC-777-style receive hook: after every transfer to a contract it
/// calls `tokensReceived` on the recipient, giving a malicious recipient a chance to re-enter.
contract ReentrantToken is ERC20 {
    constructor() ERC20("Hooked USD", "hUSD") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function _update(address from, address to, uint256 value) internal override {
        super._update(from, to, value);
        if (from != address(0) && to.code.length != 0) {
            // Like an ERC-777 hook, optional: recipients without one simply fail the call, which is ignored.
            (bool ok,) = to.call(abi.encodeCall(MaliciousProvider.tokensReceived, (from, value)));
            ok; // the outcome does not matter to the transfer
        }
    }
}

/// @notice Test-only provider contract that, when paid, tries to withdraw again from the payer.
contract MaliciousProvider {
    bool public reentered;
    bytes public reentryError;

    /// @notice Acts as this provider: forwards `data` to `target` (submit claims, withdraw, ...).
    function act(address target, bytes calldata data) external returns (bytes memory) {
        (bool ok, bytes memory ret) = target.call(data);
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(ret, 32), mload(ret))
            }
        }
        return ret;
    }

    /// @notice The hook: re-enter `withdraw()` on the contract that paid us, and record the outcome.
    function tokensReceived(address from, uint256) external {
        if (reentered) return;
        reentered = true;
        (bool ok, bytes memory err) = from.call(abi.encodeWithSignature("withdraw()"));
        reentryError = ok ? bytes("") : err;
    }
}
