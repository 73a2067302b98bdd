"""Generic decoding of logs and calldata from the contracts' ABIs.

Nothing here knows medchain's events: every event and function of every contract named in the
deployment manifest is decoded from that contract's ABI (shipped with the package,
:mod:`medchain.abi`), so a contract added to the suite later is indexed without code changes.

Decoding is the indexer's hot loop, so static fields (addresses, integers, enums, booleans, fixed
bytes) are read straight off the 32-byte words of ``topics`` and ``data``; only events with a
dynamic non-indexed field (strings, bytes, arrays, structs) go through eth_abi. For the index, each
static event also gets a small function generated from its ABI (:meth:`EventDecoder.row`) that
writes the fields' JSON text and lists its identifiers in one step, with no dict in between: the
same text ``json.dumps(decode(...), separators=(",", ":"))`` gives, in about a third of the time.

Values are JSON-friendly: addresses as lower-case ``0x`` hex, fixed bytes as ``0x`` hex, integers as
Python ints, booleans as booleans. An indexed dynamic field is its keccak topic (``0x`` hex), which
is all the log holds.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Callable, Iterable, Mapping, Sequence

from eth_hash.auto import keccak as _keccak

ZERO20 = "0x" + "0" * 40
ZERO32 = "0x" + "0" * 64


def keccak(text: str) -> bytes:
    return _keccak(text.encode())


def abi_decode(types: list[str], data: bytes, strict: bool = True) -> Any:
    from eth_abi import decode  # imported on first use: most events never need it

    return decode(types, data, strict=strict)


class AbiError(ValueError):
    """An ABI is missing for a contract of the deployment, or cannot be read."""


def type_string(param: Mapping[str, Any]) -> str:
    """The canonical ABI type of a parameter: tuples spelled out, ``(address,uint256)[]``."""
    kind = param["type"]
    if kind.startswith("tuple"):
        inner = ",".join(type_string(c) for c in param.get("components", []))
        return f"({inner}){kind[len('tuple'):]}"
    return kind


def signature(item: Mapping[str, Any]) -> str:
    """``Name(type,...)``: the text whose keccak is an event's topic 0 or a function's selector."""
    return f"{item['name']}({','.join(type_string(i) for i in item.get('inputs', []))})"


def _static_reader(kind: str) -> Callable[[str], Any] | None:
    """A converter from one 64-hex-digit word to the value, for static elementary types."""
    if kind == "address":
        return lambda w: "0x" + w[24:]
    if kind == "bool":
        return lambda w: int(w, 16) != 0
    if kind.startswith("uint"):
        return lambda w: int(w, 16)
    if kind.startswith("int"):
        bits = int(kind[3:] or 256)

        def signed(w: str, bits: int = bits) -> int:
            v = int(w, 16) & ((1 << bits) - 1)
            return v - (1 << bits) if v >> (bits - 1) else v

        return signed
    if kind.startswith("bytes") and kind != "bytes":
        n = int(kind[5:])
        return lambda w, n=n: "0x" + w[: 2 * n]
    return None


def _jsonable(value: Any, kind: str) -> Any:
    """eth_abi's decoded value in the same JSON-friendly shape as the fast path."""
    if isinstance(value, (bytes, bytearray)):
        return "0x" + bytes(value).hex()
    if isinstance(value, (list, tuple)):
        inner = kind[: kind.rfind("[")] if kind.endswith("]") else None
        if inner is not None:
            return [_jsonable(v, inner) for v in value]
        if kind.startswith("("):
            parts = _split_tuple(kind[1:-1])
            return [_jsonable(v, k) for v, k in zip(value, parts)]
        return [_jsonable(v, "") for v in value]
    if isinstance(value, str) and kind == "address":
        return value.lower()
    return value


