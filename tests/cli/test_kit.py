"""The command-line kit without a chain: value types, the policy file reader, the error handler's rules, and a
description on every command of every script."""

from __future__ import annotations

import runpy
import subprocess
from pathlib import Path

import click
import pytest

from medchain.claims.policies import PolicyFileError, read_policy_file
from medchain.cli import ADDRESS, AMOUNT, BYTES32, CLAIM_REASON, DURATION, GS1_SCAN, REASON_CODE, TIME
from medchain.cli.failures import ether, explain, is_bad_input
from medchain.deployment.manifest import ManifestError
from medchain_dev.toolchain import PROJECT_ROOT

ACCOUNT = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
SCRIPTS = sorted(p for p in (PROJECT_ROOT / "scripts").glob("*.py"))


def _convert(kind, value):
    return kind.convert(value, None, None)


def test_value_types_convert():
    assert _convert(ADDRESS, ACCOUNT.lower()) == ACCOUNT
    assert _convert(BYTES32, "0x" + "ab" * 32) == b"\xab" * 32
    assert _convert(AMOUNT, "12.50").units(6) == 12_500_000 and _convert(AMOUNT, "0").units(6) == 0
    assert [_convert(DURATION, v) for v in ("+30d", "12h", "90m", "2w", "45")] == [
        2_592_000,
        43_200,
        5_400,
        1_209_600,
        45,
    ]
    assert _convert(TIME, "+1d").at(100) == 86_500 and _convert(TIME, "1970-01-02").at(0) == 86_400
    assert _convert(CLAIM_REASON, "50") == 50 and _convert(CLAIM_REASON, "consent-absent") == 197
    assert _convert(REASON_CODE, "licence-expired") == b"LICENCE_EXPIRED".ljust(32, b"\0")
    assert _convert(GS1_SCAN, "(01)09506000134352(10)LOT42(21)SN1").serial == "SN1"


@pytest.mark.parametrize(
    "kind, value, message",
    [
        (ADDRESS, "0x1234", "is not an address"),
        (ADDRESS, "0x70997970c51812DC3A010C7d01b50e0d17dc79C8", "is not an address"),
        (BYTES32, "0x00", "is not 0x followed by 64 hex digits"),
        (AMOUNT, "-5", "is not an amount of tokens"),
        (DURATION, "30 days", "is not a duration"),
        (TIME, "next tuesday", "is not a time"),
        (CLAIM_REASON, "because", "is not a reason code"),
        (REASON_CODE, "free text here", "must be 1-32 characters"),
        (GS1_SCAN, "(01)09506000134353", "check digit"),
    ],
    ids=["address", "address-checksum", "bytes32", "amount", "duration", "time", "carc", "reason", "scan"],
)
def test_bad_values_are_one_usage_error(kind, value, message):
    with pytest.raises(click.BadParameter) as err:
        _convert(kind, value)
    assert message in err.value.format_message()


def test_an_amount_with_more_decimals_than_the_token_names_the_option():
    amount = AMOUNT.convert("1.2345", click.Option(["--amount"]), None)
    with pytest.raises(click.BadParameter) as err:
        amount.units(2)
    assert err.value.param_hint == "--amount" and "more than 2 decimals" in err.value.format_message()


def test_policy_files_csv_and_json(tmp_path):
    csv_file = tmp_path / "p.csv"
    csv_file.write_text(
        f"policy_id,patient,limit,deductible,coinsurance,from,until\n0x{'01' * 32},{ACCOUNT.lower()},"
        "5000,500,20%,2026-01-01,2027-01-01\n"
    )
    (row,) = read_policy_file(csv_file, 2)
    assert row.row == 2 and row.as_args() == (
        b"\x01" * 32,
        ACCOUNT,
        500_000,
        50_000,
        2_000,
        1_767_225_600,
        1_798_761_600,
    )
    json_file = tmp_path / "p.json"
    json_file.write_text(
        f'[{{"policy_id": "0x{"02" * 32}", "patient": "{ACCOUNT}", "limit": "10", '
        '"from": "2026-01-01", "until": "2026-02-01"}]'
    )
    (row,) = read_policy_file(json_file, 6)
    assert row.deductible == 0 and row.coinsurance_bps == 0 and row.annual_limit == 10_000_000


