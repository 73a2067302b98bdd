"""Everything the code knows about the contracts' ABIs, derived from the ABIs shipped with the package
(:mod:`medchain.abi`): selectors, event topics, parameter types (structs as canonical tuple types), a
calldata encoder per function, and decoders for logs, calldata, return data and custom errors.

Nothing here is typed in: a selector is the keccak of the signature the ABI gives, with tuples spelled
out (``submitClaims((bytes32,address,uint128,...)[])``), so a changed interface changes them all at
the next ``make abi``. Lookups by contract and name (:func:`selector`, :func:`topic`, :func:`function`,
:func:`event`, :func:`error`...) are built once and cached.

Decoding is the indexer's hot loop, so static fields (addresses, integers, enums, booleans, fixed
bytes) are read straight off the 32-byte words of ``topics`` and ``data``; only events with a
dynamic non-indexed field (strings, bytes, arrays, structs) go through eth_abi. For the index, each
static event also gets a small function generated from its ABI (:meth:`EventDecoder.row`) that
writes the fields' JSON text and lists its identifiers in one step, with no dict in between: the
same text ``json.dumps(decode(...), separators=(",", ":"))`` gives, in about a third of the time.

Two shapes of values come out:

* ``decode`` (JSON-friendly, what the audit index stores): addresses as lower-case ``0x`` hex,
  fixed bytes as ``0x`` hex, integers as Python ints, booleans as booleans. An indexed dynamic field
  is its keccak topic (``0x`` hex), which is all the log holds.
* ``values`` (Python's, as web3 gives them): checksummed addresses, ``bytes``, ints, tuples for
  structs.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from typing import Any

from eth_hash.auto import keccak as _keccak

ZERO20 = "0x" + "0" * 40
ZERO32 = "0x" + "0" * 64


def keccak(text: str) -> bytes:
    """keccak256 of ``text``'s UTF-8 bytes (of a signature: its topic; the first 4 bytes: its selector)."""
    return _keccak(text.encode())


def abi_decode(types: Sequence[str], data: bytes, strict: bool = True) -> Any:
    """eth_abi's decoding of ``data`` as ``types`` (imported on first use: most events never need it)."""
    from eth_abi import decode

    return decode(list(types), data, strict=strict)


def abi_encode(types: Sequence[str], values: Sequence[Any]) -> bytes:
    """eth_abi's encoding of ``values`` as ``types``."""
    from eth_abi import encode

    return encode(list(types), list(values))


class AbiError(ValueError):
    """An ABI is missing for a contract of the deployment, or cannot be read."""


def type_string(param: Mapping[str, Any]) -> str:
    """The canonical ABI type of a parameter: tuples spelled out, ``(address,uint256)[]``."""
    kind = param["type"]
    if kind.startswith("tuple"):
        inner = ",".join(type_string(c) for c in param.get("components", []))
        return f"({inner}){kind[len('tuple') :]}"
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
        digits = 2 * int(kind[5:])

        def fixed_bytes(w: str) -> str:
            return "0x" + w[:digits]

        return fixed_bytes
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


