"""medchain.records.merkle against @openzeppelin/merkle-tree's StandardMerkleTree (run through node).

Pure Python plus one or two node processes; no chain. Run fast with
``pytest tests/records/test_merkle.py -p no:ape_test``.
"""

from __future__ import annotations

import copy
import json
import random
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from eth_utils import keccak
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medchain.records.merkle import (
    MerkleTree,
    ValueNotInTreeError,
    hash_pair,
    leaf_hash,
    process_proof,
    verify_proof,
)

ROOT = Path(__file__).resolve().parents[2]
CHECK_JS = Path(__file__).with_name("merkle_check.js")
SIZES = [1, 2, 3, 4, 5, 7, 8, 100, 1000]

#: Computed with StandardMerkleTree.of([[0x11..11], [0x22..22], [0x33..33]], ["bytes32"]).
KNOWN_VALUES = [bytes([b]) * 32 for b in (0x11, 0x22, 0x33)]
KNOWN_ROOT = "0xa9b9d19e00269b8e357d6b17ae987e7f306e63b8e77615ce706ec522974d2fea"
KNOWN_TREE = [
    KNOWN_ROOT,
    "0xcb18cb5843115351c1cf5f505b6c5929e5b4480a0f3666d63f5d885c49f4acad",
    "0xf71106156f6c6fb1e886f1022b84b417bc07ade1ba787da2e849607e605475b7",
    "0xddf01ddd376b0754614e249410f966d61b6560ef80e7495eaa08341d4e534a2e",
    "0x0f7e1163c9397953c541dc1b3e1fdde14cb0452e6ee4f9e81cd9665cd5f01774",
]


def hx(data: bytes) -> str:
    return "0x" + data.hex()


def unhex(text: str) -> bytes:
    return bytes.fromhex(text.removeprefix("0x"))


def random_values(n: int, seed: int) -> list[bytes]:
    rng = random.Random(seed)
    return [rng.randbytes(32) for _ in range(n)]


# -- node bridge -------------------------------------------------------------------------------


