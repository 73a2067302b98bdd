"""Per-relationship patient addresses: deterministic, distinct, unlinkable without the seed."""

from __future__ import annotations

import pytest
from eth_account import Account

from medchain.consent.pseudonyms import RELATIONSHIP_PATH, relationship_account, relationship_index

MNEMONIC = "test test test test test test test test test test test junk"


def test_same_seed_and_label_give_the_same_address_on_any_device() -> None:
    assert (
        relationship_account(MNEMONIC, "policy:HHI-1").address == relationship_account(MNEMONIC, "policy:HHI-1").address
    )


def test_each_relationship_gets_its_own_address_apart_from_the_wallets_ordinary_ones() -> None:
    labels = [f"provider:{i}" for i in range(50)] + ["policy:HHI-1", "pharmacy:0xabc"]
    addresses = {relationship_account(MNEMONIC, label).address for label in labels}
    ordinary = {Account.from_mnemonic(MNEMONIC, account_path=f"m/44'/60'/0'/0/{i}").address for i in range(20)}
    assert len(addresses) == len(labels)
    assert not addresses & ordinary


def test_another_seed_or_passphrase_gives_unrelated_addresses() -> None:
    other = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about"
    mine = relationship_account(MNEMONIC, "policy:HHI-1").address
    assert relationship_account(other, "policy:HHI-1").address != mine
    assert relationship_account(MNEMONIC, "policy:HHI-1", passphrase="x").address != mine


def test_derivation_is_the_documented_bip32_path() -> None:
    index = relationship_index("policy:HHI-1")
    assert 0 <= index < 2**31
    expected = Account.from_mnemonic(MNEMONIC, account_path=f"{RELATIONSHIP_PATH}/{index}'").address
    assert relationship_account(MNEMONIC, "policy:HHI-1").address == expected


@pytest.mark.parametrize("label", ["", "   "])
def test_empty_label_is_refused(label: str) -> None:
    with pytest.raises(ValueError, match="label"):
        relationship_account(MNEMONIC, label)


def test_invalid_mnemonic_is_refused() -> None:
    with pytest.raises(ValueError):
        relationship_account("not a mnemonic", "policy:HHI-1")


def test_a_mistyped_seed_phrase_is_never_echoed() -> None:
    with pytest.raises(ValueError) as refused:
        relationship_account("zebra secretword test test test test test test test test test junk", "policy:HHI-1")
    assert "secretword" not in str(refused.value)
