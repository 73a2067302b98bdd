"""Write the SDK's typed contract classes (``medchain/contracts/generated.py``) from the ABIs shipped in
:mod:`medchain.abi`.

``python -m medchain_dev.sdk_codegen`` writes the file (``make abi`` runs it after exporting the
ABIs); ``--check`` exits 1 when the file differs from what this writes now. The docstrings are the
contracts' NatSpec (``@notice`` and ``@dev``), read from the build (``make compile``). One class per contract of
the suite, plus ``ERC20`` (the standard's functions and events, as the suite's test token declares
them) which ``TestStableToken`` extends. For each function a typed method (views read, everything else
sends a transaction), for each event a class, for each struct a named tuple, for each function with
several outputs a named tuple of its answer. The ABI's enums that the package names map to those enums.
"""

from __future__ import annotations

import json
import keyword
import sys
import textwrap
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from medchain.abi import abi

from .abi_export import BUILD_MANIFEST

TARGET = Path(__file__).resolve().parent.parent / "medchain" / "contracts" / "generated.py"

#: The suite's contracts with a class of their own, in deployment order (the token's is ERC20 + its own).
CONTRACTS = (
    "ConsortiumRegistry",
    "ConsentRegistry",
    "RecordAnchor",
    "DrugProvenance",
    "ClaimSettlement",
    "RecordExchange",
)
#: The functions and events of EIP-20 (the standard's names): the ``ERC20`` class, read from the test token's ABI.
ERC20_ITEMS = (
    "name",
    "symbol",
    "decimals",
    "totalSupply",
    "balanceOf",
    "allowance",
    "transfer",
    "approve",
    "transferFrom",
    "Transfer",
    "Approval",
)
TOKEN = "TestStableToken"
#: Enums of the ABIs (by internalType) that the package defines: (module relative to medchain.contracts, name).
ENUMS = {"IClaimSettlement.Status": ("..claims.status", "ClaimStatus")}
#: Attributes of medchain.contracts.base.Contract and Event that no generated name may take.
RESERVED = {
    "tx",
    "address",
    "rpc",
    "transactor",
    "signer",
    "with_signer",
    "spec",
    "encode",
    "call",
    "transact",
    "events",
    "decode_logs",
    "NAME",
    "ABI_SOURCE",
    "ABI_ITEMS",
    "TYPES",
    "EVENTS",
    "RESULTS",
}
EVENT_FIELDS = {"address", "block_number", "transaction_hash", "log_index", "EVENT"}


class CodegenError(ValueError):
    """An ABI the generator cannot turn into valid, unambiguous Python."""


def _internal(param: Mapping[str, Any]) -> str:
    return param.get("internalType", "").split(" ", 1)[-1].split("[", 1)[0]


def _struct_name(param: Mapping[str, Any]) -> str:
    return _internal(param).rsplit(".", 1)[-1]


def _q(text: str) -> str:
    """A Python string literal, double-quoted."""
    return json.dumps(text)


def _identifier(name: str, where: str, taken: Iterable[str] = ()) -> str:
    """A Python name for an ABI name: keywords get a trailing underscore; anything else invalid is refused."""
    if keyword.iskeyword(name) or name in taken:
        name += "_"
    if not name.isidentifier():
        raise CodegenError(f"{where}: {name!r} is not a usable Python name")
    return name


def _hint(param: Mapping[str, Any], output: bool) -> str:
    kind: str = param["type"]
    if kind.endswith("]"):
        inner = dict(
            param,
            type=kind[: kind.rindex("[")],
            internalType=param.get("internalType", "")[: param.get("internalType", "").rfind("[")]
            if param.get("internalType", "").endswith("]")
            else param.get("internalType", ""),
        )
        return f"list[{_hint(inner, output)}]" if output else f"Sequence[{_hint(inner, output)}]"
    if kind == "tuple":
        return _struct_name(param)
    if param.get("internalType", "").startswith("enum ") and _internal(param) in ENUMS:
        return ENUMS[_internal(param)][1] if output else "int"
    if kind == "address":
        return "str"
    if kind == "bool":
        return "bool"
    if kind.startswith(("uint", "int")):
        return "int"
    if kind.startswith("bytes"):
        return "bytes" if output else "bytes | str"
    if kind == "string":
        return "str"
    raise CodegenError(f"no Python type for ABI type {kind!r}")


