"""What every contract class of the SDK stands on: one :class:`Contract` over an address, which encodes
calls and decodes answers and events with eth-abi, from the ABIs shipped in :mod:`medchain.abi`.

Every selector, topic and type is derived from the ABI when a class is first used: nothing here
names a medchain function. The typed classes (:mod:`medchain.contracts.generated`) are thin methods
over :meth:`Contract.call` and :meth:`Contract.transact`.

Values are Python's: addresses as checksummed ``0x`` strings, fixed and dynamic bytes as
:class:`bytes` (a ``0x`` hex string is accepted on input), integers as :class:`int`, arrays as lists,
structs and multi-value answers as named tuples, enums that the package names (a claim's status) as
their :class:`~enum.IntEnum`.
"""

from __future__ import annotations

import keyword
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, ClassVar, Iterable, Mapping, Sequence, TypedDict, TypeVar, cast

import msgspec
from eth_abi import decode as abi_decode
from eth_abi import encode as abi_encode
from eth_abi import is_encodable
from eth_abi.grammar import BasicType, TupleType, parse
from eth_utils import keccak, to_checksum_address
from eth_utils.abi import collapse_if_tuple, event_abi_to_log_topic, function_abi_to_4byte_selector

from ..abi import abi as shipped_abi
from ..chain.rpc import Log, Rpc, RpcError

if TYPE_CHECKING:
    from .tx import Signer, Transactor

#: A block to read at: a number, or a tag ("latest", "pending", "safe", "finalized", "earliest").
BlockId = int | str


class ContractReverted(Exception):
    """A call or transaction the contract refused: ``contract`` and ``function`` name it, ``data`` is the
    raw revert data (a custom error's selector and arguments; empty when the contract gave none),
    ``tx_hash`` the mined transaction when it got that far."""

    def __init__(self, contract: str, function: str, data: bytes, tx_hash: str | None = None,
                 message: str | None = None):
        self.contract, self.function, self.data, self.tx_hash = contract, function, data, tx_hash
        what = f"{contract}.{function}"
        if tx_hash:
            what += f" (transaction {tx_hash}, mined)"
        detail = f"revert data 0x{data.hex()}" if data else "no revert data"
        super().__init__(message or f"{what} reverted: {detail}")

    @property
    def selector(self) -> bytes:
        """The first four bytes of the revert data: which custom error (empty when there is none)."""
        return self.data[:4]


class TxOptions(TypedDict, total=False):
    """Options of a transaction (a method's ``tx=`` argument): left out, each is worked out from the node
    (see :class:`~medchain.contracts.tx.Transactor`)."""

    value: int  # wei sent with the call (payable functions)
    gas: int  # the gas limit; default: the node's estimate plus a margin
    nonce: int  # default: the signer's next nonce
    max_fee_per_gas: int
    max_priority_fee_per_gas: int


class Event(msgspec.Struct, frozen=True, kw_only=True):
    """A decoded log: where it was emitted (``address``, ``block_number``, ``transaction_hash``,
    ``log_index``); each event's class adds its fields, named as in the ABI."""

    address: str
    block_number: int
    transaction_hash: str
    log_index: int

    #: The event's name in the ABI (set on each generated class).
    EVENT: ClassVar[str] = ""


E = TypeVar("E", bound=Event)


class Receipt(msgspec.Struct, frozen=True, kw_only=True):
    """A mined transaction: ``status`` 1 (it ran) or 0 (it reverted), the gas it used, its logs as the
    node gave them and ``events``, the logs of the contract that sent it, decoded."""

    transaction_hash: str
    block_number: int
    block_hash: str
    status: int
    gas_used: int
    effective_gas_price: int
    sender: str
    to: str | None
    contract_address: str | None
    logs: list[Log]
    events: list[Event] = []

    @classmethod
    def from_json(cls, receipt: Mapping[str, Any], events: Callable[[list[Log]], list[Event]] | None = None) -> Receipt:
        """From an ``eth_getTransactionReceipt`` answer; ``events`` decodes the logs."""
        logs = [msgspec.convert(log, Log) for log in receipt.get("logs", [])]
        return cls(
            transaction_hash=receipt["transactionHash"], block_number=int(receipt["blockNumber"], 16),
            block_hash=receipt["blockHash"], status=int(receipt.get("status", "0x1"), 16),
            gas_used=int(receipt["gasUsed"], 16), effective_gas_price=int(receipt.get("effectiveGasPrice", "0x0"), 16),
            sender=to_checksum_address(receipt["from"]),
            to=to_checksum_address(receipt["to"]) if receipt.get("to") else None,
            contract_address=to_checksum_address(receipt["contractAddress"]) if receipt.get("contractAddress") else None,
            logs=logs, events=events(logs) if events else [],
        )


