"""The claim file reader never crashes: whatever a file holds, every problem is a problem of a row, with
its line number (only a missing file, an unknown type, an empty file or a bad header concern the file).

No chain: these tests read files only. The fuzz tests generate >= 10,000 files in all (small ones).
"""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medchain.claims.inputs import ClaimFile, read_claim_file

KEY = b"\x42" * 32
PROVIDER = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
POLICY = "0x" + "ab" * 32
EVIDENCE = "0x" + "77" * 32
HEADER = "claim_ref,policy_id,provider,service_date,amount,line_items,evidence"


def row(ref="c-1", amount="162.50", items="99213@150.00;85025/59*1@12.50", date="2026-03-01"):
    return f"{ref},{POLICY},{PROVIDER},{date},{amount},{items},{EVIDENCE}"


def read(path, **kw) -> ClaimFile:
    return read_claim_file(path, decimals=6, codes_key=KEY, chain_id=31337, **kw)


def problems_by_line(parsed: ClaimFile) -> dict[int | None, list[str]]:
    out: dict[int | None, list[str]] = {}
    for p in parsed.problems:
        out.setdefault(p.row, []).append(f"{p.field}: {p.message}" if p.field else p.message)
    return out


def test_a_byte_that_is_not_utf8_is_a_problem_of_its_row_only(tmp_path):
    lines = [HEADER.encode()] + [
        row(ref=f"c-{n}", date=f"2026-03-{1 + n % 28:02d}", items=f"9{n:04d}@162.50").encode() for n in range(2003)
    ]
    lines[700] = lines[700].replace(b"c-699", b"c-6\xe99")  # Latin-1 "é" in one claim_ref (line 701)
    path = tmp_path / "claims.csv"
    path.write_bytes(b"\n".join(lines) + b"\n")
    parsed = read(path)
    assert len(parsed.rows) == 2002 and parsed.invalid_rows == [701] and not parsed.file_problems()
    assert problems_by_line(parsed)[701] == [
        "claim_ref: not UTF-8 text (byte 0xE9 at column 4); save the file as UTF-8"
    ]
    assert "line 701" in str(parsed.problems[0])


def test_a_byte_that_is_not_utf8_in_a_json_line_names_the_line(tmp_path):
    good = json.dumps(
        {
            "policy_id": POLICY,
            "provider": PROVIDER,
            "service_date": "2026-03-01",
            "amount": "20",
            "line_items": "80061@20",
            "evidence": EVIDENCE,
        }
    ).encode()
    path = tmp_path / "claims.jsonl"
    path.write_bytes(good + b"\n" + good.replace(b"80061", b"8006\xff") + b"\n")
    parsed = read(path)
    assert len(parsed.rows) == 1 and parsed.invalid_rows == [2]


@pytest.mark.parametrize(
    "amount, message",
    [
        ("1e999999", "too large"),
        ("9" * 5000, "too large"),
        ("1e-999999", "too many decimals"),
        ("NaN", "not a number"),
        ("-Infinity", "too large"),
        ("1_000", "not a number"),
    ],
)
def test_an_absurd_number_is_a_row_problem_never_an_exception(tmp_path, amount, message):
    path = tmp_path / "claims.csv"
    path.write_text(
        f"{HEADER}\n{row(amount=amount, items=f'80061@{amount}')}\n"
        f"{row(ref='ok', items='80061@162.50', date='2026-03-02')}\n"
    )
    parsed = read(path)
    assert len(parsed.rows) == 1 and parsed.invalid_rows == [2]
    assert any(message in text for text in problems_by_line(parsed)[2]), parsed.problems


def test_a_cell_over_128_kib_is_a_row_problem(tmp_path):
    path = tmp_path / "claims.csv"
    path.write_text(f"{HEADER}\n{row(ref='x' * (129 * 1024))}\n{row(ref='ok', date='2026-03-02')}\n")
    parsed = read(path)
    assert [r.ref for r in parsed.rows] == ["ok"]
    assert problems_by_line(parsed)[2] == ["claim_ref: 132,096 characters, more than 8,192: not read"]


