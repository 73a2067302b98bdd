"""`ape run consent ...` end to end, as patients and hospitals would run it: keyfile accounts on a
consortium node (a standalone anvil), the deployment read from its manifest."""

from __future__ import annotations

import json

import pytest

from tests.operator import CONSORTIUM_CHAIN_ID, deployed_consortium


@pytest.fixture(scope="module")
def deployed(tmp_path_factory, project):
    """A consortium node with the suite deployed and a hospital registered as a provider."""
    with deployed_consortium(tmp_path_factory, project) as (op, manifest):
        yield op, manifest


def _consent(op, manifest, *args):
    return op.run("consent", *args, "--manifest", str(manifest))


def test_sign_relay_check_revoke(deployed, tmp_path):
    op, manifest = deployed
    patient, hospital = op.keys["patient"].address, op.keys["hospital"].address
    signed = tmp_path / "consent.json"

    result = _consent(op, manifest, "sign", "--account", "patient", "--yes", "--grantee", hospital,
                      "--purposes", "treat", "--categories", "laboratory,imaging", "--until", "+30d", "--out", str(signed))
    assert result.returncode == 0, result.stdout + result.stderr
    doc = json.loads(signed.read_text())
    assert doc["primaryType"] == "Consent" and doc["domain"]["chainId"] == CONSORTIUM_CHAIN_ID
    assert doc["message"]["patient"] == patient and doc["message"]["nonce"] == 0

    result = _consent(op, manifest, "relay", str(signed), "--account", "hospital", "--yes")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "relayed" in result.stdout

    result = _consent(op, manifest, "check", "--patient", patient, "--grantee", hospital, "--purposes", "treat",
                      "--categories", "laboratory", "--fhir")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "consent: YES" in result.stdout
    fhir = json.loads(result.stdout[result.stdout.index("{"):])
    assert fhir["resourceType"] == "Consent" and fhir["status"] == "active"

    result = _consent(op, manifest, "relay", str(signed), "--account", "hospital", "--yes")
    assert result.returncode != 0, "a relayed signature cannot be relayed again"
    assert "ConsentRegistryNonceUsed" in result.stdout + result.stderr

    result = _consent(op, manifest, "revoke", "--account", "patient", "--yes", "--grantee", hospital)
    assert result.returncode == 0, result.stdout + result.stderr
    result = _consent(op, manifest, "check", "--patient", patient, "--grantee", hospital)
    assert "consent: NO" in result.stdout


def test_break_glass_and_grant_by_the_patient(deployed):
    op, manifest = deployed
    patient, hospital = op.keys["patient"].address, op.keys["hospital"].address
    result = _consent(op, manifest, "break-glass", "--account", "hospital", "--yes", "--patient", patient,
                      "--reason", "UNCONSCIOUS_ED")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "EMERGENCY ACCESS" in result.stdout
    result = _consent(op, manifest, "grant", "--account", "patient", "--yes", "--grantee", hospital,
                      "--purposes", "hpaymt", "--categories", "billing_claims", "--until", "2099-01-01")
    assert result.returncode == 0, result.stdout + result.stderr
    result = _consent(op, manifest, "check", "--patient", patient, "--grantee", hospital, "--purposes", "treat,etreat",
                      "--categories", "all")
    assert "consent: YES" in result.stdout and "emergency access until" in result.stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (["check", "--patient", "0x1234", "--grantee", "0x" + "11" * 20], "--patient: '0x1234' is not an address"),
        (["check", "--patient", "0x" + "11" * 20, "--grantee", "0x" + "22" * 20, "--purposes", "fly"],
         "unknown purpose 'fly'"),
        (["grant", "--account", "patient", "--yes", "--grantee", "0x" + "22" * 20, "--purposes", "treat",
          "--categories", "all", "--until", "2020-01-01"], "--until: 2020-01-01"),
        (["relay", "/nonexistent/signed.json", "--account", "hospital", "--yes"], "no such file"),
    ],
    ids=["bad-address", "unknown-purpose", "past-date", "missing-file"],
)
def test_bad_input_is_named(deployed, args, message):
    op, manifest = deployed
    result = _consent(op, manifest, *args)
    assert result.returncode != 0
    assert message in result.stdout + result.stderr
