#!/usr/bin/env node
// Cross-check helper for tests/records/test_merkle.py: runs @openzeppelin/merkle-tree's
// StandardMerkleTree on inputs written by the Python tests.
//
// Usage: node tests/records/merkle_check.js <in.json> <out.json>
//
// <in.json> is either a single job or {"jobs": [job, ...]}; <out.json> gets the matching result
// (or {"results": [result, ...]}). A job that throws yields {"error": "<message>"} instead.
//
//   {"op": "build", "values": ["0x..", ...], "options": {...}}   ("op" defaults to "build";
//                                                                 "options", e.g. {"sortLeaves": false},
//                                                                 is optional)
//     -> {"root", "proofs": [proof of values[i], ...], "leaves": [leaf hash of values[i], ...],
//         "dump": tree.dump()}
//     built with StandardMerkleTree.of(values.map(v => [v]), ["bytes32"], options).
//
//   {"op": "verify", "dump": <a standard-v1 dump>, "proofs": [[..], ..], "claims": [{"value", "proof"}, ..]}
//     -> {"root", "length", "values", "proofs": [tree.getProof(i), ...],
//         "verifyByIndex": [tree.verify(i, proofs[i]), ...],
//         "verifyStatic": [StandardMerkleTree.verify(root, ["bytes32"], [values[i]], proofs[i]), ...],
//         "claims": [StandardMerkleTree.verify(root, ["bytes32"], [claim.value], claim.proof), ...]}
//     after StandardMerkleTree.load(dump) (which validates the dump). A claim whose check throws
//     (e.g. a proof element that is not 32 bytes) reports false.
"use strict";

const fs = require("fs");
const path = require("path");

// Resolve the library from the project root whatever the cwd is.
const { StandardMerkleTree } = require(
  require.resolve("@openzeppelin/merkle-tree", { paths: [path.resolve(__dirname, "..", "..")] }),
);

const ENCODING = ["bytes32"];

function build(job) {
  const tree = StandardMerkleTree.of(job.values.map((v) => [v]), ENCODING, job.options || {});
  const proofs = job.values.map((_, i) => tree.getProof(i));
  const dump = tree.dump();
  const leaves = dump.values.map(({ treeIndex }) => dump.tree[treeIndex]);
  return { root: tree.root, proofs, leaves, dump };
}

function staticVerify(root, value, proof) {
  try {
    return StandardMerkleTree.verify(root, ENCODING, [value], proof);
  } catch (e) {
    return false;
  }
}

function verify(job) {
  const tree = StandardMerkleTree.load(job.dump);
  const values = Array.from(tree.entries(), ([, v]) => v[0]);
  const given = job.proofs || [];
  return {
    root: tree.root,
    length: tree.length,
    values,
    proofs: values.map((_, i) => tree.getProof(i)),
    verifyByIndex: given.map((proof, i) => tree.verify(i, proof)),
    verifyStatic: given.map((proof, i) => staticVerify(tree.root, values[i], proof)),
    claims: (job.claims || []).map(({ value, proof }) => staticVerify(tree.root, value, proof)),
  };
}

function run(job) {
  try {
    switch (job.op || "build") {
      case "build":
        return build(job);
      case "verify":
        return verify(job);
      default:
        throw new Error(`unknown op ${JSON.stringify(job.op)}`);
    }
  } catch (e) {
    return { error: String(e && e.message ? e.message : e) };
  }
}

function main(argv) {
  if (argv.length !== 2) {
    process.stderr.write("usage: node merkle_check.js <in.json> <out.json>\n");
    process.exit(2);
  }
  const input = JSON.parse(fs.readFileSync(argv[0], "utf8"));
  const output = Array.isArray(input.jobs) ? { results: input.jobs.map(run) } : run(input);
  fs.writeFileSync(argv[1], JSON.stringify(output));
}

main(process.argv.slice(2));