def _native(value: Any, kind: str) -> Any:
    """eth_abi's decoded value as web3 gives it: addresses checksummed, inside arrays and tuples too."""
    if kind.endswith("]"):
        inner = kind[: kind.rfind("[")]
        return [_native(v, inner) for v in value]
    if kind.startswith("("):
        return tuple(_native(v, k) for v, k in zip(value, _split_tuple(kind[1:-1])))
    if kind == "address":
        from eth_utils import to_checksum_address  # imported on first use: the indexer never needs it

        return to_checksum_address(value)
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
        return cls(
            contract=contract,
            name=item["name"],
            signature=sig,
            topic0="0x" + keccak(sig).hex(),
            indexed=tuple(indexed),
            data=tuple(data),
            order=order,
            kinds=kinds,
            refs=refs,
        )

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
            return {
                name: reader(topics[pos][2:]) if in_topic else reader(data[2 + pos : 66 + pos])
                for name, in_topic, pos, reader in plan
            }
        values: dict[str, Any] = {}
        for (name, _kind, reader), topic in zip(self.indexed, topics[1:]):
            values[name] = reader(topic[2:])  # type: ignore[misc]
        body = data[2:] if data.startswith("0x") else data
        decoded = abi_decode([k for _, k, _ in self.data], bytes.fromhex(body))
        for (name, kind, _), value in zip(self.data, decoded):
            values[name] = _jsonable(value, kind)
        return {name: values[name] for name in self.order}

    def values(self, topics: Sequence[str | bytes], data: str | bytes) -> dict[str, Any]:
        """The event's fields by name, in declaration order, as Python values (see the module's
        docstring); an indexed dynamic field is its 32-byte hash. Raises ValueError on a malformed log."""
        if len(topics) != len(self.indexed) + 1:
            raise ValueError(f"{self.signature}: expected {len(self.indexed) + 1} topics, got {len(topics)}")
        out: dict[str, Any] = {}
        for (name, kind, _), topic in zip(self.indexed, topics[1:]):
            word = _bytes(topic)
            out[name] = _native(abi_decode([kind], word)[0], kind) if _static_reader(kind) else word
        try:
            decoded = abi_decode([k for _, k, _ in self.data], _bytes(data))
        except Exception as err:  # eth_abi's DecodingError and its kin
            raise ValueError(f"{self.signature}: undecodable data: {err}") from None
        for (name, kind, _), value in zip(self.data, decoded):
            out[name] = _native(value, kind)
        return {name: out[name] for name in self.order}

    def topics(self, **match: Any) -> list[str | None]:
        """An ``eth_getLogs`` topics filter for this event: topic 0, then each indexed field named in
        ``match`` (any other indexed field matches anything), trailing wildcards dropped.

        Raises ValueError naming a field that is not indexed, or a value that is not of its type."""
        indexed = {name: kind for name, kind, _ in self.indexed}
        unknown = sorted(set(match) - set(indexed))
        if unknown:
            raise ValueError(
                f"{self.signature}: {', '.join(unknown)} is not an indexed field "
                f"(indexed: {', '.join(indexed) or 'none'})"
            )
        out: list[str | None] = [self.topic0]
        for name, kind in indexed.items():
            value = match.get(name)
            if value is None:
                out.append(None)
            elif not _static_reader(kind):
                raise ValueError(f"{self.signature}: {name} is an indexed {kind}: filter on its hash instead")
            else:
                try:
                    out.append("0x" + abi_encode([kind], [value]).hex())
                except Exception as err:  # eth_abi's EncodingError and its kin
                    raise ValueError(f"{self.signature}: {name}: not of type {kind}: {value!r}") from err
        while out[-1] is None:
            out.pop()
        return out


def _bytes(value: str | bytes) -> bytes:
    """Bytes from ``0x`` hex (as JSON-RPC spells them) or bytes."""
    if isinstance(value, str):
        return bytes.fromhex(value[2:] if value.startswith(("0x", "0X")) else value)
    return bytes(value)


#: ``json.dumps(value, separators=(",", ":"))``, without the per-call set-up.
compact_json = json.JSONEncoder(separators=(",", ":")).encode


