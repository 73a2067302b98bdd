"""The chain layer: the one JSON-RPC transport every part of medchain talks to a node through
(:mod:`medchain.chain.rpc`)."""