def test_a_quoted_cell_may_span_lines_and_rows_keep_their_first_line(tmp_path):
    path = tmp_path / "claims.csv"
    path.write_text(f'{HEADER}\n"c-1\nsecond line",{row()[4:]}\n{row(ref="c-3", date="2026-03-02")}\n')
    parsed = read(path)
    assert not parsed.problems
    assert [(r.row, r.ref) for r in parsed.rows] == [(2, "c-1\nsecond line"), (4, "c-3")]


def test_a_quote_that_never_closes_is_a_problem_of_the_line_it_opens_on(tmp_path):
    path = tmp_path / "claims.csv"
    path.write_text(f'{HEADER}\n{row()}\n"c-2,{row()[4:]}\n{row(ref="c-4", date="2026-03-02")}\n')
    parsed = read(path)
    assert [r.row for r in parsed.rows] == [2]
    assert problems_by_line(parsed)[3] == [
        "a quote opened on line 3 never closes (the cell runs to line 4, the end of the file)"
    ]


def test_a_negative_unit_price_is_must_be_positive_not_a_syntax_error(tmp_path):
    path = tmp_path / "claims.csv"
    path.write_text(f"{HEADER}\n{row(amount='10', items='80061@-10')}\n{row(amount='10', items='80061*-1@10')}\n")
    found = problems_by_line(read(path))
    assert found[2] == ["line_items: item 1: unit price: must be positive: '-10'"]
    assert found[3] == ["line_items: item 1: quantity must be positive: '-1'"]


def test_an_amount_with_more_decimals_than_the_currency_is_refused(tmp_path):
    path = tmp_path / "claims.csv"
    path.write_text(
        f"{HEADER}\n{row(amount='110.005', items='80061@110.005')}\n{row(ref='ok', amount='110.01', items='80061@110.01', date='2026-03-02')}\n"
    )
    parsed = read(path, currency="USD")
    assert [r.ref for r in parsed.rows] == ["ok"]
    assert problems_by_line(parsed)[2] == ["amount: more than 2 decimals: '110.005'"]
    assert not read(path, currency="BHD").problems  # 3 decimals in Bahraini dinars


# -- fuzzing -----------------------------------------------------------------------------------------

GOOD_ROWS = [row(ref=f"c-{n}", date=f"2026-03-{n + 1:02d}") for n in range(4)]
FIELD_VALUES = st.one_of(
    st.sampled_from(
        [
            "",
            " ",
            "0",
            "-1",
            "1e999999",
            "NaN",
            "Infinity",
            "1e-999999",
            "110.005",
            "162.50",
            "0x",
            POLICY,
            PROVIDER,
            EVIDENCE,
            "2026-03-01",
            "99213@150.00",
            "@",
            "*",
            "a*b@c",
            ";;",
            '"',
            '""',
            "\x00",
            "\r",
            "\n",
            "\ufeff",
            "\udce9",
            "é",
            "99213*1e999999@1",
            "9" * 400,
            "x" * 9000,
        ]
    ),
    st.text(max_size=20),
)


def _record(cells: list[str]) -> str:
    return ",".join(cells)


