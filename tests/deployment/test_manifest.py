"""The deployment manifest file: round trip, refusal on chain-id mismatch, clear errors."""

from __future__ import annotations

import json

import pytest
from eth_utils import to_checksum_address
from hypothesis import given, settings
from hypothesis import strategies as st

from medchain.deployment import (
    ChainMismatchError,
    ContractRecord,
    Manifest,
    ManifestError,
    manifest_path,
    read_manifest,
    write_manifest,
)
from medchain.deployment.manifest import DEPLOYMENTS_DIR, checksum_address


def _manifest(chain_id: int = 31337) -> Manifest:
    return Manifest(
        chain_id=chain_id,
        network="ethereum:local",
        deployed_at="2026-11-22T00:00:00Z",
        compiler={"name": "solc", "version": "0.8.34+commit.80d5c536", "evmVersion": "cancun"},
        commit="abc",
        deployer="0x" + "11" * 20,
        governance="0x" + "22" * 20,
        complete=True,
        contracts={"ConsortiumRegistry": ContractRecord("0x" + "33" * 20, 5, "0x" + "44" * 32, ["0x" + "22" * 20, 0])},
    )


def test_round_trip_and_shape(tmp_path):
    path = tmp_path / "local.json"
    write_manifest(_manifest(), path)
    data = json.loads(path.read_text())
    assert set(data) >= {"chainId", "network", "deployedAt", "compiler", "commit", "contracts"}
    assert data["contracts"]["ConsortiumRegistry"] == {
        "address": "0x" + "33" * 20,
        "block": 5,
        "tx": "0x" + "44" * 32,
        "args": ["0x" + "22" * 20, 0],
    }
    assert read_manifest(path) == _manifest()


def test_overwriting_a_manifest_of_the_same_chain_is_allowed(tmp_path):
    path = tmp_path / "local.json"
    write_manifest(_manifest(), path)
    newer = _manifest()
    newer.deployed_at = "2026-11-23T00:00:00Z"
    write_manifest(newer, path)
    assert read_manifest(path).deployed_at == "2026-11-23T00:00:00Z"


def test_overwriting_a_manifest_of_another_chain_is_refused(tmp_path):
    path = tmp_path / "consortium.json"
    write_manifest(_manifest(chain_id=1337), path)
    before = path.read_bytes()
    with pytest.raises(ChainMismatchError, match="belongs to chain id 1337, but the connected chain has id 31337"):
        write_manifest(_manifest(chain_id=31337), path)
    assert path.read_bytes() == before


def test_an_unreadable_file_is_not_overwritten(tmp_path):
    path = tmp_path / "local.json"
    path.write_text("precious notes")
    with pytest.raises(ManifestError, match="not a readable manifest"):
        write_manifest(_manifest(), path)
    assert path.read_text() == "precious notes"


def test_writes_leave_no_temporary_files(tmp_path):
    write_manifest(_manifest(), tmp_path / "local.json")
    assert [p.name for p in tmp_path.iterdir()] == ["local.json"]


def test_missing_manifest_says_to_deploy(tmp_path):
    with pytest.raises(ManifestError, match="not found: deploy first"):
        read_manifest(tmp_path / "nope.json")


def test_invalid_json_names_file_and_line(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{\n  "chainId": 1,\n  oops\n}')
    with pytest.raises(ManifestError, match=r"bad\.json: not JSON \(line 3"):
        read_manifest(path)


def test_missing_field_is_named(tmp_path):
    path = tmp_path / "partial.json"
    data = _manifest().to_json()
    del data["compiler"]
    path.write_text(json.dumps(data))
    with pytest.raises(ManifestError, match="malformed manifest.*compiler"):
        read_manifest(path)


def test_address_of_unknown_contract_lists_known_ones():
    with pytest.raises(ManifestError, match="no contract 'ClaimSettlement'.*ConsortiumRegistry"):
        _manifest().address_of("ClaimSettlement")


def test_manifest_path_is_per_network():
    assert manifest_path("consortium") == DEPLOYMENTS_DIR / "consortium.json"


def test_addresses_are_checksummed_on_read(tmp_path):
    path = tmp_path / "local.json"
    data = _manifest().to_json()
    data["contracts"]["ConsortiumRegistry"]["address"] = "0x" + "ab" * 20
    path.write_text(json.dumps(data))
    assert read_manifest(path).address_of("ConsortiumRegistry") == "0xABaBaBaBABabABabAbAbABAbABabababaBaBABaB"


def test_a_bad_address_is_named(tmp_path):
    path = tmp_path / "local.json"
    data = _manifest().to_json()
    data["contracts"]["ConsortiumRegistry"]["address"] = "0x1234"
    path.write_text(json.dumps(data))
    with pytest.raises(ManifestError, match=r"contracts\.ConsortiumRegistry\.address is not an address: '0x1234'"):
        read_manifest(path)


@settings(max_examples=200, deadline=None)
@given(raw=st.binary(min_size=20, max_size=20))
def test_checksums_are_eip55_as_eth_utils_spells_them(raw):
    address = "0x" + raw.hex()
    assert (
        checksum_address(address)
        == checksum_address(address.upper().replace("0X", "0x"))
        == to_checksum_address(address)
    )


def test_a_mixed_case_address_with_a_wrong_checksum_is_refused(tmp_path):
    good = "0xABaBaBaBABabABabAbAbABAbABabababaBaBABaB"
    for spelling, ok in ((good, True), (good.lower(), True), ("0x" + good[2:].upper(), True), (good[:-1] + "b", False)):
        path = tmp_path / "local.json"
        data = _manifest().to_json()
        data["contracts"]["ConsortiumRegistry"]["address"] = spelling
        path.write_text(json.dumps(data))
        if ok:
            assert read_manifest(path).address_of("ConsortiumRegistry") == good
        else:
            with pytest.raises(ManifestError, match="its EIP-55 checksum is wrong"):
                read_manifest(path)


def test_the_package_exports_every_name_it_loads_lazily():
    import medchain.deployment as package

    assert sorted(package.__all__) == sorted(package._WHERE)
    assert all(getattr(package, name) is not None for name in package.__all__)
