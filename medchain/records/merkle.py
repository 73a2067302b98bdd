"""Merkle trees compatible with OpenZeppelin's ``StandardMerkleTree`` for one ``bytes32`` per leaf.

Same roots, proofs and JSON dumps as ``@openzeppelin/merkle-tree`` (leaves double-hashed and sorted by
hash, pairs sorted), so a batch built here verifies with ``MerkleProof.verify`` on chain. Duplicate
values are refused.

The format is specified in docs/contracts/records.md, "Merkle format".
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from eth_hash.auto import keccak as _keccak  # the fastest backend installed (pysha3 if present)

__all__ = [
    "DUMP_FORMAT",
    "LEAF_ENCODING",
    "MerkleTree",
    "ValueNotInTreeError",
    "hash_pair",
    "leaf_hash",
    "process_proof",
    "verify_proof",
]

#: ``format`` field of an OpenZeppelin ``StandardMerkleTree`` dump.
DUMP_FORMAT = "standard-v1"
#: ``leafEncoding`` of the trees this module handles: one ``bytes32`` per leaf.
LEAF_ENCODING: tuple[str, ...] = ("bytes32",)

_HEX32 = re.compile(r"(?:0[xX])?[0-9a-fA-F]{64}")


class ValueNotInTreeError(ValueError, KeyError):
    """Raised by :meth:`MerkleTree.proof` for a value that is not a leaf of the tree.

    A ``ValueError`` (like every other error here) that is also a ``KeyError``, since it is a failed
    lookup; its message is not quoted the way ``KeyError`` messages usually are.
    """

    __str__ = ValueError.__str__  # KeyError.__str__ would repr() the message


def _as_bytes32(value: Any, what: str) -> bytes:
    """``value`` as 32 immutable bytes, or ``ValueError`` naming ``what``."""
    if not isinstance(value, (bytes, bytearray, memoryview)):
        raise ValueError(f"{what} must be 32 bytes, got {type(value).__name__}")
    data = bytes(value)
    if len(data) != 32:
        raise ValueError(f"{what} must be 32 bytes, got {len(data)}")
    return data


def _hex(data: bytes) -> str:
    return "0x" + data.hex()


def _parse_hex32(text: Any, what: str) -> bytes:
    """A 32-byte hex string (``0x`` prefix optional, as in the JS library) -> bytes."""
    if not isinstance(text, str) or _HEX32.fullmatch(text) is None:
        raise ValueError(f"{what} must be a 32-byte hex string, got {text!r}")
    return bytes.fromhex(text[2:] if text[:2] in ("0x", "0X") else text)


def _leaf_hash(value: bytes) -> bytes:
    return _keccak(_keccak(value))


def _hash_pair(a: bytes, b: bytes) -> bytes:
    return _keccak(a + b if a <= b else b + a)


def leaf_hash(value: bytes) -> bytes:
    """The leaf for a 32-byte value: ``keccak256(keccak256(abi.encode(value)))`` (``standardLeafHash``)."""
    return _leaf_hash(_as_bytes32(value, "value"))


def hash_pair(a: bytes, b: bytes) -> bytes:
    """An internal node: ``keccak256(min(a, b) || max(a, b))`` (``standardNodeHash``); commutative."""
    return _hash_pair(_as_bytes32(a, "first node"), _as_bytes32(b, "second node"))


def process_proof(leaf: bytes, proof: Iterable[bytes]) -> bytes:
    """The root implied by ``leaf`` (a leaf *hash*) and ``proof`` (``core.js`` ``processProof``)."""
    node = _as_bytes32(leaf, "leaf")
    for i, sibling in enumerate(proof):
        node = _hash_pair(node, _as_bytes32(sibling, f"proof[{i}]"))
    return node


def verify_proof(root: bytes, value: bytes, proof: Sequence[bytes]) -> bool:
    """Whether ``proof`` shows that the 32-byte ``value`` is a leaf of the tree with ``root``.

    Equivalent to JS ``StandardMerkleTree.verify(root, ["bytes32"], [value], proof)`` and to Solidity
    ``MerkleProof.verify(proof, root, keccak256(bytes.concat(keccak256(abi.encode(value)))))``.
    Malformed input (``root``, ``value`` or a proof element not 32 bytes) raises ``ValueError``, as
    the JS library throws on it, rather than quietly returning ``False``.
    """
    root = _as_bytes32(root, "root")
    return process_proof(leaf_hash(value), proof) == root


class MerkleTree:
    """A ``StandardMerkleTree`` over distinct 32-byte values (see the module docstring for the layout).

    Build one with :meth:`build` or :meth:`load`; the constructor is internal. ``values`` keeps the
    order the values were given in; ``tree`` is the flat ``2n - 1`` node array of ``core.js``.
    """

    __slots__ = ("_tree", "_values", "_tree_indices", "_positions")

    def __init__(self, tree: list[bytes], values: list[bytes], tree_indices: list[int]) -> None:
        self._tree = tree
        self._values = values
        self._tree_indices = tree_indices
        self._positions: dict[bytes, int] = {}
        for i, value in enumerate(values):
            if self._positions.setdefault(value, i) != i:
                raise ValueError(f"duplicate value {_hex(value)} at indices {self._positions[value]} and {i}")

    # -- construction -------------------------------------------------------------------------

    @classmethod
    def build(cls, values: Sequence[bytes]) -> MerkleTree:
        """Build the tree ``StandardMerkleTree.of(values.map(v => [v]), ["bytes32"])`` would build.

        Raises ``ValueError`` on an empty ``values``, a value that is not 32 bytes, or a duplicate.
        """
        vals = [_as_bytes32(v, f"values[{i}]") for i, v in enumerate(values)]
        n = len(vals)
        if n == 0:
            raise ValueError("cannot build a Merkle tree from no values (expected at least one)")
        leaves = [_leaf_hash(v) for v in vals]
        # Stable sort by leaf hash (JS Array.prototype.sort is stable too, so ties keep input order).
        order = sorted(range(n), key=leaves.__getitem__)
        size = 2 * n - 1
        tree: list[bytes] = [b""] * (n - 1) + [leaves[order[k]] for k in range(n - 1, -1, -1)]
        tree_indices = [0] * n
        for k, value_index in enumerate(order):
            tree_indices[value_index] = size - 1 - k
        for i in range(n - 2, -1, -1):
            tree[i] = _hash_pair(tree[2 * i + 1], tree[2 * i + 2])
        return cls(tree, vals, tree_indices)

    @classmethod
    def load(cls, data: Mapping[str, Any] | str | bytes) -> MerkleTree:
        """Load a ``standard-v1`` dump (as produced by JS ``tree.dump()`` or :meth:`dump`).

        ``data`` is the decoded JSON object (a JSON string is accepted too). The dump is checked as
        thoroughly as JS ``StandardMerkleTree.load`` does and more: ``ValueError`` names the field
        that is wrong -- the format, the leaf encoding, a node that is not 32-byte hex, a node that
        does not hash its children, a value whose leaf is not at its ``treeIndex``, a ``treeIndex``
        that is not a leaf position or is used twice, a duplicate value, or a tree whose size does
        not match the number of values.
        """
        if isinstance(data, (str, bytes, bytearray)):
            try:
                data = json.loads(data)
            except json.JSONDecodeError as exc:
                raise ValueError(f"Merkle tree dump is not valid JSON: {exc}") from exc
        if not isinstance(data, Mapping):
            raise ValueError(f"Merkle tree dump must be a JSON object, got {type(data).__name__}")
        fmt = data.get("format")
        if fmt != DUMP_FORMAT:
            raise ValueError(f"unknown Merkle tree dump format {fmt!r} (expected {DUMP_FORMAT!r})")
        encoding = data.get("leafEncoding")
        if not isinstance(encoding, list) or tuple(encoding) != LEAF_ENCODING:
            raise ValueError(f"unsupported leafEncoding {encoding!r} (expected {list(LEAF_ENCODING)!r})")

        raw_tree = data.get("tree")
        if not isinstance(raw_tree, list) or not raw_tree:
            raise ValueError("Merkle tree dump field 'tree' must be a non-empty list of 32-byte hex strings")
        tree = [_parse_hex32(node, f"tree[{i}]") for i, node in enumerate(raw_tree)]

        raw_values = data.get("values")
        if not isinstance(raw_values, list) or not raw_values:
            raise ValueError("Merkle tree dump field 'values' must be a non-empty list")
        n = len(raw_values)
        if len(tree) != 2 * n - 1:
            raise ValueError(f"'tree' has {len(tree)} nodes but {n} values need exactly {2 * n - 1}")

        values: list[bytes] = []
        tree_indices: list[int] = []
        owner: dict[int, int] = {}
        for i, entry in enumerate(raw_values):
            where = f"values[{i}]"
            if not isinstance(entry, Mapping):
                raise ValueError(f"{where} must be an object with 'value' and 'treeIndex'")
            value = entry.get("value")
            if not isinstance(value, list) or len(value) != 1:
                raise ValueError(f"{where}.value must be a one-element list (leafEncoding ['bytes32']), got {value!r}")
            val = _parse_hex32(value[0], f"{where}.value[0]")
            idx = entry.get("treeIndex")
            if not isinstance(idx, int) or isinstance(idx, bool) or not n - 1 <= idx < len(tree):
                raise ValueError(
                    f"{where}.treeIndex must be a leaf position in [{n - 1}, {len(tree) - 1}], got {idx!r}"
                )
            if idx in owner:
                raise ValueError(f"{where}.treeIndex {idx} is already used by values[{owner[idx]}]")
            owner[idx] = i
            if tree[idx] != _leaf_hash(val):
                raise ValueError(f"{where}: tree[{idx}] is not the leaf hash of value {_hex(val)}")
            values.append(val)
            tree_indices.append(idx)

        for i in range(n - 2, -1, -1):
            if tree[i] != _hash_pair(tree[2 * i + 1], tree[2 * i + 2]):
                raise ValueError(f"tree[{i}] is not the hash of its children tree[{2 * i + 1}] and tree[{2 * i + 2}]")
        return cls(tree, values, tree_indices)

    def dump(self) -> dict[str, Any]:
        """The ``standard-v1`` dump (JSON-serialisable) that JS ``StandardMerkleTree.load`` accepts."""
        return {
            "format": DUMP_FORMAT,
            "leafEncoding": list(LEAF_ENCODING),
            "tree": [_hex(node) for node in self._tree],
            "values": [
                {"value": [_hex(value)], "treeIndex": idx} for value, idx in zip(self._values, self._tree_indices)
            ],
        }

    # -- queries ------------------------------------------------------------------------------

    @property
    def root(self) -> bytes:
        """The Merkle root (``tree[0]``); for one value, its leaf hash."""
        return self._tree[0]

    @property
    def values(self) -> list[bytes]:
        """The values in the order given to :meth:`build` (or listed in the loaded dump); a copy."""
        return list(self._values)

    @property
    def tree(self) -> list[bytes]:
        """The flat node array (root first, leaves last in reverse leaf order); a copy."""
        return list(self._tree)

    @property
    def leaves(self) -> list[bytes]:
        """The leaf hash of each value, in ``values`` order."""
        return [self._tree[idx] for idx in self._tree_indices]

    def __len__(self) -> int:
        return len(self._values)

    def __contains__(self, value: object) -> bool:
        return isinstance(value, (bytes, bytearray, memoryview)) and bytes(value) in self._positions

    def __repr__(self) -> str:
        return f"MerkleTree(root={_hex(self.root)}, values={len(self._values)})"

    def index_of(self, value: bytes) -> int:
        """Position of ``value`` in :attr:`values`; :class:`ValueNotInTreeError` if absent."""
        value = _as_bytes32(value, "value")
        try:
            return self._positions[value]
        except KeyError:
            raise ValueNotInTreeError(f"value {_hex(value)} is not in the Merkle tree") from None

    def tree_index(self, i: int) -> int:
        """Where ``values[i]``'s leaf sits in :attr:`tree` (its ``treeIndex`` in the dump)."""
        return self._tree_indices[self._check_index(i)]

    def proof(self, value: bytes) -> list[bytes]:
        """The proof for ``value`` (same siblings, same order as JS ``getProof``).

        Raises :class:`ValueNotInTreeError` (a ``ValueError``) if ``value`` is not in the tree.
        """
        return self.proof_by_index(self.index_of(value))

    def proof_by_index(self, i: int) -> list[bytes]:
        """The proof for ``values[i]`` (JS ``tree.getProof(i)``); ``IndexError`` if out of range."""
        node = self._tree_indices[self._check_index(i)]
        tree = self._tree
        proof: list[bytes] = []
        while node > 0:
            proof.append(tree[node - 1 if node % 2 == 0 else node + 1])
            node = (node - 1) // 2
        return proof

    def verify(self, value: bytes, proof: Sequence[bytes]) -> bool:
        """Whether ``proof`` proves ``value`` against this tree's root (see :func:`verify_proof`)."""
        return verify_proof(self.root, value, proof)

    def _check_index(self, i: int) -> int:
        if not isinstance(i, int) or isinstance(i, bool):
            raise TypeError(f"value index must be an int, got {type(i).__name__}")
        if not 0 <= i < len(self._values):
            raise IndexError(f"value index {i} out of range for a tree of {len(self._values)} values")
        return i
