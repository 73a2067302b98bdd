"""The genesis edits of net.sh: one denomination (``atest``, 18 decimals) for staking, governance, the
EVM and minting; the native token's ERC-20 pair; the block gas limit (CometBFT counts each transaction's
gas limit against it, so it sets how many full batch transactions a block holds); a downtime window of
SIGNED_WINDOW blocks (a validator down for half of it is jailed until it sends an unjail transaction);
with ``--zero-fee``, no base fee.

usage: python genesis.py GENESIS.json DENOM MAX_GAS SIGNED_WINDOW [--zero-fee]
"""

import json
import sys

path, denom, max_gas, window = sys.argv[1:5]
with open(path) as f:
    genesis = json.load(f)
app = genesis["app_state"]
app["staking"]["params"]["bond_denom"] = denom
app["gov"]["params"]["min_deposit"][0]["denom"] = denom
app["gov"]["params"]["expedited_min_deposit"][0]["denom"] = denom
app["evm"]["params"]["evm_denom"] = denom
app["mint"]["params"]["mint_denom"] = denom
app["bank"]["denom_metadata"] = [
    {
        "description": "test",
        "denom_units": [
            {"denom": denom, "exponent": 0, "aliases": []},
            {"denom": "test", "exponent": 18, "aliases": []},
        ],
        "base": denom,
        "display": "test",
        "name": "Test",
        "symbol": "TEST",
        "uri": "",
        "uri_hash": "",
    }
]
native = "0xEeeeeEeeeEeEeeEeEeEeeEEEeeeeEeeeeeeeEEeE"
app["erc20"]["native_precompiles"] = [native]
app["erc20"]["token_pairs"] = [{"contract_owner": 1, "erc20_address": native, "denom": denom, "enabled": True}]
genesis["consensus"]["params"]["block"]["max_gas"] = max_gas
app["slashing"]["params"]["signed_blocks_window"] = window
if "--zero-fee" in sys.argv[5:]:
    fees = app["feemarket"]["params"]
    fees.update(no_base_fee=True, base_fee="0", min_gas_multiplier="0")
with open(path, "w") as f:
    json.dump(genesis, f, indent=1)