def _canonical(param: Mapping[str, Any]) -> str:
    kind = param["type"]
    if kind.startswith("tuple"):
        return f"({','.join(_canonical(c) for c in param.get('components', []))}){kind[len('tuple') :]}"
    return kind


def _signature(item: Mapping[str, Any]) -> str:
    return f"{item['name']}({','.join(_canonical(p) for p in item.get('inputs', []))})"


def _def(head: str, params: list[str], tail: str, indent: str) -> list[str]:
    """A ``def`` line, wrapped with one parameter per line when it would pass 115 characters."""
    line = f"{indent}def {head}({', '.join(params)}){tail}"
    if len(line) <= 115:
        return [line]
    return [f"{indent}def {head}(", *(f"{indent}    {p}," for p in params), f"{indent}){tail}"]


def _tuple_field(name: str, hint: str, indent: str) -> str:
    """A named tuple's field; one that takes the name of a tuple method (``count``, ``index``) keeps the
    ABI's name, which hides the method, and says so to type checkers."""
    shadows = name in ("count", "index")
    return f"{indent}{name}: {hint}" + ("  # type: ignore[assignment]" if shadows else "")


def _dict(name: str, entries: list[str]) -> list[str]:
    """A class attribute holding a dict literal, one entry a line."""
    if not entries:
        return [f"    {name}: ClassVar[dict[str, type]] = {{}}"]
    return [f"    {name} = {{", *(f"        {e}" for e in entries), "    }"]


def _doc(natspec: list[str], summary: str, indent: str = "        ") -> list[str]:
    """A docstring: the NatSpec paragraphs, then ``summary`` (one line if that is all and it fits)."""
    if not natspec and len(indent) + len(summary) <= 110:
        return [f'{indent}"""{summary}"""']
    lines: list[str] = []
    for paragraph in [*natspec, summary]:
        text = paragraph.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
        lines += [*textwrap.wrap(text, 115 - len(indent), break_on_hyphens=False), ""]
    lines[0] = '"""' + lines[0]
    lines[-1] = '"""'
    return [f"{indent}{line}" if line else "" for line in lines]


def natspec(contract: str, build: Path = BUILD_MANIFEST) -> dict[str, list[str]]:
    """The NatSpec of ``contract``'s functions and events in the build, by signature (the contract's own
    under ""): notice, then details."""
    if not build.exists():
        raise CodegenError(f"no build at {build}: run `make compile` (the docstrings are the contracts' NatSpec)")
    kind = json.loads(build.read_text(encoding="utf-8"))["contractTypes"][contract]
    found: dict[str, list[str]] = {}
    for doc, key in (
        (kind.get("devdoc") or {}, "title"),
        (kind.get("userdoc") or {}, "notice"),
        (kind.get("devdoc") or {}, "details"),
    ):
        if doc.get(key):
            found.setdefault("", []).append(" ".join(str(doc[key]).split()))
    for doc, key in ((kind.get("userdoc") or {}, "notice"), (kind.get("devdoc") or {}, "details")):
        for section in ("methods", "events"):
            for signature, entry in (doc.get(section) or {}).items():
                text = entry.get(key) if isinstance(entry, dict) else None
                if text:
                    found.setdefault(signature, []).append(" ".join(str(text).split()))
    return found


def _body(head: str, names: list[str], tail: str) -> list[str]:
    """``return <head>(<names>)<tail>``, the arguments wrapped when the line would be too long."""
    args = ", ".join(names) + ("," if len(names) == 1 else "")
    line = f"        return {head}({args}){tail}"
    if len(line) <= 115:
        return [line]
    wrapped = textwrap.wrap(args, 100)
    return [
        f"        return {head}(",
        *(f"            {part}" for part in wrapped[:-1]),
        f"            {wrapped[-1]}){tail}",
    ]