# -- values between Python and the ABI ---------------------------------------------------------------

#: Types a struct or enum of the ABI maps to (by ``internalType``, e.g. ``IClaimSettlement.ClaimView``).
Types = Mapping[str, type]


def _internal(param: Mapping[str, Any]) -> str:
    """``IClaimSettlement.ClaimView`` from ``struct IClaimSettlement.ClaimView[]``."""
    name = param.get("internalType", "").split(" ", 1)[-1]
    return name.split("[", 1)[0]


def _to_python(param: Mapping[str, Any], types: Types) -> Callable[[Any], Any]:
    """A converter from eth-abi's decoded value of ``param`` to the SDK's."""
    return _converter(parse(collapse_if_tuple(dict(param))), param, types)


def _converter(kind: Any, param: Mapping[str, Any], types: Types) -> Callable[[Any], Any]:
    if kind.is_array:
        item = _converter(kind.item_type, param, types)
        return lambda values: [item(v) for v in values]
    if isinstance(kind, TupleType):
        cls = types.get(_internal(param), tuple)
        parts = [_converter(k, c, types) for k, c in zip(kind.components, param.get("components", []))]
        if cls is tuple:
            return lambda value: tuple(p(v) for p, v in zip(parts, value))
        return lambda value: cls(*(p(v) for p, v in zip(parts, value)))
    enum = types.get(_internal(param)) if param.get("internalType", "").startswith("enum ") else None
    if enum is not None:
        return enum
    if isinstance(kind, BasicType) and kind.base == "address":
        return to_checksum_address
    return _identity


def _identity(value: Any) -> Any:
    return value


def _from_python(kind: Any, value: Any) -> Any:
    """``value`` made encodable as ``kind``: ``0x`` hex strings as bytes, sequences as lists."""
    if kind.is_array:
        return [_from_python(kind.item_type, v) for v in value] if isinstance(value, (list, tuple)) else value
    if isinstance(kind, TupleType):
        if isinstance(value, (list, tuple)) and len(value) == len(kind.components):
            return tuple(_from_python(k, v) for k, v in zip(kind.components, value))
        return value
    if isinstance(kind, BasicType) and kind.base == "bytes" and isinstance(value, str):
        try:
            return bytes.fromhex(value[2:] if value[:2] in ("0x", "0X") else value)
        except ValueError:
            return value
    return value


@dataclass(frozen=True)
class FunctionSpec:
    """One function of a contract's ABI: how to encode a call and read its answer."""

    contract: str
    name: str
    signature: str
    selector: bytes
    inputs: tuple[tuple[str, str, Any], ...]  # (name, canonical type, parsed type)
    output_types: tuple[str, ...]
    read: Callable[[tuple[Any, ...]], Any]  # decoded outputs -> the SDK's value
    mutability: str

    def encode(self, args: Sequence[Any]) -> bytes:
        """Calldata for ``args``; a wrong count or an argument that is not its type: ValueError naming it."""
        if len(args) != len(self.inputs):
            names = ", ".join(n for n, _, _ in self.inputs) or "none"
            raise ValueError(f"{self.contract}.{self.name} takes {len(self.inputs)} argument(s) ({names}), "
                             f"not {len(args)}")
        values = []
        for (name, kind, parsed), value in zip(self.inputs, args):
            value = _from_python(parsed, value)
            if not is_encodable(kind, value):
                raise ValueError(f"{self.contract}.{self.name}: {name} is not of type {kind}: {value!r}")
            values.append(value)
        return self.selector + abi_encode([k for _, k, _ in self.inputs], values)

    def decode(self, answer: bytes) -> Any:
        return self.read(abi_decode(list(self.output_types), answer))


