"""The indexer's fast path: each static event's generated ``row`` writes exactly the JSON and the
identifiers the generic decoder gives, for every event of every contract of the suite."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from medchain.chain.abi import ZERO20, ZERO32, Catalog, EventDecoder, compact_json, load_abis
from medchain.deployment import SUITE

SUITE_NAMES = [step.name for step in SUITE]
DECODERS = [
    dec
    for name, abi in load_abis(SUITE_NAMES).items()
    for dec in Catalog({name: abi}, {name: "0x" + "11" * 20})._events.values()
]

#: A word is random, all ones (the most negative int, the largest uint, true) or zero (zero address, false).
WORDS = st.one_of(
    st.binary(min_size=32, max_size=32).map(bytes.hex),
    st.sampled_from(["f" * 64, "0" * 64]),
    st.integers(0, 2**160 - 1).map(lambda n: f"{n:064x}"),
)


def expected(dec: EventDecoder, topics: list[str], data: str) -> tuple[str, list[str]]:
    args = dec.decode(topics, data)
    return compact_json(args), [args[f] for f in dec.refs if args[f] not in (ZERO20, ZERO32)]


def test_every_event_of_the_suite_has_a_generated_row():
    assert len(DECODERS) >= 45 and {d.contract for d in DECODERS} == set(SUITE_NAMES)
    static = [d for d in DECODERS if d.static]
    assert static and all(d.row.__code__.co_filename.startswith("<row ") for d in static)


@settings(max_examples=300, deadline=None)
@given(index=st.integers(0, len(DECODERS) - 1), words=st.lists(WORDS, min_size=12, max_size=12))
def test_generated_row_equals_the_generic_decoder(index, words):
    dec = DECODERS[index]
    if not dec.static:
        return  # dynamic events take the generic path by construction
    topics = ["0x" + dec.topic0[2:]] + ["0x" + w for w in words[: len(dec.indexed)]]
    data = "0x" + "".join(words[len(dec.indexed) : len(dec.indexed) + len(dec.data)])
    assert dec.row(topics, data) == expected(dec, topics, data)
    assert json.loads(dec.row(topics, data)[0]) == dec.decode(topics, data)


ODD_EVENT = {
    "type": "event",
    "name": "Odd",
    "anonymous": False,
    "inputs": [
        {"name": "who", "type": "address", "indexed": True},
        {"name": "label", "type": "string", "indexed": True},  # stored as its hash: not an identifier
        {"name": "delta", "type": "int8", "indexed": False},
        {"name": "big", "type": "int256", "indexed": False},
        {"name": "flag", "type": "bool", "indexed": False},
        {"name": "tag", "type": "bytes4", "indexed": False},
        {"name": "key", "type": "bytes32", "indexed": False},
        {"name": "amount", "type": "uint64", "indexed": False},
    ],
}


def test_signed_bool_short_bytes_and_an_indexed_string():
    dec = EventDecoder.from_abi("Odd", ODD_EVENT)
    who = "0x" + "ab" * 20
    topics = [dec.topic0, "0x" + "00" * 12 + who[2:], "0x" + "cd" * 32]
    words = [
        "ff" * 31 + "fe",  # int8 -2 (sign-extended)
        "ff" * 32,  # int256 -1
        "00" * 31 + "01",  # true
        "deadbeef" + "00" * 28,  # bytes4
        "00" * 32,  # a zero bytes32: not an identifier
        "00" * 24 + "0000000000000100",
    ]  # 256
    text, refs = dec.row(topics, "0x" + "".join(words))
    assert text == (
        '{"who":"' + who + '","label":"0x' + "cd" * 32 + '","delta":-2,"big":-1,"flag":true,'
        '"tag":"0xdeadbeef","key":"' + ZERO32 + '","amount":256}'
    )
    assert refs == [who]
    assert (text, refs) == expected(dec, topics, "0x" + "".join(words))


def test_a_malformed_log_fails_as_the_generic_decoder_does():
    dec = EventDecoder.from_abi("Odd", ODD_EVENT)
    for topics, data in ([[dec.topic0], "0x" + "00" * 192], [[dec.topic0, "0x" + "00" * 32, "0x" + "00" * 32], "0x00"]):
        with pytest.raises(ValueError) as generic:
            dec.decode(topics, data)
        with pytest.raises(ValueError) as fast:
            dec.row(topics, data)
        assert str(fast.value) == str(generic.value)