class NodeMerkle:
    """Runs tests/records/merkle_check.js (the JS library) on a batch of jobs."""

    def __init__(self, node: str, workdir: Path) -> None:
        self.node = node
        self.workdir = workdir
        self.calls = 0

    def run(self, jobs: list[dict[str, Any]]) -> list[dict[str, Any]]:
        self.calls += 1
        src = self.workdir / f"in{self.calls}.json"
        dst = self.workdir / f"out{self.calls}.json"
        src.write_text(json.dumps({"jobs": jobs}))
        proc = subprocess.run(
            [self.node, str(CHECK_JS), str(src), str(dst)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert proc.returncode == 0, f"merkle_check.js failed:\n{proc.stdout}\n{proc.stderr}"
        return json.loads(dst.read_text())["results"]


@pytest.fixture(scope="module")
def js(tmp_path_factory: pytest.TempPathFactory) -> NodeMerkle:
    # Both are installed by `make setup`: their absence is a broken setup, so fail rather than skip.
    node = shutil.which("node")
    assert node is not None, "node is not on PATH"
    assert (ROOT / "node_modules" / "@openzeppelin" / "merkle-tree" / "package.json").is_file(), (
        "@openzeppelin/merkle-tree is not installed in node_modules: run make setup"
    )
    return NodeMerkle(node, tmp_path_factory.mktemp("merkle_js"))


@pytest.fixture(scope="module")
def js_builds(js: NodeMerkle) -> dict[int, tuple[list[bytes], dict[str, Any]]]:
    """size -> (values, JS build result), all built in one node run."""
    cases = {n: random_values(n, seed=n) for n in SIZES}
    results = js.run([{"op": "build", "values": [hx(v) for v in vals]} for vals in cases.values()])
    for res in results:
        assert "error" not in res, res
    return {n: (cases[n], res) for n, res in zip(cases, results)}


# -- hashing and a fixed vector --------------------------------------------------------------


def test_known_vector_from_js() -> None:
    tree = MerkleTree.build(KNOWN_VALUES)
    assert hx(tree.root) == KNOWN_ROOT
    assert [hx(node) for node in tree.tree] == KNOWN_TREE
    assert [tree.tree_index(i) for i in range(3)] == [3, 4, 2]
    assert tree.dump()["tree"] == KNOWN_TREE


def test_leaf_and_pair_hashes() -> None:
    v = KNOWN_VALUES[0]
    assert leaf_hash(v) == keccak(keccak(v))
    a, b = leaf_hash(KNOWN_VALUES[0]), leaf_hash(KNOWN_VALUES[1])
    lo, hi = sorted([a, b])
    assert hash_pair(a, b) == hash_pair(b, a) == keccak(lo + hi)
    assert leaf_hash(bytearray(v)) == leaf_hash(memoryview(v)) == leaf_hash(v)


def test_single_leaf_tree() -> None:
    (v,) = random_values(1, seed=99)
    tree = MerkleTree.build([v])
    assert tree.root == leaf_hash(v)
    assert tree.proof(v) == [] == tree.proof_by_index(0)
    assert tree.tree == [tree.root]
    assert verify_proof(tree.root, v, [])
    assert MerkleTree.load(tree.dump()).root == tree.root


def test_values_keep_given_order_and_lookups() -> None:
    vals = random_values(9, seed=7)
    tree = MerkleTree.build(vals)
    assert tree.values == vals and len(tree) == 9
    assert tree.leaves == [leaf_hash(v) for v in vals]
    for i, v in enumerate(vals):
        assert v in tree
        assert tree.index_of(v) == i
        assert tree.proof(v) == tree.proof_by_index(i)
        assert process_proof(leaf_hash(v), tree.proof(v)) == tree.root
        assert tree.verify(v, tree.proof(v))
    # leaves sit at the end of the array in reverse order of their hashes (sortLeaves = true)
    assert tree.tree[len(vals) - 1 :] == sorted(tree.leaves, reverse=True)


# -- cross-checks with the JS library --------------------------------------------------------


@pytest.mark.parametrize("n", SIZES)
def test_root_proofs_and_dump_match_js(js_builds: dict, n: int) -> None:
    vals, res = js_builds[n]
    tree = MerkleTree.build(vals)
    assert hx(tree.root) == res["root"]
    assert [hx(leaf) for leaf in tree.leaves] == res["leaves"]
    assert [[hx(p) for p in tree.proof_by_index(i)] for i in range(n)] == res["proofs"]
    assert tree.dump() == res["dump"]  # identical JSON, field for field


@pytest.mark.parametrize("n", SIZES)
def test_js_dump_loads_and_verifies(js_builds: dict, n: int) -> None:
    vals, res = js_builds[n]
    tree = MerkleTree.load(json.loads(json.dumps(res["dump"])))
    assert hx(tree.root) == res["root"]
    assert tree.values == vals
    for i, v in enumerate(vals):
        proof = [unhex(p) for p in res["proofs"][i]]
        assert tree.proof(v) == proof
        assert verify_proof(tree.root, v, proof)
    assert MerkleTree.load(json.dumps(res["dump"])).root == tree.root  # JSON text too


def test_python_dump_loads_in_js_and_js_accepts_our_proofs(js: NodeMerkle) -> None:
    jobs, expected = [], []
    for n in SIZES:
        vals = random_values(n, seed=1000 + n)
        tree = MerkleTree.build(vals)
        proofs = [[hx(p) for p in tree.proof_by_index(i)] for i in range(n)]
        outsider = random_values(1, seed=5000 + n)[0]
        claims = [{"value": hx(outsider), "proof": proofs[0]}]  # a non-member
        if n > 1:  # a member with a proof tampered in one byte
            bad = bytearray(tree.proof_by_index(n - 1)[0])
            bad[5] ^= 0x40
            claims.append({"value": hx(vals[-1]), "proof": [hx(bytes(bad)), *proofs[-1][1:]]})
            claims.append({"value": hx(vals[0]), "proof": proofs[-1]})  # someone else's proof
        claims.append({"value": hx(vals[0]), "proof": proofs[0]})  # a genuine one, for contrast
        jobs.append({"op": "verify", "dump": json.loads(json.dumps(tree.dump())), "proofs": proofs, "claims": claims})
        expected.append((tree, vals, proofs, [False] * (len(claims) - 1) + [True]))

    for res, (tree, vals, proofs, claim_results) in zip(js.run(jobs), expected):
        assert "error" not in res, res
        n = len(vals)
        assert res["root"] == hx(tree.root)
        assert res["length"] == n
        assert res["values"] == [hx(v) for v in vals]
        assert res["proofs"] == proofs  # JS's own getProof agrees with ours
        assert res["verifyByIndex"] == [True] * n
        assert res["verifyStatic"] == [True] * n
        assert res["claims"] == claim_results


def test_unsorted_js_layout_loads(js: NodeMerkle) -> None:
    """A JS tree built with sortLeaves: false still loads and proves correctly (proofs follow treeIndex)."""
    vals = random_values(11, seed=11)
    (res,) = js.run([{"op": "build", "values": [hx(v) for v in vals], "options": {"sortLeaves": False}}])
    tree = MerkleTree.load(res["dump"])
    assert hx(tree.root) == res["root"] != hx(MerkleTree.build(vals).root)
    assert [[hx(p) for p in tree.proof(v)] for v in vals] == res["proofs"]


def test_js_rejects_a_tampered_python_dump(js: NodeMerkle) -> None:
    """Sanity check of the bridge: JS load really validates what we hand it."""
    dump = MerkleTree.build(random_values(6, seed=6)).dump()
    dump["tree"][0] = "0x" + "00" * 32
    (res,) = js.run([{"op": "verify", "dump": dump}])
    assert "invalid" in res["error"].lower()


# -- properties --------------------------------------------------------------------------------

_value = st.binary(min_size=32, max_size=32)
_value_sets = st.lists(_value, min_size=1, max_size=64, unique=True)
_settings = settings(
    max_examples=max(settings.default.max_examples, 100),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@_settings
@given(values=_value_sets, outsider=_value)
def test_members_verify_and_non_members_do_not(values: list[bytes], outsider: bytes) -> None:
    tree = MerkleTree.build(values)
    proofs = [tree.proof(v) for v in values]
    for v, proof in zip(values, proofs):
        assert verify_proof(tree.root, v, proof)
        assert len(proof) <= len(values).bit_length()
    if outsider not in values:
        assert outsider not in tree
        assert not any(verify_proof(tree.root, outsider, proof) for proof in proofs)
        with pytest.raises(ValueNotInTreeError):
            tree.proof(outsider)
    assert MerkleTree.load(tree.dump()).dump() == tree.dump()


@_settings
@given(values=st.lists(_value, min_size=2, max_size=64, unique=True), data=st.data())
def test_tampering_one_proof_byte_fails(values: list[bytes], data: st.DataObject) -> None:
    tree = MerkleTree.build(values)
    i = data.draw(st.integers(0, len(values) - 1), label="member")
    proof = tree.proof_by_index(i)
    assert proof  # two or more leaves: every proof has at least one sibling
    j = data.draw(st.integers(0, len(proof) - 1), label="element")
    k = data.draw(st.integers(0, 31), label="byte")
    mask = data.draw(st.integers(1, 255), label="xor mask")
    bad = bytearray(proof[j])
    bad[k] ^= mask
    tampered = [*proof[:j], bytes(bad), *proof[j + 1 :]]
    assert verify_proof(tree.root, values[i], proof)
    assert not verify_proof(tree.root, values[i], tampered)


# -- scale -------------------------------------------------------------------------------------


def test_hundred_thousand_leaves() -> None:
    vals = random_values(100_000, seed=100_000)
    start = time.perf_counter()
    tree = MerkleTree.build(vals)
    elapsed = time.perf_counter() - start
    assert elapsed < 30, f"building 100,000 leaves took {elapsed:.1f}s"
    assert len(tree.tree) == 199_999
    rng = random.Random(1)
    for v in rng.sample(vals, 200):
        proof = tree.proof(v)
        assert len(proof) in (16, 17)  # complete tree over 100,000 leaves: depth 16 or 17
        assert verify_proof(tree.root, v, proof)


# -- errors ------------------------------------------------------------------------------------


def test_build_rejects_empty_input() -> None:
    with pytest.raises(ValueError, match="no values"):
        MerkleTree.build([])


@pytest.mark.parametrize(
    ("bad", "match"),
    [
        (b"\x01" * 31, r"values\[1\] must be 32 bytes, got 31"),
        (b"\x01" * 33, r"values\[1\] must be 32 bytes, got 33"),
        (b"", r"values\[1\] must be 32 bytes, got 0"),
        ("0x" + "01" * 32, r"values\[1\] must be 32 bytes, got str"),
    ],
)
def test_build_rejects_wrong_value_length(bad: Any, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        MerkleTree.build([b"\x00" * 32, bad])


def test_build_rejects_duplicates() -> None:
    vals = random_values(4, seed=4)
    with pytest.raises(ValueError, match=rf"duplicate value {hx(vals[1])} at indices 1 and 4"):
        MerkleTree.build([*vals, vals[1]])


def test_proof_of_missing_value_and_bad_index() -> None:
    vals = random_values(5, seed=5)
    tree = MerkleTree.build(vals)
    missing = b"\xaa" * 32
    with pytest.raises(ValueNotInTreeError, match=f"{hx(missing)} is not in the Merkle tree") as info:
        tree.proof(missing)
    assert isinstance(info.value, ValueError) and isinstance(info.value, KeyError)
    assert str(info.value) == f"value {hx(missing)} is not in the Merkle tree"
    with pytest.raises(ValueError, match="must be 32 bytes"):
        tree.proof(b"\xaa" * 31)
    for i in (5, -1):
        with pytest.raises(IndexError, match="out of range"):
            tree.proof_by_index(i)


def test_verify_proof_rejects_malformed_input() -> None:
    vals = random_values(3, seed=3)
    tree = MerkleTree.build(vals)
    proof = tree.proof(vals[0])
    with pytest.raises(ValueError, match=r"proof\[0\] must be 32 bytes"):
        verify_proof(tree.root, vals[0], [proof[0][:-1], *proof[1:]])
    with pytest.raises(ValueError, match="root must be 32 bytes"):
        verify_proof(tree.root[:16], vals[0], proof)
    with pytest.raises(ValueError, match="value must be 32 bytes"):
        verify_proof(tree.root, vals[0] + b"\x00", proof)


def _mutate(path: str, new: Any) -> Any:
    """A dump-mutating function setting ``path`` (dot-separated; ints index lists) to ``new``."""

    def apply(dump: dict[str, Any]) -> None:
        *parents, last = [int(p) if p.lstrip("-").isdigit() else p for p in path.split(".")]
        target: Any = dump
        for p in parents:
            target = target[p]
        if new is _DELETE:
            del target[last]
        else:
            target[last] = new(target[last]) if callable(new) else new

    return apply


_DELETE = object()
_OTHER_NODE = "0x" + "ab" * 32


#: (id, field path, new value or function of the old one, expected message pattern)
_BAD_DUMPS: list[tuple[str, str, Any, str]] = [
    ("format", "format", "standard-v2", r"unknown Merkle tree dump format 'standard-v2'"),
    ("format-missing", "format", _DELETE, r"unknown Merkle tree dump format None"),
    ("encoding", "leafEncoding", ["uint256"], r"unsupported leafEncoding \['uint256'\]"),
    ("encoding-missing", "leafEncoding", _DELETE, r"unsupported leafEncoding None"),
    ("tree-missing", "tree", _DELETE, r"'tree' must be a non-empty list"),
    ("tree-empty", "tree", [], r"'tree' must be a non-empty list"),
    ("node-short", "tree.2", "0x1234", r"tree\[2\] must be a 32-byte hex string, got '0x1234'"),
    ("node-not-hex", "tree.2", "0x" + "zz" * 32, r"tree\[2\] must be a 32-byte hex string"),
    ("tree-size", "tree", lambda t: t[:-1], r"'tree' has 8 nodes but 5 values need exactly 9"),
    ("values-missing", "values", _DELETE, r"'values' must be a non-empty list"),
    ("entry-not-object", "values.1", "0x00", r"values\[1\] must be an object"),
    ("value-not-list", "values.1.value", lambda v: v[0], r"values\[1\]\.value must be a one-element list"),
    ("value-two", "values.1.value", lambda v: v + v, r"values\[1\]\.value must be a one-element list"),
    ("value-short", "values.1.value.0", "0x" + "01" * 31, r"values\[1\]\.value\[0\] must be a 32-byte hex string"),
    ("index-internal", "values.1.treeIndex", 0, r"values\[1\]\.treeIndex must be a leaf position in \[4, 8\], got 0"),
    ("index-past-end", "values.1.treeIndex", 9, r"values\[1\]\.treeIndex must be a leaf position in \[4, 8\], got 9"),
    ("index-str", "values.1.treeIndex", "5", r"values\[1\]\.treeIndex must be a leaf position.*got '5'"),
    ("index-missing", "values.1.treeIndex", _DELETE, r"values\[1\]\.treeIndex must be a leaf position.*got None"),
    ("value-swapped", "values.1.value.0", _OTHER_NODE, r"values\[1\]: tree\[\d\] is not the leaf hash of value 0xabab"),
    ("internal-node", "tree.1", _OTHER_NODE, r"tree\[1\] is not the hash of its children tree\[3\] and tree\[4\]"),
    ("root", "tree.0", _OTHER_NODE, r"tree\[0\] is not the hash of its children"),
]


@pytest.mark.parametrize(
    ("mutate", "match"),
    [pytest.param(_mutate(path, new), match, id=name) for name, path, new, match in _BAD_DUMPS],
)
def test_load_rejects_bad_dumps(mutate: Any, match: str) -> None:
    dump = MerkleTree.build(random_values(5, seed=55)).dump()
    mutate(dump)
    with pytest.raises(ValueError, match=match):
        MerkleTree.load(dump)


def test_load_rejects_reused_tree_index_and_duplicate_values() -> None:
    vals = random_values(5, seed=56)
    dump = MerkleTree.build(vals).dump()
    reused = copy.deepcopy(dump)
    reused["values"][2]["treeIndex"] = reused["values"][0]["treeIndex"]
    with pytest.raises(ValueError, match=r"values\[2\]\.treeIndex \d is already used by values\[0\]"):
        MerkleTree.load(reused)

    # Two leaves for one value: a well-formed tree (as JS `of` would build it) with a duplicate.
    tree = MerkleTree.build([*vals[:4], b"\x00" * 32])
    dup = tree.dump()
    leaf = leaf_hash(vals[0])
    n = 5
    # Rebuild the array by hand with the last leaf replaced by a copy of vals[0]'s leaf.
    nodes = [unhex(x) for x in dup["tree"]]
    last = tree.tree_index(4)
    nodes[last] = leaf
    for i in range(n - 2, -1, -1):
        nodes[i] = hash_pair(nodes[2 * i + 1], nodes[2 * i + 2])
    dup["tree"] = [hx(x) for x in nodes]
    dup["values"][4]["value"] = [hx(vals[0])]
    with pytest.raises(ValueError, match=rf"duplicate value {hx(vals[0])} at indices 0 and 4"):
        MerkleTree.load(dup)


@pytest.mark.parametrize(
    ("data", "match"),
    [
        (["standard-v1"], r"must be a JSON object, got list"),
        ("{not json", r"not valid JSON"),
        ("[]", r"must be a JSON object, got list"),
    ],
)
def test_load_rejects_non_objects(data: Any, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        MerkleTree.load(data)