def _split_tuple(inner: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(inner):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(inner[start:i])
            start = i + 1
    if inner:
        parts.append(inner[start:])
    return parts


@dataclass(frozen=True, eq=False)
class EventDecoder:
    """Decodes the logs of one event of one contract."""

    contract: str
    name: str
    signature: str
    topic0: str
    indexed: tuple[tuple[str, str, Callable[[str], Any] | None], ...]  # (name, type, reader)
    data: tuple[tuple[str, str, Callable[[str], Any] | None], ...]
    order: tuple[str, ...]  # field names in declaration order
    kinds: Mapping[str, str]  # field name -> ABI type
    refs: tuple[str, ...] = ()  # fields that hold identifiers (addresses, 32-byte values)

    @classmethod
    def from_abi(cls, contract: str, item: Mapping[str, Any]) -> EventDecoder:
        indexed, data, kinds = [], [], {}
        for n, param in enumerate(item.get("inputs", [])):
            name = param.get("name") or f"arg{n}"
            kind = type_string(param)
            kinds[name] = kind
            reader = _static_reader(kind)
            if param.get("indexed"):
                # A dynamic indexed field is stored as its hash: read it as bytes32.
                indexed.append((name, kind, reader or _static_reader("bytes32")))
            else:
                data.append((name, kind, reader))
        sig = signature(item)
        order = tuple(p.get("name") or f"arg{n}" for n, p in enumerate(item.get("inputs", [])))
        refs = tuple(n for n in order if kinds[n] in ("address", "bytes32"))
        return cls(contract=contract, name=item["name"], signature=sig, topic0="0x" + keccak(sig).hex(),
                   indexed=tuple(indexed), data=tuple(data), order=order, kinds=kinds, refs=refs)

    @property
    def static(self) -> bool:
        return self._plan is not None

    @cached_property
    def _plan(self) -> tuple[tuple[str, bool, int, Callable[[str], Any]], ...] | None:
        """For events without dynamic data fields: (name, from a topic?, position, reader) in declaration order."""
        if any(reader is None for _, _, reader in self.data):
            return None
        where = {name: (True, i + 1, reader) for i, (name, _, reader) in enumerate(self.indexed)}
        where.update({name: (False, 64 * i, reader) for i, (name, _, reader) in enumerate(self.data)})
        return tuple((name, *where[name]) for name in self.order)  # type: ignore[misc]

    @cached_property
    def row(self) -> Callable[[Sequence[str], str], tuple[str, list[str]]]:
        """``row(topics, data)`` -> (the fields as compact JSON, the non-zero identifiers among them).

        The JSON is the text ``json.dumps(self.decode(topics, data), separators=(",", ":"))`` gives;
        the identifiers are the ``address`` and ``bytes32`` fields that are not zero. Raises ValueError
        on a malformed log, like :meth:`decode`.
        """
        plan = self._plan
        if plan is None:
            return self._row_dynamic
        return _generate_row(self, plan)

    def _row_dynamic(self, topics: Sequence[str], data: str) -> tuple[str, list[str]]:
        args = self.decode(topics, data)
        return compact_json(args), list(identifiers(args))

    def decode(self, topics: Sequence[str], data: str) -> dict[str, Any]:
        """The event's fields by name, in declaration order. Raises ValueError on a malformed log."""
        if len(topics) != len(self.indexed) + 1:
            raise ValueError(f"{self.signature}: expected {len(self.indexed) + 1} topics, got {len(topics)}")
        plan = self._plan
        if plan is not None:
            if len(data) < 2 + 64 * len(self.data):
                raise ValueError(f"{self.signature}: data too short ({(len(data) - 2) // 2} bytes)")
            return {name: reader(topics[pos][2:]) if in_topic else reader(data[2 + pos: 66 + pos])
                    for name, in_topic, pos, reader in plan}
        values: dict[str, Any] = {}
        for (name, _kind, reader), topic in zip(self.indexed, topics[1:]):
            values[name] = reader(topic[2:])  # type: ignore[misc]
        body = data[2:] if data.startswith("0x") else data
        decoded = abi_decode([k for _, k, _ in self.data], bytes.fromhex(body))
        for (name, kind, _), value in zip(self.data, decoded):
            values[name] = _jsonable(value, kind)
        return {name: values[name] for name in self.order}


compact_json = json.JSONEncoder(separators=(",", ":")).encode


def identifiers(args: Mapping[str, Any]) -> Iterable[str]:
    """The identifiers among decoded fields: addresses and 32-byte values (also inside lists), non-zero."""
    for value in args.values():
        items = value if isinstance(value, list) else (value,)
        for item in items:
            if isinstance(item, str) and len(item) in (42, 66) and item.startswith("0x") and item not in (ZERO20, ZERO32):
                yield item.lower()


def _generate_row(dec: EventDecoder, plan: tuple) -> Callable[[Sequence[str], str], tuple[str, list[str]]]:
    """Python source for one static event's :meth:`EventDecoder.row`, compiled once per event.

    Field names come from the ABI; only names that are Python identifiers are inlined (any other
    event takes the generic path), so the generated text cannot be anything but field reads."""
    if not all(name.isidentifier() for name in dec.order):
        return dec._row_dynamic
    n_topics, min_data = len(dec.indexed) + 1, 2 + 64 * len(dec.data)
    lines = [
        "def row(topics, data):",
        f"    if len(topics) != {n_topics}:",
        f"        raise ValueError({dec.signature!r} + ': expected {n_topics} topics, got ' + str(len(topics)))",
        f"    if len(data) < {min_data}:",
        f"        raise ValueError({dec.signature!r} + ': data too short (' + str((len(data) - 2) // 2) + ' bytes)')",
    ]
    parts, refs = [], []
    for i, (name, in_topic, pos, _reader) in enumerate(plan):
        kind = dec.kinds[name] if not in_topic or _static_reader(dec.kinds[name]) else "bytes32"
        word = f"topics[{pos}][2:]" if in_topic else f"data[{2 + pos}:{66 + pos}]"
        start = f"topics[{pos}]" if in_topic else "data"
        offset = 2 if in_topic else 2 + pos  # where the word starts in that string
        if kind == "address":
            lines.append(f"    v{i} = '0x' + {start}[{offset + 24}:{offset + 64}]")
            text = f'"{{v{i}}}"'
        elif kind == "bool":
            lines.append(f"    v{i} = 'true' if int({word}, 16) else 'false'")
            text = f"{{v{i}}}"
        elif kind.startswith("uint"):
            lines.append(f"    v{i} = int({word}, 16)")
            text = f"{{v{i}}}"
        elif kind.startswith("int"):
            bits = int(kind[3:] or 256)
            lines.append(f"    v{i} = int({word}, 16) & {(1 << bits) - 1}")
            lines.append(f"    if v{i} >> {bits - 1}: v{i} -= {1 << bits}")
            text = f"{{v{i}}}"
        else:  # bytesN
            n = int(kind[5:])
            lines.append(f"    v{i} = '0x' + {start}[{offset}:{offset + 2 * n}]")
            text = f'"{{v{i}}}"'
        parts.append(f'"{name}":{text}')
        if name in dec.refs:  # an address or bytes32 field (an indexed string's hash is not one)
            refs.append(f"v{i}")
    lines.append("    text = f'{{" + ",".join(parts) + "}}'")
    if refs:
        lines.append(f"    return text, [r for r in ({', '.join(refs)},) if r != {ZERO20!r} and r != {ZERO32!r}]")
    else:
        lines.append("    return text, []")
    namespace: dict[str, Any] = {}
    exec(compile("\n".join(lines), f"<row {dec.contract}.{dec.signature}>", "exec"), namespace)  # noqa: S102
    return namespace["row"]


@dataclass(frozen=True)
class FunctionDecoder:
    """Decodes the calldata of one function of one contract."""

    contract: str
    name: str
    signature: str
    selector: str
    names: tuple[str, ...]
    kinds: tuple[str, ...]

    @classmethod
    def from_abi(cls, contract: str, item: Mapping[str, Any]) -> FunctionDecoder:
        sig = signature(item)
        inputs = item.get("inputs", [])
        return cls(contract=contract, name=item["name"], signature=sig, selector="0x" + keccak(sig)[:4].hex(),
                   names=tuple(p.get("name") or f"arg{n}" for n, p in enumerate(inputs)),
                   kinds=tuple(type_string(p) for p in inputs))

    def decode(self, calldata: str) -> dict[str, Any]:
        body = bytes.fromhex(calldata[10:])
        values = abi_decode(list(self.kinds), body, strict=False)
        return {n: _jsonable(v, k) for n, k, v in zip(self.names, self.kinds, values)}


class Catalog:
    """Every event and function of the deployment's contracts, by (address, topic 0) and (address, selector)."""

    def __init__(self, abis: Mapping[str, Sequence[Mapping[str, Any]]], addresses: Mapping[str, str]):
        self.addresses = {name: addr.lower() for name, addr in addresses.items()}
        self.names = {addr: name for name, addr in self.addresses.items()}
        self._events: dict[tuple[str, str], EventDecoder] = {}
        self._functions: dict[tuple[str, str], FunctionDecoder] = {}
        self.by_name: dict[str, dict[str, EventDecoder]] = {}
        for name, address in self.addresses.items():
            if name not in abis:
                raise AbiError(f"no ABI for {name} (in the deployment manifest): run `ape compile`")
            for item in abis[name]:
                if item.get("type") == "event" and not item.get("anonymous"):
                    dec = EventDecoder.from_abi(name, item)
                    self._events[(address, dec.topic0)] = dec
                    self.by_name.setdefault(name, {})[dec.name] = dec
                elif item.get("type") == "function":
                    fdec = FunctionDecoder.from_abi(name, item)
                    self._functions[(address, fdec.selector)] = fdec

    def event(self, address: str, topic0: str) -> EventDecoder | None:
        return self._events.get((address.lower(), topic0.lower()))

    def function(self, address: str, calldata: str) -> FunctionDecoder | None:
        return self._functions.get((address.lower(), calldata[:10].lower()))

    def decoder(self, contract: str, event: str) -> EventDecoder:
        try:
            return self.by_name[contract][event]
        except KeyError:
            raise AbiError(f"{contract} has no event {event}") from None


def load_abis(names: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
    """ABIs of ``names``, as shipped with the package (:mod:`medchain.abi`)."""
    from ..abi import UnknownContractError, abi

    try:
        return {name: abi(name) for name in names}
    except UnknownContractError as err:
        raise AbiError(str(err)) from None
