"""Per-relationship patient addresses: one patient, a different address towards each care relationship.

Everything medchain puts on chain about a patient hangs off the patient's address: consents
(``ConsentGranted``), policies (``PolicyRegistered``), the claims under them, disclosures
(``RecordDisclosed``). A patient who uses one address everywhere lets any observer of the chain join
all of it. A patient who uses one address per relationship (a policy with its insurer and the
providers billed under it; a referral; a pharmacy) leaves unconnected islands: the link between
them is the patient's own key, which never goes on chain.

The addresses are derived, not stored: BIP-32 hardened children of the patient's wallet seed, at
``m/44'/60'/0'/1'/i'`` where ``i`` is a 31-bit index taken from keccak256 of the relationship's
label. The same seed and label always give the same address, on any device; a label is any string
the patient's wallet chooses (``"policy:HHI-2026-0042"``, ``"provider:0xAbc..."``).

The patient never needs to fund these addresses: consents are signed off chain (EIP-712) and relayed
by the grantee (:mod:`medchain.consent.signing`).
"""

from __future__ import annotations

from eth_account import Account
from eth_account.signers.local import LocalAccount
from eth_utils import ValidationError, keccak

#: The BIP-44 account path under which relationship addresses are derived (``1'``: apart from the
#: wallet's ordinary receiving addresses at ``.../0'/0/i``).
RELATIONSHIP_PATH = "m/44'/60'/0'/1'"

Account.enable_unaudited_hdwallet_features()


def relationship_index(label: str) -> int:
    """The hardened child index (0 .. 2**31 - 1) of relationship ``label``."""
    if not label or not label.strip():
        raise ValueError("a relationship label must not be empty")
    return int.from_bytes(keccak(text=label)[:4], "big") & 0x7FFF_FFFF


def relationship_account(mnemonic: str, label: str, *, passphrase: str = "") -> LocalAccount:
    """The patient's account towards relationship ``label``, derived from the wallet's ``mnemonic``.

    Raises :class:`ValueError` for an empty label or an invalid mnemonic.
    """
    path = f"{RELATIONSHIP_PATH}/{relationship_index(label)}'"
    try:
        return Account.from_mnemonic(mnemonic, passphrase=passphrase, account_path=path)
    except ValidationError:
        # The library's message quotes the words: never echo a seed phrase.
        raise ValueError("not a valid BIP-39 wallet mnemonic") from None
