"""The chain layer: ABI facts derived from the shipped ABIs (:mod:`medchain.chain.abi`) and one paged
``eth_getLogs`` reader over the JSON-RPC transport (:mod:`medchain.chain.logs`)."""
