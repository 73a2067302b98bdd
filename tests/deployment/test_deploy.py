"""deploy_suite on the test chain: manifest written, resumed, refused on chain mismatch, loaded back."""

from __future__ import annotations

import json

import pytest

from medchain.deployment import (
    SUITE,
    ChainMismatchError,
    ManifestError,
    deploy_suite,
    load_suite,
    read_manifest,
    write_manifest,
)


@pytest.fixture
def deploy(project, chain, governance, tmp_path):
    path = tmp_path / "local.json"

    def _deploy(**overrides):
        kwargs = dict(
            project=project,
            provider=chain.provider,
            deployer=governance,
            governance=governance.address,
            admin_delay=0,
            path=path,
            network="ethereum:local",
        )
        kwargs.update(overrides)
        return deploy_suite(**kwargs)

    _deploy.path = path
    return _deploy


def test_deploy_writes_the_manifest(deploy, chain, governance, project):
    result = deploy()
    data = json.loads(deploy.path.read_text())

    assert data["chainId"] == chain.chain_id
    assert data["network"] == "ethereum:local"
    assert data["complete"] is True
    assert data["compiler"]["name"] == "solc"
    assert data["compiler"]["version"].startswith("0.8.34+commit.")
    assert data["compiler"]["evmVersion"] == "cancun"
    assert data["commit"] is None or len(data["commit"].split("-")[0]) == 40
    assert data["deployer"] == governance.address
    assert list(data["contracts"]) == [step.name for step in SUITE]
    assert result.deployed == [step.name for step in SUITE] and result.reused == []

    for _name, record in data["contracts"].items():
        receipt = chain.provider.get_receipt(record["tx"])
        assert receipt.contract_address == record["address"]
        assert receipt.block_number == record["block"]
        assert chain.provider.get_code(record["address"])
    registry = project.ConsortiumRegistry.at(data["contracts"]["ConsortiumRegistry"]["address"])
    assert registry.defaultAdmin() == governance
    assert data["contracts"]["ConsortiumRegistry"]["args"] == [governance.address, 0]


def test_a_complete_deployment_is_not_repeated(deploy, governance):
    first = deploy()
    nonce = governance.nonce
    second = deploy()
    assert second.deployed == [] and governance.nonce == nonce, "no transaction sent"
    assert second.manifest.contracts == first.manifest.contracts


def test_fresh_deploys_a_new_suite(deploy):
    first = deploy()
    second = deploy(fresh=True)
    assert second.deployed == [step.name for step in SUITE]
    assert second.manifest.address_of("ConsortiumRegistry") != first.manifest.address_of("ConsortiumRegistry")


def test_an_interrupted_deployment_is_resumed(deploy, governance):
    first = deploy()
    partial = first.manifest
    partial.complete = False
    write_manifest(partial, deploy.path)
    nonce = governance.nonce

    resumed = deploy()
    assert resumed.reused == list(partial.contracts)
    assert resumed.manifest.complete
    assert governance.nonce == nonce + len(SUITE) - len(partial.contracts)
    assert resumed.manifest.contracts["ConsortiumRegistry"] == first.manifest.contracts["ConsortiumRegistry"]


def test_resuming_with_another_governance_is_refused(deploy, accounts):
    partial = deploy().manifest
    partial.complete = False
    write_manifest(partial, deploy.path)
    with pytest.raises(ManifestError, match="interrupted deployment with governance"):
        deploy(governance=accounts[5].address)


def test_a_stale_manifest_is_replaced(deploy, governance):
    stale = deploy().manifest
    stale.contracts["ConsortiumRegistry"].address = "0x" + "ab" * 20  # no code there: a reset chain
    write_manifest(stale, deploy.path)
    result = deploy()
    assert result.deployed == [step.name for step in SUITE]
    assert read_manifest(deploy.path).address_of("ConsortiumRegistry") != "0x" + "ab" * 20


def test_a_manifest_of_another_chain_is_refused_before_any_transaction(deploy, governance):
    other = deploy().manifest
    other.chain_id = 1337
    deploy.path.write_text(json.dumps(other.to_json()))
    before, nonce = deploy.path.read_bytes(), governance.nonce

    with pytest.raises(ChainMismatchError) as info:
        deploy(fresh=True)
    assert "belongs to chain id 1337" in str(info.value) and "refusing to deploy over it" in str(info.value)
    assert governance.nonce == nonce
    assert deploy.path.read_bytes() == before


def test_load_suite_returns_contract_instances(deploy, chain, project, governance):
    deploy()
    manifest, contracts = load_suite(project, chain.provider, deploy.path)
    assert set(contracts) == {step.name for step in SUITE}
    assert contracts["ConsortiumRegistry"].defaultAdmin() == governance


def test_load_suite_refuses_another_chain(deploy, chain, project):
    other = deploy().manifest
    other.chain_id = 1337
    deploy.path.write_text(json.dumps(other.to_json()))
    with pytest.raises(ChainMismatchError, match="refusing to use it"):
        load_suite(project, chain.provider, deploy.path)


def test_load_suite_detects_a_reset_chain(deploy, chain, project):
    stale = deploy().manifest
    stale.contracts["ConsortiumRegistry"].address = "0x" + "ab" * 20
    write_manifest(stale, deploy.path)
    with pytest.raises(ManifestError, match="no code at .*deploy again"):
        load_suite(project, chain.provider, deploy.path)


def test_a_given_settlement_token_replaces_the_test_token(deploy, project, governance):
    token = governance.deploy(project.TestStableToken)
    result = deploy(token=str(token.address))
    assert "TestStableToken" not in result.manifest.contracts
    claims = project.ClaimSettlement.at(result.manifest.address_of("ClaimSettlement"))
    assert claims.token() == token.address
    assert result.manifest.contracts["ClaimSettlement"].args[4] == token.address
    assert claims.provenance() == result.manifest.address_of("DrugProvenance")
