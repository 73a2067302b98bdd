"""Drives a deployed suite with the installed medchain SDK alone: run by tests/sdk/test_installed_wheel.py
in a fresh virtualenv outside the checkout, where neither ape nor web3 is installed.

    python drive_suite.py <rpc url> <manifest> <hospital key> <patient key>

Prints one JSON object of what it saw; exits non-zero (with a traceback) on the first surprise.
"""

from __future__ import annotations

import importlib.util
import json
import secrets
import sys

from eth_abi import decode
from eth_account import Account
from eth_utils import keccak

import medchain
from medchain import ConsentRegistry, ContractReverted, RecordAnchor, Suite
from medchain.abi import abi
from medchain.access import Role


def main(url: str, manifest: str, hospital_key: str, patient_key: str) -> dict:
    hospital, patient = Account.from_key(hospital_key), Account.from_key(patient_key)
    seen: dict = {
        "medchain": medchain.__file__,
        "ape": importlib.util.find_spec("ape") is not None,
        "web3": importlib.util.find_spec("web3") is not None,
    }

    suite = Suite.connect(url, manifest)
    member = suite.registry.memberOf(hospital.address)
    assert member.roles == Role.PROVIDER.bit and member.registeredAt > 0, member
    assert suite.registry.isActiveMember(hospital.address, Role.PROVIDER.id)
    seen["member"] = {"roles": member.roles, "registeredAt": member.registeredAt}

    # a patient grants consent, signed locally
    now = int(suite.rpc.call("eth_getBlockByNumber", ["latest", False])["timestamp"], 16)
    granted = suite.with_signer(patient).consent.grant(patient.address, hospital.address, 1, 1, now + 86_400)
    (event,) = granted.events
    assert isinstance(event, ConsentRegistry.ConsentGranted) and event.patient == patient.address, event
    assert suite.consent.hasConsent(patient.address, hospital.address, 1, 1)

    # a provider anchors a record and verifies it
    records = suite.with_signer(hospital).records
    record = secrets.token_bytes(32)
    anchored = records.anchor(record)
    (anchor_event,) = anchored.events
    assert isinstance(anchor_event, RecordAnchor.RecordAnchored) and anchor_event.recordHash == record
    verified = suite.records.verify(hospital.address, record)
    assert verified.anchoredAt == anchor_event.anchoredAt > 0, verified

    # a revert surfaces as the SDK's exception, with its raw data
    try:
        records.anchor(record)
    except ContractReverted as err:
        (item,) = [
            i for i in abi("RecordAnchor") if i["type"] == "error" and i["name"] == "RecordAnchorAlreadyAnchored"
        ]
        types = [p["type"] for p in item["inputs"]]
        assert err.selector == keccak(text=f"{item['name']}({','.join(types)})")[:4], err.data.hex()
        assert decode(types, err.data[4:])[0] == record
        seen["revert"] = {"contract": err.contract, "function": err.function, "data": "0x" + err.data.hex()}
    else:
        raise AssertionError("anchoring the same record twice did not revert")

    # events read back over a block range, decoded
    grants = suite.consent.events(
        ConsentRegistry.ConsentGranted, granted.block_number, "latest", patient=patient.address
    )
    anchors = suite.records.events(RecordAnchor.RecordAnchored, anchored.block_number, anchored.block_number)
    assert grants == [event] and anchors == [anchor_event], (grants, anchors)
    seen["events"] = [type(e).__name__ for e in grants + anchors]
    return seen


if __name__ == "__main__":
    print(json.dumps(main(*sys.argv[1:5])))