def identifiers(args: Mapping[str, Any]) -> Iterable[str]:
    """The identifiers among decoded fields: addresses and 32-byte values (also inside lists), non-zero."""
    for value in args.values():
        items = value if isinstance(value, list) else (value,)
        for item in items:
            if (
                isinstance(item, str)
                and len(item) in (42, 66)
                and item.startswith("0x")
                and item not in (ZERO20, ZERO32)
            ):
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
    """One function of one contract: its selector, its calldata encoder, and decoders for its calldata
    and its return data."""

    contract: str
    name: str
    signature: str
    selector: str  # 0x hex, as calldata starts
    names: tuple[str, ...]
    kinds: tuple[str, ...]  # canonical input types (structs as tuple types)
    outputs: tuple[str, ...] = ()  # canonical output types

    @classmethod
    def from_abi(cls, contract: str, item: Mapping[str, Any]) -> FunctionDecoder:
        sig = signature(item)
        inputs = item.get("inputs", [])
        return cls(
            contract=contract,
            name=item["name"],
            signature=sig,
            selector="0x" + keccak(sig)[:4].hex(),
            names=tuple(p.get("name") or f"arg{n}" for n, p in enumerate(inputs)),
            kinds=tuple(type_string(p) for p in inputs),
            outputs=tuple(type_string(p) for p in item.get("outputs", [])),
        )

    @cached_property
    def prefix(self) -> bytes:
        """The 4-byte selector, as the calldata's first bytes."""
        return bytes.fromhex(self.selector[2:])

    def encode(self, *args: Any) -> bytes:
        """The calldata of a call with ``args`` (Python values, structs as tuples). Raises ValueError
        naming the function when the arguments do not fit its inputs."""
        if len(args) != len(self.kinds):
            raise ValueError(f"{self.signature}: takes {len(self.kinds)} argument(s), got {len(args)}")
        try:
            return self.prefix + abi_encode(self.kinds, args)
        except Exception as err:  # eth_abi's EncodingError and its kin
            raise ValueError(f"{self.signature}: arguments do not fit: {err}") from err

    def decode(self, calldata: str) -> dict[str, Any]:
        """The call's arguments by name, JSON-friendly (see the module's docstring)."""
        body = bytes.fromhex(calldata[10:])
        values = abi_decode(list(self.kinds), body, strict=False)
        return {n: _jsonable(v, k) for n, k, v in zip(self.names, self.kinds, values)}

    def result(self, data: str | bytes) -> tuple[Any, ...]:
        """The return data of a call, as Python values (a struct as a tuple). ValueError when it does
        not decode as the function's outputs."""
        try:
            decoded = abi_decode(self.outputs, _bytes(data))
        except Exception as err:  # eth_abi's DecodingError and its kin
            raise ValueError(
                f"{self.signature}: return data does not decode as ({','.join(self.outputs)}): {err}"
            ) from None
        return tuple(_native(v, k) for v, k in zip(decoded, self.outputs))


@dataclass(frozen=True)
class ErrorDecoder:
    """One custom error of one contract: its selector and a decoder for revert data that starts with it."""

    contract: str
    name: str
    signature: str
    selector: str  # 0x hex, as the revert data starts
    names: tuple[str, ...]
    kinds: tuple[str, ...]

    @classmethod
    def from_abi(cls, contract: str, item: Mapping[str, Any]) -> ErrorDecoder:
        sig = signature(item)
        inputs = item.get("inputs", [])
        return cls(
            contract=contract,
            name=item["name"],
            signature=sig,
            selector="0x" + keccak(sig)[:4].hex(),
            names=tuple(p.get("name") or f"arg{n}" for n, p in enumerate(inputs)),
            kinds=tuple(type_string(p) for p in inputs),
        )

    @cached_property
    def prefix(self) -> bytes:
        """The 4-byte selector, as the revert data's first bytes."""
        return bytes.fromhex(self.selector[2:])

    def values(self, data: str | bytes) -> dict[str, Any]:
        """The error's fields by name, as Python values. ValueError when ``data`` is not this error."""
        raw = _bytes(data)
        if raw[:4] != self.prefix:
            raise ValueError(f"not {self.signature}: revert data starts 0x{raw[:4].hex()}")
        try:
            decoded = abi_decode(self.kinds, raw[4:], strict=False)
        except Exception as err:  # eth_abi's DecodingError and its kin
            raise ValueError(f"{self.signature}: undecodable revert data: {err}") from None
        return {n: _native(v, k) for n, k, v in zip(self.names, self.kinds, decoded)}


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
        """The decoder of a log of ``address`` with ``topic0``; None for a log the ABIs do not describe."""
        return self._events.get((address.lower(), topic0.lower()))

    def function(self, address: str, calldata: str) -> FunctionDecoder | None:
        """The decoder of a call to ``address`` with ``calldata``; None for a selector the ABIs do not have."""
        return self._functions.get((address.lower(), calldata[:10].lower()))

    def decoder(self, contract: str, event: str) -> EventDecoder:
        """The decoder of ``contract``'s ``event``; AbiError when the deployment's ABIs have no such event."""
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


