"""The chain layer: the one JSON-RPC transport every part of medchain talks to a node through
(:mod:`medchain.chain.rpc`), ABI facts derived from the shipped ABIs (:mod:`medchain.chain.abi`) and one
paged ``eth_getLogs`` reader over that transport (:mod:`medchain.chain.logs`)."""
