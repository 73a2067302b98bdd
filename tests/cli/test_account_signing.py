"""``--account`` signs EIP-712 typed data: a keyfile account with its key (after confirmation, or ``--yes``),
any other account through ape; the signature is the one a wallet gives for the same document."""

from __future__ import annotations

import json

import pytest
from eth_account import Account
from eth_account.messages import encode_typed_data

from medchain.cli.account import AccountError, AccountRef, ApeAccountSigner
from medchain.cli.failures import OneLineError
from medchain.consent import Category, ConsentMessage, Domain, Purpose, typed_data
from medchain.consent.client import sign_with_account

PASSPHRASE = "a keyfile passphrase"
KEY = Account.from_key(b"\x24" * 32)
DOMAIN = Domain(chain_id=1337, verifying_contract="0x" + "ab" * 20)


def _message(patient: str) -> ConsentMessage:
    return ConsentMessage(
        patient, "0x" + "11" * 20, Purpose.TREAT, Category.LABORATORY, 1_900_000_000, 1_800_000_000, 7, 1_800_000_600
    )


def _parts(patient: str) -> tuple[dict, dict, dict]:
    document = typed_data(DOMAIN, _message(patient))
    return document["domain"], {"Consent": document["types"]["Consent"]}, document["message"]


@pytest.fixture
def keyfile_account(tmp_path, monkeypatch):
    """A keyfile account ``patient`` in a fresh ape data folder (a light scrypt cost)."""
    monkeypatch.setenv("APE_DATA_FOLDER", str(tmp_path))
    (tmp_path / "accounts").mkdir()
    keyfile = Account.encrypt(KEY.key, PASSPHRASE, kdf="scrypt", iterations=2**10)
    (tmp_path / "accounts" / "patient.json").write_text(json.dumps(keyfile))
    return "patient"


def test_a_keyfile_account_signs_as_a_wallet_does(keyfile_account, monkeypatch):
    monkeypatch.setenv(f"APE_ACCOUNTS_{keyfile_account}_PASSPHRASE", PASSPHRASE)
    ref = AccountRef(keyfile_account)
    ref.start_unlocking()
    domain, types, message = _parts(KEY.address)

    signature = ref.sign_typed_data(domain, types, message, yes=True)

    assert signature == bytes(KEY.sign_typed_data(domain, types, message).signature)
    assert Account.recover_message(encode_typed_data(domain, types, message), signature=signature) == KEY.address
    # the command's signer signs messages too, as the consent commands use it
    assert sign_with_account(ref.signer(yes=True), DOMAIN, _message(KEY.address)) == signature


def test_without_yes_and_without_a_terminal_nothing_is_signed(keyfile_account, monkeypatch):
    monkeypatch.setenv(f"APE_ACCOUNTS_{keyfile_account}_PASSPHRASE", PASSPHRASE)
    ref = AccountRef(keyfile_account)
    with pytest.raises(OneLineError, match="a message to sign and no terminal to confirm it on: rerun with --yes"):
        ref.sign_typed_data(*_parts(KEY.address))
    with pytest.raises(OneLineError, match="no terminal to confirm it on"):
        sign_with_account(ref.signer(), DOMAIN, _message(KEY.address))


def test_a_wrong_passphrase_in_the_environment_is_named(keyfile_account, monkeypatch):
    monkeypatch.setenv(f"APE_ACCOUNTS_{keyfile_account}_PASSPHRASE", "not it")
    ref = AccountRef(keyfile_account)
    ref.start_unlocking()
    with pytest.raises(AccountError, match=f"APE_ACCOUNTS_{keyfile_account}_PASSPHRASE is not its passphrase"):
        ref.sign_typed_data(*_parts(KEY.address), yes=True)


def test_an_ape_account_signs_through_ape(accounts):
    ref = AccountRef("TEST::0")
    assert ref.keyfile is None and ref.address == accounts[0].address
    domain, types, message = _parts(ref.address)
    expected = bytes(Account.from_key(accounts[0].private_key).sign_typed_data(domain, types, message).signature)

    assert ref.sign_typed_data(domain, types, message) == expected
    assert ApeAccountSigner(accounts[0]).sign_typed_data(domain, types, message) == expected
    assert sign_with_account(ref.signer(yes=True), DOMAIN, _message(ref.address)) == expected


def test_without_a_passphrase_or_a_terminal_the_account_says_how_to_unlock_it(keyfile_account, monkeypatch):
    monkeypatch.delenv(f"APE_ACCOUNTS_{keyfile_account}_PASSPHRASE", raising=False)
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    with pytest.raises(AccountError, match=f"no passphrase and no terminal .* set APE_ACCOUNTS_{keyfile_account}_PASS"):
        AccountRef(keyfile_account).sign_typed_data(*_parts(KEY.address), yes=True)
