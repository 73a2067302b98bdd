// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @notice Test-only stable token (6 decimals, like USDC) with open minting, for local chains.
contract TestStableToken is ERC20 {
    constructor() ERC20("medchain Test USD", "mUSD") {}

    function decimals() public pure override returns (uint8) {
        return 6;
    }

    /// @notice Mints `amount` to `to` (anyone may: test chains only).
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }
}
