"""ClaimStatus follows IClaimSettlement.Status, number for number and name for name."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from medchain.abi import abi
from medchain.claims.status import ClaimStatus


def test_numbers_and_names_are_the_contracts():
    # The ABI names the enum's type; its members, in order, are in the interface's source.
    event = next(i for i in abi("ClaimSettlement") if i.get("name") == "ClaimAdjudicated")
    outcome = next(p for p in event["inputs"] if p["name"] == "outcome")
    assert outcome["internalType"] == "enum IClaimSettlement.Status"
    source = (Path(__file__).parents[2] / "contracts/interfaces/IClaimSettlement.sol").read_text()
    body = re.search(r"enum Status \{(.*?)\}", source, re.S).group(1)
    members = [m.group(1) for m in re.finditer(r"^\s*(\w+),?\s*(//.*)?$", body, re.M)]
    assert [str(s) for s in ClaimStatus] == members


@pytest.mark.parametrize(
    "text,status",
    [
        ("Settled", ClaimStatus.SETTLED),
        ("pending_funds", ClaimStatus.PENDING_FUNDS),
        ("3", ClaimStatus.PARTIAL),
        (4, ClaimStatus.DENIED),
    ],
)
def test_parse_reads_numbers_and_names(text, status):
    assert ClaimStatus.parse(text) is status


@pytest.mark.parametrize("bad", ["Paid", "8", -1])
def test_parse_refuses_what_is_not_a_status_naming_it(bad):
    with pytest.raises(ValueError, match=rf"{bad!r} is not a claim status \(None, PendingFunds"):
        ClaimStatus.parse(bad)