@pytest.mark.parametrize(
    "line, message",
    [
        (f"0x{'01' * 32},0x1234,1,0,0,2026-01-01,2027-01-01", "row 3: patient: not an address"),
        (f"0x{'01' * 32},{ACCOUNT},1,0,0,2027-01-01,2026-01-01", "row 3: until: must be after from"),
        (f"0x{'01' * 32},{ACCOUNT},,0,0,2026-01-01,2027-01-01", "row 3: limit: missing"),
        (f"0x01,{ACCOUNT},1,0,0,2026-01-01,2027-01-01", "row 3: policy_id: not 0x + 64 hex digits"),
        (f"0x{'01' * 32},{ACCOUNT},1,0,120%,2026-01-01,2027-01-01", "row 3: coinsurance: must be between 0% and 100%"),
        (f"0x{'02' * 32},{ACCOUNT},1,0,0,2026-01-01,2027-01-01", "row 3: policy_id 0x0202"),
    ],
    ids=["patient", "dates", "limit", "policy-id", "coinsurance", "duplicate-id"],
)
def test_a_bad_policy_row_is_named(tmp_path, line, message):
    path = tmp_path / "p.csv"
    path.write_text(
        f"policy_id,patient,limit,deductible,coinsurance,from,until\n"
        f"0x{'02' * 32},{ACCOUNT},1,0,0,2026-01-01,2027-01-01\n{line}\n"
    )
    with pytest.raises(PolicyFileError) as err:
        read_policy_file(path, 6)
    assert str(err.value).startswith(f"{path} row 3: ") or message in str(err.value)
    assert message in str(err.value)


def test_the_handler_lets_bugs_keep_their_traceback_and_states_the_package_errors():
    assert explain(KeyError("bug")) is None
    assert explain(PolicyFileError("p.csv row 2: limit: missing")) == "p.csv row 2: limit: missing"
    assert ether(4_314_116_000_000_000) == "0.004314116" and ether(0) == "0"
    assert is_bad_input(PolicyFileError("p.csv row 2: limit: missing")), "bad input exits 2, as usage errors"
    assert not is_bad_input(ManifestError("m.json: not found")) and not is_bad_input(ValueError("not ours"))


def _commands(script: Path):
    """Every command of a script's ``cli`` (the group and its subcommands), by path."""
    cli = runpy.run_path(str(script))["cli"]
    found, todo = {}, [(script.stem, cli)]
    while todo:
        path, cmd = todo.pop()
        found[path] = cmd
        if isinstance(cmd, click.Group):
            todo += [(f"{path} {name}", sub) for name, sub in cmd.commands.items()]
    return found


@pytest.mark.parametrize("script", SCRIPTS, ids=[p.stem for p in SCRIPTS])
def test_every_command_has_a_description(script):
    for path, cmd in _commands(script).items():
        assert (cmd.help or "").strip(), f"`ape run {path}` has no description"
        assert "--manifest" not in {o for p in cmd.params for o in getattr(p, "opts", [])}, path
        assert not any(o.startswith("--") and "_" in o for p in cmd.params for o in getattr(p, "opts", [])), path


def test_domain_groups_are_listed_with_their_description():
    out = subprocess.run(
        [str(PROJECT_ROOT / ".venv" / "bin" / "ape"), "run", "--help"],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        check=True,
    ).stdout
    listed = {
        line.split()[0]: line.split(None, 1)[1:] for line in out.split("Commands:")[1].splitlines() if line.strip()
    }
    for name in (
        "records",
        "claims",
        "consent",
        "provenance",
        "exchange",
        "audit",
        "deploy",
        "demo",
        "members",
        "token",
    ):
        assert listed.get(name), f"{name}: {listed}"
    assert not {"anchor", "verify", "submit_claims"} & set(listed), "the old names are gone"


def test_scripts_import_only_the_kit_at_module_level():
    """ape executes every script on each `ape run`: a heavy module-level import slows every command."""
    code = (
        "import sys, runpy; before = set(sys.modules); [runpy.run_path(p) for p in sys.argv[1:]]; "
        "heavy = sorted(m for m in set(sys.modules) - before if m.split('.')[0] in "
        "('web3', 'eth_abi', 'medchain_dev', 'fhir', 'cryptography', 'requests') or m in "
        "('ape.managers.project', 'medchain.claims.bulk', 'medchain.consent', 'medchain.exchange', "
        "'medchain.provenance', 'medchain.audit')); print(heavy)"
    )
    out = subprocess.run(
        [str(PROJECT_ROOT / ".venv" / "bin" / "python"), "-c", code, *map(str, SCRIPTS)],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        check=True,
    ).stdout
    assert out.strip() == "[]", out


def test_trail_tables_show_ids_in_full_to_paste_into_the_next_command():
    from medchain.audit.store import Event
    from medchain.audit.trail import render

    claim, patient = "0x" + "ab" * 32, ACCOUNT.lower()
    event = Event(
        id=1,
        block=7,
        log_index=0,
        tx_index=0,
        tx_hash="0x" + "cd" * 32,
        block_hash="0x" + "ef" * 32,
        time=1_800_000_000,
        contract="ClaimSettlement",
        event="ClaimSubmitted",
        args={"claimId": claim, "patient": patient, "reasonCode": "0x" + b"LATE".ljust(32, b"\0").hex()},
        confirmed=True,
    )
    table = render([event], "table", {})
    assert f"claimId={claim}" in table and f"patient={ACCOUNT}" in table and "reasonCode=LATE" in table
    assert "…" not in table