@st.composite
def csv_files(draw) -> bytes:
    """A header (mostly right) and a few rows: good ones, mutated ones and raw garbage lines."""
    header = draw(st.sampled_from([HEADER, HEADER, HEADER, HEADER.upper(), "policy_id,provider", "", HEADER + ",x"]))
    lines = [header]
    for _ in range(draw(st.integers(0, 5))):
        kind = draw(st.integers(0, 3))
        if kind == 0:
            lines.append(draw(st.sampled_from(GOOD_ROWS)))
        elif kind == 1:
            cells = draw(st.sampled_from(GOOD_ROWS)).split(",")
            cells[draw(st.integers(0, 6))] = draw(FIELD_VALUES)
            lines.append(_record(cells))
        elif kind == 2:
            lines.append(draw(st.text(max_size=60)))
        else:
            cells = draw(st.lists(FIELD_VALUES, min_size=0, max_size=9))
            lines.append(_record(cells))
    data = "\n".join(lines).encode("utf-8", errors="surrogateescape")
    if draw(st.booleans()):  # raw bytes anywhere: not UTF-8, NUL, CR, quotes
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(max_size=6)) + data[at:]
    return data


@st.composite
def jsonl_files(draw) -> bytes:
    good = {
        "policy_id": POLICY,
        "provider": PROVIDER,
        "service_date": "2026-03-01",
        "amount": "20",
        "line_items": "80061@20",
        "evidence": EVIDENCE,
    }
    json_values = st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | FIELD_VALUES,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
        max_leaves=6,
    )
    lines = []
    for _ in range(draw(st.integers(1, 5))):
        kind = draw(st.integers(0, 2))
        if kind == 0:
            obj = dict(good)
            obj[draw(st.sampled_from([*good, "line_items", "extra"]))] = draw(json_values)
            lines.append(json.dumps(obj))
        elif kind == 1:
            lines.append(json.dumps(draw(json_values)))
        else:
            lines.append(draw(st.text(max_size=60)))
    data = "\n".join(lines).encode("utf-8", errors="surrogateescape")
    if draw(st.booleans()):
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(max_size=6)) + data[at:]
    return data


def _check_every_problem_is_per_row(path, data: bytes) -> None:
    parsed = read(path, currency="USD")  # must not raise, whatever the bytes
    lines = data.count(b"\n") + data.count(b"\r") + 1
    for problem in parsed.problems:
        if problem.row is None:  # only what concerns the whole file
            assert problem.message in ("empty file", "no claims in the file"), problem
        else:
            assert 1 <= problem.row <= lines, problem
        if problem.whole_file:
            assert problem.row == 1
    rows = {r.row for r in parsed.rows}
    assert not rows & set(parsed.invalid_rows), "a row is both valid and invalid"
    if not parsed.file_problems():
        assert len(rows) + len(parsed.invalid_rows) == parsed.records, "a row was lost"


FUZZ = settings(max_examples=2_500, deadline=None, suppress_health_check=list(HealthCheck), database=None)


@pytest.mark.parametrize("part", [1, 2, 3])
def test_fuzzed_csv_files_never_crash_the_reader_and_every_problem_names_its_line(tmp_path, part):
    path = tmp_path / f"fuzz{part}.csv"

    @FUZZ
    @given(data=csv_files())
    def run(data):
        path.write_bytes(data)
        _check_every_problem_is_per_row(path, data)

    run()


def test_fuzzed_json_lines_never_crash_the_reader_and_every_problem_names_its_line(tmp_path):
    path = tmp_path / "fuzz.jsonl"

    @FUZZ
    @given(data=jsonl_files())
    def run(data):
        path.write_bytes(data)
        _check_every_problem_is_per_row(path, data)

    run()


def test_rows_the_csv_module_refuses_are_written_to_the_rejects_file_as_they_were(tmp_path):
    from medchain.claims.submission import write_rejects

    path = tmp_path / "claims.csv"
    bad_line = 'c-2,"oops"x,' + row()[4:]
    path.write_bytes(f"{HEADER}\n{row()}\n{bad_line}\n{row(ref='c-4', date='2026-03-02')}\n".encode())
    parsed = read(path)
    assert parsed.invalid_rows == [3] and "not CSV" in parsed.problems[0].message
    rejects = tmp_path / "rejects.csv"
    assert write_rejects(parsed, rejects) == 1
    assert rejects.read_text().splitlines() == [HEADER, bad_line]