@dataclass(frozen=True)
class EventSpec:
    """One event of a contract's ABI: its topic, and how to decode its logs into ``cls``."""

    contract: str
    name: str
    topic0: str
    indexed: tuple[tuple[str, str, Callable[[Any], Any]], ...]  # (name, canonical type, converter)
    data: tuple[tuple[str, str, Callable[[Any], Any]], ...]
    cls: type[Event]
    #: For each indexed field, whether its topic holds its value (else the keccak hash of it).
    indexed_static: tuple[bool, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "indexed_static", tuple(_static(kind) for _, kind, _ in self.indexed))

    def decode(self, log: Log) -> Event:
        """The log as an event; ValueError when it is not one of these."""
        topics = log.topics
        if len(topics) != len(self.indexed) + 1 or topics[0].lower() != self.topic0:
            raise ValueError(f"{self.contract}.{self.name}: a log with topics {topics} is not one")
        fields: dict[str, Any] = {}
        for (name, kind, convert), static, topic in zip(self.indexed, self.indexed_static, topics[1:]):
            word = bytes.fromhex(topic[2:])
            # a dynamic indexed field is stored as its keccak hash: all the log holds
            fields[name] = convert(abi_decode([kind], word)[0]) if static else word
        body = bytes.fromhex(log.data[2:])
        values = abi_decode([k for _, k, _ in self.data], body) if self.data else ()
        for (name, _kind, convert), value in zip(self.data, values):
            fields[name] = convert(value)
        return self.cls(address=to_checksum_address(log.address), block_number=int(log.blockNumber, 16),
                        transaction_hash=log.transactionHash, log_index=int(log.logIndex, 16), **fields)

    def topic(self, name: str, value: Any) -> str:
        """The topic an indexed field ``name`` holds for ``value`` (for filtering logs)."""
        for field_name, kind, _ in self.indexed:
            if field_name == name:
                if _static(kind):
                    value = _from_python(parse(kind), value)
                    if not is_encodable(kind, value):
                        raise ValueError(f"{self.contract}.{self.name}: {name} is not of type {kind}: {value!r}")
                    return "0x" + abi_encode([kind], [value]).hex()
                raw = value.encode() if isinstance(value, str) else bytes(value)
                return "0x" + keccak(raw).hex()
        indexed = ", ".join(n for n, _, _ in self.indexed) or "none"
        raise ValueError(f"{self.contract}.{self.name} has no indexed field {name!r} (indexed: {indexed})")


def _static(kind: str) -> bool:
    parsed = parse(kind)
    return not parsed.is_dynamic


@dataclass(frozen=True)
class ContractSpec:
    """A contract's functions and events, from its ABI."""

    name: str
    functions: Mapping[str, FunctionSpec]
    events: Mapping[str, EventSpec]
    by_topic: Mapping[str, EventSpec]


def build_spec(name: str, abi: Iterable[Mapping[str, Any]], types: Types, events: Mapping[str, type[Event]],
               results: Mapping[str, type]) -> ContractSpec:
    """The spec of contract ``name``: ``types`` maps structs and enums to classes, ``events`` each event
    name to its class, ``results`` each function with several outputs to its named tuple."""
    functions: dict[str, FunctionSpec] = {}
    event_specs: dict[str, EventSpec] = {}
    for item in abi:
        kind = item.get("type")
        if kind == "function":
            inputs = tuple((p.get("name") or f"arg{n}", collapse_if_tuple(dict(p)), parse(collapse_if_tuple(dict(p))))
                           for n, p in enumerate(item.get("inputs", [])))
            outputs = item.get("outputs", [])
            readers = [_to_python(p, types) for p in outputs]
            functions[item["name"]] = FunctionSpec(
                contract=name, name=item["name"], signature=_signature(item),
                selector=function_abi_to_4byte_selector(cast(Any, item)), inputs=inputs,
                output_types=tuple(collapse_if_tuple(dict(p)) for p in outputs),
                read=_reader(readers, results.get(item["name"])), mutability=item.get("stateMutability", "nonpayable"))
        elif kind == "event" and not item.get("anonymous"):
            params = [(field_name(p.get("name") or f"arg{n}"), collapse_if_tuple(dict(p)), _to_python(p, types),
                       p.get("indexed")) for n, p in enumerate(item.get("inputs", []))]
            event_specs[item["name"]] = EventSpec(
                contract=name, name=item["name"], topic0="0x" + event_abi_to_log_topic(cast(Any, item)).hex(),
                indexed=tuple((n, k, c) for n, k, c, i in params if i),
                data=tuple((n, k, c) for n, k, c, i in params if not i), cls=events.get(item["name"], Event))
    return ContractSpec(name=name, functions=functions, events=event_specs,
                        by_topic={e.topic0: e for e in event_specs.values()})


