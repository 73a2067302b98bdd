// Command medevmd is upstream cosmos/evm v0.3.2 cmd/evmd with one change:
// the EVM chain id (EIP-155) is taken from $EVMD_EVM_CHAIN_ID (default 1337)
// instead of the hard-coded 262144. Everything else is the upstream example chain.
package main

import (
	"fmt"
	"os"
	"strconv"

	"github.com/cosmos/evm/cmd/evmd/cmd"
	evmdconfig "github.com/cosmos/evm/cmd/evmd/config"
	examplechain "github.com/cosmos/evm/evmd"

	svrcmd "github.com/cosmos/cosmos-sdk/server/cmd"
	sdk "github.com/cosmos/cosmos-sdk/types"
)

func main() {
	config := sdk.GetConfig()
	evmdconfig.SetBech32Prefixes(config)
	config.Seal()

	id := uint64(1337)
	if s := os.Getenv("EVMD_EVM_CHAIN_ID"); s != "" {
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			fmt.Fprintln(os.Stderr, "bad EVMD_EVM_CHAIN_ID:", err)
			os.Exit(2)
		}
		id = v
	}
	// 18-decimal "atest" coin, as upstream uses for 262144.
	evmdconfig.ChainsCoinInfo[id] = evmdconfig.ChainsCoinInfo[evmdconfig.CosmosChainID]
	// First call seals the global EVM config; the later calls with 262144 inside
	// upstream's root command and app constructor become no-ops.
	if err := examplechain.EvmAppOptions(id); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}

	rootCmd := cmd.NewRootCmd()
	if err := svrcmd.Execute(rootCmd, "evmd", examplechain.DefaultNodeHome); err != nil {
		fmt.Fprintln(rootCmd.OutOrStderr(), err)
		os.Exit(1)
	}
}
