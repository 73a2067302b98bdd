#!/bin/bash
# A 4-validator Cosmos EVM chain (CometBFT) on 127.0.0.1 with medevmd (make consortium-engine):
# EVM chain id $EVMD_EVM_CHAIN_ID (1337), blocks every $TIMEOUT_COMMIT (1s), final at once; ZEROFEE=1 for
# zero gas prices (genesis.py edits the genesis); FUND: the Ethereum addresses funded in genesis
# (default: anvil's first account); MAX_GAS: a block's gas (120,000,000); SIGNED_WINDOW: the downtime window.
# JSON-RPC on 8545, 8555, 8565, 8575; node homes and logs under .cache/consortium ($CONSORTIUM_HOME).
# usage: net.sh init | start | stop | start1 N | kill1 N
set -euo pipefail
B=${MEDEVMD:-$(cd "$(dirname "$0")/.." && pwd)/.cache/evmd/medevmd-v0.3.2}
R=${CONSORTIUM_HOME:-$(cd "$(dirname "$0")/.." && pwd)/.cache/consortium}
export EVMD_EVM_CHAIN_ID=${EVMD_EVM_CHAIN_ID:-1337}
CHAINID=medchain-local-1
D=atest
N=4
TC=${TIMEOUT_COMMIT:-1s}
PY=${PYTHON:-python3}
MAX_GAS=${MAX_GAS:-120000000}          # gas a block holds: 7 full batch transactions (16,777,216 each)
SIGNED_WINDOW=${SIGNED_WINDOW:-1000}   # blocks: a validator down for half of them is jailed
ports() { local i=$1; P2P=$((26656+100*i)); RPC=$((26657+100*i)); GRPC=$((9090+100*i)); JR=$((8545+10*i)); WS=$((8546+10*i)); PPROF=$((6060+100*i)); }
case "${1:-}" in
init)
  rm -rf "$R"; mkdir -p "$R"
  for i in $(seq 0 $((N-1))); do
    H=$R/node$i
    $B init node$i --chain-id $CHAINID --home $H >/dev/null 2>&1
    $B config set client chain-id $CHAINID --home $H >/dev/null
    $B config set client keyring-backend test --home $H >/dev/null
    $B keys add val$i --keyring-backend test --algo eth_secp256k1 --home $H >/dev/null 2>&1
    sed -i "s/^timeout_commit = .*/timeout_commit = \"$TC\"/; s/^allow_duplicate_ip = .*/allow_duplicate_ip = true/; s/^addr_book_strict = .*/addr_book_strict = false/" $H/config/config.toml
    sed -i "s/^minimum-gas-prices = .*/minimum-gas-prices = \"0$D\"/; s/^evm-chain-id = .*/evm-chain-id = $EVMD_EVM_CHAIN_ID/" $H/config/app.toml
  done
  G=$R/node0/config/genesis.json
  "$PY" "$(dirname "$0")/genesis.py" $G $D $MAX_GAS $SIGNED_WINDOW $([ "${ZEROFEE:-0}" = 1 ] && echo --zero-fee)
  for i in $(seq 0 $((N-1))); do
    A=$($B keys show val$i -a --keyring-backend test --home $R/node$i)
    $B genesis add-genesis-account $A 100000000000000000000000$D --home $R/node0
  done
  for F in ${FUND:-0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266}; do  # 1,000,000 TEST each
    A0=$($B debug addr ${F#0x} | awk '/Bech32 Acc/{print $3}')
    $B genesis add-genesis-account $A0 1000000000000000000000000$D --home $R/node0
  done
  for i in $(seq 0 $((N-1))); do
    if [ $i -gt 0 ]; then cp $G $R/node$i/config/genesis.json; fi
    $B genesis gentx val$i 1000000000000000000000$D --keyring-backend test --chain-id $CHAINID --home $R/node$i >/dev/null 2>&1
    if [ $i -gt 0 ]; then cp $R/node$i/config/gentx/*.json $R/node0/config/gentx/; fi
  done
  $B genesis collect-gentxs --home $R/node0 >/dev/null 2>&1
  $B genesis validate --home $R/node0
  PEERS=""
  for i in $(seq 0 $((N-1))); do
    if [ $i -gt 0 ]; then cp $G $R/node$i/config/genesis.json; fi
    ports $i; PEERS="$PEERS${PEERS:+,}$($B comet show-node-id --home $R/node$i)@127.0.0.1:$P2P"
  done
  echo "$PEERS" > $R/peers
  echo "init done: $N validators"
  ;;
start1)
  i=$2; ports $i; H=$R/node$i
  GOMAXPROCS=1 nohup $B start --home $H --minimum-gas-prices=0$D \
    --p2p.laddr tcp://127.0.0.1:$P2P --rpc.laddr tcp://127.0.0.1:$RPC --grpc.address 127.0.0.1:$GRPC \
    --rpc.pprof_laddr 127.0.0.1:$PPROF --p2p.persistent_peers "$(cat $R/peers)" \
    --json-rpc.enable --json-rpc.api eth,txpool,net,web3 --json-rpc.address 127.0.0.1:$JR --json-rpc.ws-address 127.0.0.1:$WS \
    > $R/node$i.log 2>&1 &
  echo $! > $R/node$i.pid; echo "node$i pid $(cat $R/node$i.pid) json-rpc 127.0.0.1:$JR"
  ;;
start) for i in $(seq 0 $((N-1))); do "$0" start1 $i; done ;;
kill1) kill -9 $(cat $R/node$2.pid); echo "SIGKILLed node$2" ;;
stop) for i in $(seq 0 $((N-1))); do [ -f $R/node$i.pid ] && kill $(cat $R/node$i.pid) 2>/dev/null || true; done ;;
*) echo "usage"; exit 2 ;;
esac