def field_name(name: str) -> str:
    """The Python name of an ABI field: a keyword (ERC-20's ``from``) gets a trailing underscore."""
    return name + "_" if keyword.iskeyword(name) else name


def _signature(item: Mapping[str, Any]) -> str:
    return f"{item['name']}({','.join(collapse_if_tuple(dict(p)) for p in item.get('inputs', []))})"


def _reader(readers: list[Callable[[Any], Any]], result: type | None) -> Callable[[tuple[Any, ...]], Any]:
    if not readers:
        return lambda _values: None
    if len(readers) == 1:
        (one,) = readers
        return lambda values: one(values[0])
    cls = result or tuple
    return lambda values: cls(*(r(v) for r, v in zip(readers, values)))


# -- the contract -------------------------------------------------------------------------------------


class Contract:
    """A contract of the suite at ``address``, reached through ``rpc``; transactions are signed by
    ``signer`` (an eth-account ``LocalAccount``, or anything with ``address`` and ``sign_transaction``).

    Subclasses name the ABI (``NAME``) and map its structs, enums, events and multi-value answers to
    classes; every call goes through :meth:`call`, :meth:`transact` and :meth:`events`.
    """

    #: The contract's name: its ABI in :mod:`medchain.abi` unless ``ABI_SOURCE`` names another.
    NAME: ClassVar[str] = ""
    #: Which shipped ABI the class reads, and (if not empty) which of its functions and events.
    ABI_SOURCE: ClassVar[str] = ""
    ABI_ITEMS: ClassVar[frozenset[str]] = frozenset()
    #: Classes for the ABI's structs and enums (by internalType), events and multi-value answers.
    TYPES: ClassVar[Mapping[str, type]] = {}
    EVENTS: ClassVar[Mapping[str, type[Event]]] = {}
    RESULTS: ClassVar[Mapping[str, type]] = {}

    def __init__(self, rpc: Rpc, address: str, signer: Signer | None = None, *,
                 transactor: Transactor | None = None):
        try:
            self.address: str = to_checksum_address(address)
        except (TypeError, ValueError):
            raise ValueError(f"{self.NAME}: address is not an address: {address!r}") from None
        self.rpc = rpc
        if transactor is None and signer is not None:
            from .tx import Transactor

            transactor = Transactor(rpc, signer)
        self.transactor = transactor

    def __repr__(self) -> str:
        return f"<{self.NAME} {self.address}>"

    @property
    def signer(self) -> Signer | None:
        """Who signs this object's transactions (None: it can only read)."""
        return self.transactor.signer if self.transactor is not None else None

    def with_signer(self: C, signer: Signer) -> C:
        """The same contract, its transactions signed by ``signer``."""
        from .tx import Transactor

        return type(self)(self.rpc, self.address, transactor=Transactor(self.rpc, signer))

    @classmethod
    def spec(cls) -> ContractSpec:
        """The contract's functions and events, read from its ABI once per class."""
        return _spec_of(cls)

    def _function(self, name: str) -> FunctionSpec:
        try:
            return self.spec().functions[name]
        except KeyError:
            raise ValueError(f"{self.NAME} has no function {name!r}") from None

    # -- calls -----------------------------------------------------------------------------------------

    def encode(self, function: str, *args: Any) -> bytes:
        """The calldata of ``function(*args)`` (for a multisig, a relayer or a batch of one's own)."""
        return self._function(function).encode(args)

    def call(self, function: str, *args: Any, block: BlockId = "latest", sender: str | None = None) -> Any:
        """``function(*args)`` run by the node without a transaction (``eth_call``), its answer decoded.

        A revert raises :class:`ContractReverted` with the raw revert data."""
        spec = self._function(function)
        request: dict[str, Any] = {"to": self.address, "data": "0x" + spec.encode(args).hex()}
        if sender is not None:
            request["from"] = sender
        try:
            answer = self.rpc.call("eth_call", [request, _block(block)])
        except RpcError as err:
            raise revert_of(err, self.NAME, function) or err
        return spec.decode(bytes.fromhex(answer[2:]))

    def _call(self, function: str, args: tuple[Any, ...], block: BlockId) -> Any:
        return self.call(function, *args, block=block)

    def transact(self, function: str, *args: Any, **options: Any) -> Receipt:
        """Send ``function(*args)`` as a transaction signed by the signer, and wait for its receipt;
        options as :class:`TxOptions`. A revert (at estimation or mined) raises :class:`ContractReverted`."""
        if self.transactor is None:
            raise ValueError(f"{self.NAME}.{function}: no signer to send it with: give the contract (or the "
                             "Suite) a signer")
        unknown = set(options) - set(TxOptions.__annotations__)
        if unknown:
            raise ValueError(f"{self.NAME}.{function}: unknown transaction option(s) {', '.join(sorted(unknown))} "
                             f"(there are: {', '.join(TxOptions.__annotations__)})")
        data = self._function(function).encode(args)
        return self.transactor.send(self.address, data, contract=self.NAME, function=function,
                                    decode=self.decode_logs, **options)

    def _transact(self, function: str, args: tuple[Any, ...], options: TxOptions | None) -> Receipt:
        return self.transact(function, *args, **(options or {}))

    # -- events ----------------------------------------------------------------------------------------

    def decode_logs(self, logs: Receipt | Iterable[Log]) -> list[Event]:
        """The logs of this contract (in a receipt, or a list) that are its events, decoded in order."""
        items = logs.logs if isinstance(logs, Receipt) else logs
        by_topic = self.spec().by_topic
        address = self.address.lower()
        found = []
        for log in items:
            if log.address.lower() == address and log.topics:
                spec = by_topic.get(log.topics[0].lower())
                if spec is not None:
                    found.append(spec.decode(log))
        return found

    def events(self, kind: type[E], from_block: BlockId = 0, to_block: BlockId = "latest",
               **where: Any) -> list[E]:
        """The ``kind`` events of this contract in the blocks, decoded; ``where`` filters on indexed fields
        (a value, or a list of values any of which matches).

        One ``eth_getLogs``: a node that limits log ranges refuses a long one with an :class:`RpcError`
        whose ``is_range_limit`` is true (ask for fewer blocks)."""
        spec = self.spec().events.get(kind.EVENT)
        if spec is None or spec.cls is not kind:
            raise ValueError(f"{self.NAME} has no event {kind.__name__}")
        topics: list[Any] = [spec.topic0]
        positions = {name: i for i, (name, _, _) in enumerate(spec.indexed)}
        for name in where:
            if name not in positions:
                spec.topic(name, None)  # raises, naming the indexed fields
        for name, _, _ in spec.indexed:
            if name in where:
                value = where[name]
                values = value if isinstance(value, list) else [value]
                topics.append([spec.topic(name, v) for v in values])
            else:
                topics.append(None)
        while topics[-1] is None:
            topics.pop()
        answer = self.rpc.call("eth_getLogs", [{"address": self.address, "fromBlock": _block(from_block),
                                                "toBlock": _block(to_block), "topics": topics}])
        return [spec.decode(msgspec.convert(log, Log)) for log in answer]  # type: ignore[misc]