# ---------------------------------------------------------------------------------------------
# The suite's ABI facts by contract and name, derived once from the shipped ABIs.


@cache
def _members(contract: str) -> dict[tuple[str, str], Mapping[str, Any]]:
    """(kind, name) -> ABI item of a suite contract (the suite has no overloaded names)."""
    (items,) = load_abis([contract]).values()
    out: dict[tuple[str, str], Mapping[str, Any]] = {}
    for item in items:
        kind = item.get("type")
        if kind in ("function", "event", "error"):
            key = (kind, item["name"])
            if key in out:
                raise AbiError(f"{contract} has more than one {kind} named {item['name']}: name it by signature")
            out[key] = item
    return out


def _member(contract: str, kind: str, name: str) -> Mapping[str, Any]:
    members = _members(contract)
    try:
        return members[(kind, name)]
    except KeyError:
        known = sorted(n for k, n in members if k == kind)
        raise AbiError(f"{contract} has no {kind} {name!r} (its {kind}s: {', '.join(known) or 'none'})") from None


@cache
def function(contract: str, name: str) -> FunctionDecoder:
    """The function ``name`` of the suite contract ``contract``: selector, encoder, decoders.
    AbiError when there is no such contract or function."""
    return FunctionDecoder.from_abi(contract, _member(contract, "function", name))


@cache
def event(contract: str, name: str) -> EventDecoder:
    """The event ``name`` of the suite contract ``contract``: topic 0, topics filter, decoders."""
    return EventDecoder.from_abi(contract, _member(contract, "event", name))


@cache
def error(contract: str, name: str) -> ErrorDecoder:
    """The custom error ``name`` of the suite contract ``contract``: selector, decoder."""
    return ErrorDecoder.from_abi(contract, _member(contract, "error", name))


@cache
def errors(contract: str) -> dict[str, ErrorDecoder]:
    """Every custom error of ``contract`` (those of the interfaces and libraries it uses too), by
    selector (``0x`` hex)."""
    return {dec.selector: dec for dec in (error(contract, n) for k, n in _members(contract) if k == "error")}


def selector(contract: str, name: str) -> bytes:
    """The 4-byte selector of ``contract.name(...)``, as calldata starts."""
    return function(contract, name).prefix


def topic(contract: str, name: str) -> str:
    """Topic 0 of ``contract``'s event ``name``, ``0x`` hex as ``eth_getLogs`` filters and answers spell it."""
    return event(contract, name).topic0


def input_types(contract: str, name: str) -> tuple[str, ...]:
    """The canonical input types of a function, structs as tuple types: ``("(bytes32,address,...)[]",)``."""
    return function(contract, name).kinds


def output_types(contract: str, name: str) -> tuple[str, ...]:
    """The canonical output types of a function, structs as tuple types."""
    return function(contract, name).outputs


def calldata(contract: str, name: str, *args: Any) -> bytes:
    """The calldata of ``contract.name(*args)`` (Python values, structs as tuples)."""
    return function(contract, name).encode(*args)


def decode_error(contract: str, data: str | bytes) -> tuple[ErrorDecoder, dict[str, Any]] | None:
    """The custom error of ``contract`` that revert ``data`` is, with its fields as Python values; None
    when the data is none of its errors (or does not decode as the one its selector names)."""
    raw = _bytes(data)
    dec = errors(contract).get("0x" + raw[:4].hex())
    if dec is None:
        return None
    try:
        return dec, dec.values(raw)
    except ValueError:
        return None
