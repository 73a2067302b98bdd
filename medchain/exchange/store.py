"""The off-chain envelope store: content-addressed (SHA-256 of the envelope → its bytes).

:class:`EnvelopeStore` is the whole interface a deployment needs: ``put`` bytes and get their id,
``get`` bytes back by id (checked against the id: a store cannot hand back altered bytes unnoticed),
and ``location`` to tell a person where an envelope is. :class:`FolderStore`, a local folder, is the
embedded default. An S3-compatible object store implements the same three methods with the id as the
object key (``PutObject`` with ``If-None-Match: *``, ``GetObject``); IPFS with a raw-leaf CIDv1 whose
multihash is this same SHA-256. :func:`open_store` turns a ``--store`` argument into a store and
names what is not bundled.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path
from typing import Protocol

_ID = re.compile(r"^[0-9a-f]{64}$")


class StoreError(ValueError):
    """An unknown id, a malformed id, altered bytes, or a store this build does not bundle."""


def envelope_id(data: bytes) -> str:
    """An envelope's content address: its SHA-256, 64 lower-case hex digits."""
    return hashlib.sha256(data).hexdigest()


def check_id(value: str) -> str:
    text = value.strip().lower().removeprefix("sha256:")
    if not _ID.match(text):
        raise StoreError(f"{value!r} is not an envelope id (64 hex digits, the envelope's SHA-256)")
    return text


class EnvelopeStore(Protocol):
    def put(self, data: bytes) -> str:
        """Store ``data`` (idempotent) and return its id."""

    def get(self, envelope_id: str) -> bytes:
        """The bytes stored under ``envelope_id``; StoreError if absent or not matching the id."""

    def location(self, envelope_id: str) -> str:
        """Where the envelope is, for people (a path or a URI)."""


class FolderStore:
    """Envelopes as files ``<root>/<id[:2]>/<id>``, written atomically."""

    def __init__(self, root: Path):
        self.root = Path(root)

    def _path(self, envelope_id: str) -> Path:
        eid = check_id(envelope_id)
        return self.root / eid[:2] / eid

    def put(self, data: bytes) -> str:
        eid = envelope_id(data)
        path = self._path(eid)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{eid}.", dir=path.parent)
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(data)
                os.replace(tmp, path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        return eid

    def get(self, envelope_id: str) -> bytes:
        path = self._path(envelope_id)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise StoreError(f"no envelope {check_id(envelope_id)} in {self.root}") from None
        if (actual := hashlib.sha256(data).hexdigest()) != check_id(envelope_id):
            raise StoreError(f"{path}: the stored bytes hash to {actual}, not to their id: the store was altered")
        return data

    def location(self, envelope_id: str) -> str:
        return str(self._path(envelope_id))


def open_store(spec: str | Path) -> EnvelopeStore:
    """A store from a ``--store`` value: a folder path (or ``file://`` URI). ``s3://`` and ``ipfs://``
    are the deployment's to plug in through :class:`EnvelopeStore`; this build names them and stops."""
    text = str(spec)
    scheme = text.split("://", 1)[0].lower() if "://" in text else ""
    if scheme in ("", "file"):
        return FolderStore(Path(text.removeprefix("file://")))
    raise StoreError(
        f"--store {text}: {scheme}:// is not bundled; implement medchain.exchange.store.EnvelopeStore "
        "(put / get / location, keyed by the envelope's SHA-256) for it, or use a folder"
    )