C = TypeVar("C", bound=Contract)


_SPECS: dict[type[Contract], ContractSpec] = {}


def _spec_of(cls: type[Contract]) -> ContractSpec:
    spec = _SPECS.get(cls)
    if spec is None:
        abi = shipped_abi(cls.ABI_SOURCE or cls.NAME)
        if cls.ABI_ITEMS:
            abi = [item for item in abi if item.get("name") in cls.ABI_ITEMS]
        spec = _SPECS[cls] = build_spec(cls.NAME, abi, cls.TYPES, cls.EVENTS, cls.RESULTS)
    return spec


def _block(block: BlockId) -> str:
    if isinstance(block, int):
        if block < 0:
            raise ValueError(f"block: not a block number: {block}")
        return hex(block)
    return block


def revert_of(err: RpcError, contract: str, function: str, tx_hash: str | None = None) -> ContractReverted | None:
    """The :class:`ContractReverted` an error answer stands for, if it is a revert (``None`` otherwise)."""
    message = str(err).lower()
    if err.code != 3 and "revert" not in message:
        return None
    data = err.data
    if isinstance(data, dict):  # some nodes nest it: {"data": {"data": "0x..."}} or {"0x<tx>": {...}}
        data = data.get("data") or data.get("result") or next(iter(data.values()), None)
        if isinstance(data, dict):
            data = data.get("return") or data.get("data")
    raw = b""
    if isinstance(data, str) and data.startswith("0x"):
        try:
            raw = bytes.fromhex(data[2:])
        except ValueError:
            raw = b""
    return ContractReverted(contract, function, raw, tx_hash)