class _Writer:
    def __init__(self) -> None:
        self.structs: dict[str, tuple[str, list[tuple[str, str]]]] = {}  # name -> (internalType, fields)
        self.struct_order: list[str] = []
        self.enums: set[str] = set()

    def collect(self, params: Iterable[Mapping[str, Any]], where: str) -> None:
        for param in params:
            if param.get("internalType", "").startswith("enum ") and _internal(param) in ENUMS:
                self.enums.add(_internal(param))
            if not param["type"].startswith("tuple"):
                continue
            components = param.get("components", [])
            self.collect(components, where)  # nested structs first
            name, internal = _struct_name(param), _internal(param)
            fields = [
                (_identifier(c.get("name") or f"value{n}", f"{where}: struct {name}"), _hint(c, True))
                for n, c in enumerate(components)
            ]
            if any(f.startswith("_") for f, _ in fields):
                raise CodegenError(f"{where}: struct {name} has a field starting with '_' (not a named-tuple field)")
            known = self.structs.get(name)
            if known is not None and known != (internal, fields):
                raise CodegenError(f"{where}: two different structs are called {name}")
            if known is None:
                self.structs[name] = (internal, fields)
                self.struct_order.append(name)

    def contract(
        self,
        name: str,
        items: list[dict[str, Any]],
        *,
        base: str = "Contract",
        source: str = "",
        only: Iterable[str] = (),
        inherited_events: str = "",
        docs: Mapping[str, list[str]] | None = None,
    ) -> list[str]:
        docs = docs or {}
        functions = sorted((i for i in items if i["type"] == "function"), key=lambda i: i["name"])
        events = sorted((i for i in items if i["type"] == "event" and not i.get("anonymous")), key=lambda i: i["name"])
        if len({f["name"] for f in functions}) != len(functions):
            raise CodegenError(f"{name}: overloaded functions are not supported")
        summary = (
            f"{name} at an address: a method per function of its ABI (views read, the others send a "
            "transaction signed by the signer and return its receipt), a class per event."
        )
        lines = [f"class {name}({base}):", *_doc(docs.get("", []), summary, "    "), "", f"    NAME = {_q(name)}"]
        if source:
            lines.append(f"    ABI_SOURCE = {_q(source)}")
        elif base != "Contract":  # its own ABI, whole
            lines += ['    ABI_SOURCE = ""', "    ABI_ITEMS: ClassVar[frozenset[str]] = frozenset()"]
        if only:
            lines += ["    ABI_ITEMS = frozenset({", *(f"        {_q(n)}," for n in sorted(only)), "    })"]
        results: list[str] = []
        for event in events:
            where = f"{name}.{event['name']}"
            self.collect(event.get("inputs", []), where)
            lines += [
                "",
                f"    class {_identifier(event['name'], where, RESERVED)}(Event, frozen=True, kw_only=True):",
                *_doc(docs.get(_signature(event), []), f"``{_signature(event)}``."),
                "",
                f"        EVENT: ClassVar[str] = {_q(event['name'])}",
            ]
            for n, param in enumerate(event.get("inputs", [])):
                field = _identifier(param.get("name") or f"arg{n}", where)
                if field in EVENT_FIELDS:
                    raise CodegenError(f"{where}: field {field!r} would hide the log's own {field}")
                hashed = param.get("indexed") and (
                    param["type"] in ("string", "bytes")
                    or param["type"].endswith("]")
                    or param["type"].startswith("tuple")
                )
                lines.append(
                    f"        {field}: {'bytes' if hashed else _hint(param, True)}"
                    + ("  # indexed: its keccak hash" if hashed else "")
                )
        for function in functions:
            where = f"{name}.{function['name']}"
            method = _identifier(function["name"], where, RESERVED)
            self.collect(function.get("inputs", []) + function.get("outputs", []), where)
            outputs = function.get("outputs", [])
            if len(outputs) > 1:
                result = method[0].upper() + method[1:] + "Result"
                fields = [
                    (_identifier(p.get("name") or f"value{n}", where), _hint(p, True)) for n, p in enumerate(outputs)
                ]
                if any(f.startswith("_") for f, _ in fields):
                    raise CodegenError(f"{where}: an output name starts with '_' (not a named-tuple field)")
                lines += [
                    "",
                    f"    class {result}(NamedTuple):",
                    f'        """What ``{function["name"]}`` answers."""',
                    "",
                    *(_tuple_field(f, h, "        ") for f, h in fields),
                ]
                results.append(f"{_q(function['name'])}: {result}")
        for function in functions:
            where = f"{name}.{function['name']}"
            method = _identifier(function["name"], where, RESERVED)
            params, names = ["self"], []
            for n, param in enumerate(function.get("inputs", [])):
                arg = _identifier(param.get("name") or f"arg{n}", where, ("self", "block", "tx"))
                params.append(f"{arg}: {_hint(param, False)}")
                names.append(arg)
            outputs = function.get("outputs", [])
            view = function.get("stateMutability") in ("view", "pure")
            if view:
                if not outputs:
                    returns = "None"
                elif len(outputs) == 1:
                    returns = _hint(outputs[0], True)
                else:
                    returns = f"{name}.{method[0].upper() + method[1:]}Result"
                params += ["*", 'block: BlockId = "latest"']
                doc = f"``{_signature(function)}``, read at ``block``."
                body = (f"self._call({_q(function['name'])}, ", ", block)")
            else:
                returns = "Receipt"
                params += ["*", "tx: TxOptions | None = None"]
                doc = f"``{_signature(function)}``: a transaction, signed and sent; its mined receipt."
                body = (f"self._transact({_q(function['name'])}, ", ", tx)")
            lines += [
                "",
                *_def(method, params, f" -> {returns}:", "    "),
                *_doc(docs.get(_signature(function), []), doc),
                *_body(body[0], names, body[1]),
            ]
        event_map = [
            *([inherited_events] if inherited_events else []),
            *(f"{_q(e['name'])}: {e['name']}," for e in events),
        ]
        lines += ["", "    TYPES = TYPES", *_dict("EVENTS", event_map), *_dict("RESULTS", [f"{r}," for r in results])]
        return lines

    def render(self) -> str:
        token = abi(TOKEN)
        names = {i.get("name") for i in token}
        missing = [n for n in ERC20_ITEMS if n not in names]
        if missing:
            raise CodegenError(f"{TOKEN}'s ABI lacks ERC-20's {', '.join(missing)}")
        bodies = [self.contract(name, abi(name), docs=natspec(name)) for name in CONTRACTS]
        bodies.append(
            self.contract(
                "ERC20",
                [i for i in token if i.get("name") in ERC20_ITEMS],
                source=TOKEN,
                only=ERC20_ITEMS,
                docs={k: v for k, v in natspec(TOKEN).items() if k},
            )
        )
        bodies.append(
            self.contract(
                TOKEN,
                [i for i in token if i.get("name") not in ERC20_ITEMS],
                base="ERC20",
                inherited_events="**ERC20.EVENTS,",
                docs=natspec(TOKEN),
            )
        )
        out = [
            '"""Typed classes for the suite\'s contracts, written from the ABIs in :mod:`medchain.abi` by',
            "``python -m medchain_dev.sdk_codegen`` (``make abi`` runs it); a test holds this file equal to what",
            'the generator writes. Edit the generator, not this file."""',
            "",
            "from __future__ import annotations",
            "",
            "from typing import ClassVar, NamedTuple, Sequence",
            "",
        ]
        for internal in sorted(self.enums):
            module, cls = ENUMS[internal]
            out.append(f"from {module} import {cls}")
        out += ["from .base import BlockId, Contract, Event, Receipt, TxOptions", ""]
        for struct in self.struct_order:
            internal, fields = self.structs[struct]
            out += [
                "",
                f"class {struct}(NamedTuple):",
                f'    """``struct {internal}``."""',
                "",
                *(_tuple_field(f, h, "    ") for f, h in fields),
                "",
            ]
        types = [f"    {_q(self.structs[s][0])}: {s}," for s in self.struct_order]
        types += [f"    {_q(e)}: {ENUMS[e][1]}," for e in sorted(self.enums)]
        out += ["", "#: The classes of the ABIs' structs and enums, by internalType.", "TYPES = {", *types, "}", ""]
        for body in bodies:
            out += ["", *body, ""]
        names_all = [*self.struct_order, *CONTRACTS, "ERC20", TOKEN]
        out += ["", "__all__ = [", *(f"    {_q(n)}," for n in names_all), "]"]
        return "\n".join(out) + "\n"


def render() -> str:
    """The text of ``medchain/contracts/generated.py`` for the ABIs shipped now."""
    return _Writer().render()


def main(argv: list[str]) -> int:
    text = render()
    if "--check" in argv:
        if not TARGET.exists() or TARGET.read_text(encoding="utf-8") != text:
            print(
                "medchain/contracts/generated.py differs from the ABIs: run `python -m medchain_dev.sdk_codegen` "
                "(or `make abi`) and commit it"
            )
            return 1
        return 0
    TARGET.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
