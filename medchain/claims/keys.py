"""The insurer's codes key: one per insurer and deployment, in one place, never created silently.

The codes hash of a claim is keyed (see :mod:`medchain.claims.inputs`), so the claim id depends on
the key: the same service hashed under another key is another claim id, and ClaimSettlement would
pay it twice. Hence:

* the key lives in one well-defined place per insurer and deployment,
  ``<home>/claims/<chain id>/<ClaimSettlement address>/<insurer address>/codes-key.hex``, where
  ``<home>`` is ``$MEDCHAIN_CLAIMS_HOME``, else ``medchain/`` under ape's data folder (where the
  insurer's account keyfiles are; ``$APE_DATA_FOLDER``, ``~/.ape`` by default);
* it is created only by ``ape run claims keygen`` (:func:`generate_codes_key`), never by a run that
  happens not to find it;
* its fingerprint (:func:`fingerprint`: keccak256 of a domain tag and the key, 8 bytes; it reveals
  nothing about the key) is written beside it on first use (``codes-key.fingerprint``) and in every
  journal; a run whose key has another fingerprint than the one the insurer used before is refused
  before anything is sent (:func:`check_fingerprint`);
* ``claims keygen`` also commits the insurer to the key on chain, once and for good
  (``ClaimSettlement.commitCodesKey(commitment(key))``), so that a key made on another machine, or
  restored from the wrong backup, is refused too: the on-chain commitment, when there is one, is the
  reference.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path

from eth_utils import keccak

CODES_KEY_BYTES = 32
KEY_FILE = "codes-key.hex"
FINGERPRINT_FILE = "codes-key.fingerprint"
_TAG = b"medchain:claims:codes-key-fingerprint:v1"


class CodesKeyError(RuntimeError):
    """No key where it should be, a malformed key, or a key other than the one the insurer used before."""


def claims_home(ape_data_folder: Path | None = None) -> Path:
    """``$MEDCHAIN_CLAIMS_HOME``, else ``<ape data folder>/medchain`` (``$APE_DATA_FOLDER`` or ``~/.ape``)."""
    named = os.environ.get("MEDCHAIN_CLAIMS_HOME")
    if named:
        return Path(named).expanduser()
    base = ape_data_folder or Path(os.environ.get("APE_DATA_FOLDER") or Path.home() / ".ape")
    return Path(base).expanduser() / "medchain"


def insurer_dir(chain_id: int, contract: str, insurer: str, home: Path | None = None) -> Path:
    """The folder of one insurer on one deployment: its codes key and the key's fingerprint."""
    return (home or claims_home()) / "claims" / str(chain_id) / contract.lower() / insurer.lower()


def commitment(key: bytes) -> bytes:
    """The insurer's on-chain commitment to ``key`` (``ClaimSettlement.commitCodesKey``): keccak256 of a domain
    tag and the key. It reveals nothing of the key; its first 8 bytes are the key's :func:`fingerprint`."""
    return keccak(_TAG + key)


def fingerprint(key: bytes) -> str:
    """A public name for the key (recorded in journals, shown to the user): 0x + 16 hex digits."""
    return "0x" + commitment(key)[:8].hex()


def committed_fingerprint(onchain: bytes) -> str | None:
    """The fingerprint of the key an on-chain commitment names (``codesKeyCommitmentOf``); None when none."""
    onchain = bytes(onchain)
    return None if not any(onchain) else "0x" + onchain[:8].hex()


def generate_codes_key(path: Path) -> bytes:
    """Create a new random key at ``path`` (owner-only); refuses to replace an existing one."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(CODES_KEY_BYTES)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise CodesKeyError(
            f"{path} already holds a codes key (fingerprint {fingerprint(read_codes_key(path))}); "
            "a new key would give every claim already submitted a new id: keep it"
        ) from None
    with os.fdopen(fd, "w") as fh:
        fh.write("0x" + key.hex() + "\n")
    return key


def read_codes_key(path: Path) -> bytes:
    """The key in ``path``; a missing file is an error that says how to create one (it is never created here)."""
    path = Path(path)
    if not path.is_file():
        raise CodesKeyError(
            f"no codes key at {path}. Create the insurer's key once with `ape run claims keygen "
            "--account <insurer>` (or name an existing key file with --codes-key)"
        )
    text = path.read_text(encoding="utf-8", errors="replace").strip()
    try:
        key = bytes.fromhex(text.removeprefix("0x"))
    except ValueError:
        key = b""
    if len(key) != CODES_KEY_BYTES:
        raise CodesKeyError(f"{path}: a codes key is 32 bytes as hex (64 digits)")
    return key


def check_fingerprint(
    folder: Path, key: bytes, *, record: bool, committed: Callable[[], str | None] | None = None
) -> str:
    """Refuse ``key`` unless its fingerprint is the one the insurer used before (recorded in ``folder``
    on first use when ``record``, or the on-chain commitment ``committed`` returns); the fingerprint."""
    mine = fingerprint(key)
    reference = committed() if committed else None
    where = "committed on chain"
    path = Path(folder) / FINGERPRINT_FILE
    if reference is None and path.is_file():
        reference, where = path.read_text(encoding="utf-8").strip(), f"recorded in {path}"
    if reference is not None and reference.lower() != mine.lower():
        raise CodesKeyError(
            f"this codes key (fingerprint {mine}) is not the key this insurer's earlier claims used (fingerprint "
            f"{reference}, {where}): its claim ids would differ and the same services could be paid twice. Nothing "
            "was sent; use the insurer's key"
        )
    if reference is None and record:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(mine + "\n", encoding="utf-8")
    return mine
