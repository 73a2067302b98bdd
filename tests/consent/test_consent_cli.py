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
    return op.run("consent", *args, "--deployment", str(manifest))


def test_sign_relay_check_revoke(deployed, tmp_path):
    op, manifest = deployed
    patient, hospital = op.keys["patient"].address, op.keys["hospital"].address
    signed = tmp_path / "consent.json"

    result = _consent(
        op,
        manifest,
        "sign",
        "--account",
        "patient",
        "--yes",
        "--grantee",
        hospital,
        "--purpose",
        "treat",
        "--category",
        "laboratory,imaging",
        "--until",
        "+30d",
        "--out",
        str(signed),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    doc = json.loads(signed.read_text())
    assert doc["primaryType"] == "Consent" and doc["domain"]["chainId"] == CONSORTIUM_CHAIN_ID
    assert doc["message"]["patient"] == patient and doc["message"]["nonce"] >= 0

    result = _consent(op, manifest, "relay", str(signed), "--account", "hospital", "--yes")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "relayed" in result.stdout

    result = _consent(
        op,
        manifest,
        "check",
        "--patient",
        patient,
        "--grantee",
        hospital,
        "--purpose",
        "treat",
        "--category",
        "laboratory",
        "--fhir",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "consent: YES" in result.stdout
    fhir = json.loads(result.stdout[result.stdout.index("{") :])
    assert fhir["resourceType"] == "Consent" and fhir["status"] == "active"

    result = _consent(op, manifest, "relay", str(signed), "--account", "hospital", "--yes")
    assert result.returncode != 0, "a relayed signature cannot be relayed again"
    _one_clear_line(result, "is already used or cancelled")

    result = _consent(op, manifest, "revoke", "--account", "patient", "--yes", "--grantee", hospital)
    assert result.returncode == 0, result.stdout + result.stderr
    result = _consent(op, manifest, "check", "--patient", patient, "--grantee", hospital)
    assert "consent: NO" in result.stdout


def _one_clear_line(result, text):
    """A foreseeable failure: one line naming the problem, never a traceback."""
    output = result.stdout + result.stderr
    assert text in output, output
    assert "Traceback" not in output, output
    assert len([line for line in result.stderr.splitlines() if line.strip()]) <= 1, result.stderr


def test_two_unrelayed_signatures_never_share_a_nonce_and_the_revocation_wins(deployed, tmp_path):
    """A consent and its later revocation, both signed before either is relayed: distinct nonces, and
    once the revocation is relayed the consent can never take effect, whatever the order."""
    op, manifest = deployed
    patient, hospital = op.keys["patient"].address, op.keys["hospital"].address
    grant_file, revocation_file = tmp_path / "grant.json", tmp_path / "revocation.json"
    result = _consent(
        op,
        manifest,
        "sign",
        "--account",
        "patient",
        "--yes",
        "--grantee",
        hospital,
        "--purpose",
        "hresch",
        "--category",
        "genomics",
        "--until",
        "+30d",
        "--out",
        str(grant_file),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    result = _consent(
        op,
        manifest,
        "sign",
        "--account",
        "patient",
        "--yes",
        "--grantee",
        hospital,
        "--revocation",
        "--out",
        str(revocation_file),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    nonces = {json.loads(f.read_text())["message"]["nonce"] for f in (grant_file, revocation_file)}
    assert len(nonces) == 2, "two unrelayed messages, two nonces"

    # The revocation is relayed first (it needs no consent on record), then the holder of the old grant tries.
    result = _consent(op, manifest, "relay", str(revocation_file), "--account", "hospital", "--yes")
    assert result.returncode == 0, result.stdout + result.stderr
    result = _consent(op, manifest, "relay", str(grant_file), "--account", "hospital", "--yes")
    assert result.returncode != 0
    _one_clear_line(result, "can no longer take effect")
    result = _consent(
        op,
        manifest,
        "check",
        "--patient",
        patient,
        "--grantee",
        hospital,
        "--purpose",
        "hresch",
        "--category",
        "genomics",
    )
    assert "consent: NO" in result.stdout


def test_break_glass_and_grant_by_the_patient(deployed):
    op, manifest = deployed
    patient, hospital = op.keys["patient"].address, op.keys["hospital"].address
    result = _consent(
        op,
        manifest,
        "break-glass",
        "--account",
        "hospital",
        "--yes",
        "--patient",
        patient,
        "--reason",
        "UNCONSCIOUS_ED",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "EMERGENCY ACCESS" in result.stdout
    result = _consent(
        op,
        manifest,
        "grant",
        "--account",
        "patient",
        "--yes",
        "--grantee",
        hospital,
        "--purpose",
        "hpaymt",
        "--category",
        "billing_claims",
        "--until",
        "2099-01-01",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    result = _consent(
        op,
        manifest,
        "check",
        "--patient",
        patient,
        "--grantee",
        hospital,
        "--purpose",
        "treat,etreat",
        "--category",
        "all",
    )
    assert "consent: YES" in result.stdout and "emergency access until" in result.stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (["check", "--patient", "0x1234", "--grantee", "0x" + "11" * 20], "'--patient': '0x1234' is not an address"),
        (
            ["check", "--patient", "0x" + "11" * 20, "--grantee", "0x" + "22" * 20, "--purpose", "fly"],
            "unknown purpose 'fly'",
        ),
        (
            [
                "grant",
                "--account",
                "patient",
                "--yes",
                "--grantee",
                "0x" + "22" * 20,
                "--purpose",
                "treat",
                "--category",
                "all",
                "--until",
                "2020-01-01",
            ],
            "--until: 2020-01-01",
        ),
        (["relay", "/nonexistent/signed.json", "--account", "hospital", "--yes"], "no such file"),
    ],
    ids=["bad-address", "unknown-purpose", "past-date", "missing-file"],
)
def test_bad_input_is_named(deployed, args, message):
    op, manifest = deployed
    result = _consent(op, manifest, *args)
    assert result.returncode != 0
    assert message in result.stdout + result.stderr


def test_revoke_ends_emergency_access_until_the_patient_allows_it_again_and_delegates(deployed):
    op, manifest = deployed
    patient = op.add_account("patient2").address
    hospital = op.keys["hospital"].address
    ok = ("--account", "hospital", "--yes", "--patient", patient, "--reason", "UNCONSCIOUS_ED")

    result = _consent(op, manifest, "break-glass", *ok)
    assert result.returncode == 0, result.stdout + result.stderr
    result = _consent(op, manifest, "revoke", "--account", "patient2", "--yes", "--grantee", hospital)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{hospital}'s emergency access ended: it may not break the glass for {patient} again" in result.stdout
    result = _consent(op, manifest, "break-glass", *ok)
    assert result.returncode != 0
    _one_clear_line(result, f"the patient {patient} ended your earlier emergency access: break-glass is barred")

    result = _consent(op, manifest, "allow-emergency", "--account", "patient2", "--yes", "--provider", hospital)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{hospital} may break the glass for {patient} again (tx 0x" in result.stdout
    result = _consent(op, manifest, "allow-emergency", "--account", "patient2", "--yes", "--provider", hospital)
    assert result.returncode == 2 and "Traceback" not in result.stderr  # bad input: click's usage error
    assert f"Invalid value for --provider: {hospital} is not barred from emergency access to {patient}" in result.stderr
    result = _consent(op, manifest, "break-glass", *ok)
    assert result.returncode == 0 and "EMERGENCY ACCESS" in result.stdout, result.stdout + result.stderr

    caregiver = "0x" + "c4" * 20
    result = _consent(
        op, manifest, "delegate", "--account", "patient2", "--yes", "--delegate", caregiver, "--until", "+30d"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"may act for {patient} until 20" in result.stdout
    result = _consent(op, manifest, "delegate", "--account", "patient2", "--yes", "--delegate", caregiver, "--remove")
    assert result.returncode == 0 and "removed delegate" in result.stdout, result.stdout + result.stderr
