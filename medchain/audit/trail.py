"""Trails: the full, ordered story of one subject across every contract of the deployment.

Subjects and what their story takes in:

* ``patient`` (address): every event naming the patient (consents, delegates, break-glass, policies),
  and the claims under the patient's policies, with everything that happened to them;
* ``provider`` (address): every event naming it (membership, consents as grantee, anchors, custody,
  claims, payments), and the adjudication of its claims (those events name only the claim);
* ``claim`` (id): the claim's events and the registration of its policy;
* ``batch`` (id): every event of the drug batch (commissioning, custody, dispensing, holds, recall);
* ``record`` (hash): its anchoring, amendments both ways (the whole version chain), retraction and
  the disputes that cite it.

All of it comes from the index (``refs`` holds every address and 32-byte value of every event).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable
from typing import Any

from eth_utils import is_address, to_checksum_address

from .store import Event, Store

KINDS = ("patient", "provider", "claim", "batch", "record")


class TrailError(ValueError):
    pass


def normalize(kind: str, value: str) -> str:
    """The subject as stored in the index (lower-case hex), with an error naming the option."""
    text = value.strip().lower()
    if kind in ("patient", "provider"):
        if not is_address(text):
            raise TrailError(f"--{kind}: not an address: {value!r}")
        return text
    if kind in ("claim", "batch", "record"):
        body = text.removeprefix("0x")
        if len(body) != 64 or any(c not in "0123456789abcdef" for c in body):
            raise TrailError(f"--{kind}: expected 0x and 64 hex digits, got {value!r}")
        return "0x" + body
    raise TrailError(f"unknown subject {kind!r} (one of {', '.join(KINDS)})")


def parse_time(text: str | None, option: str) -> int | None:
    """``2026-05-01`` or ``2026-05-01T12:00:00Z`` (UTC when no zone) or unix seconds."""
    if text is None:
        return None
    if text.isdigit():
        return int(text)
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise TrailError(f"{option}: not a date or time: {text!r} (use 2026-05-01 or 2026-05-01T12:00:00Z)") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return int(moment.timestamp())


def trail(store: Store, kind: str, value: str, *, since: int | None = None, until: int | None = None) -> list[Event]:
    """The subject's events in chain order, optionally between two times (inclusive)."""
    subject = normalize(kind, value)
    events = {e.id: e for e in store.events_referencing([subject])}

    def add(found: Iterable[Event]) -> None:
        for e in found:
            events.setdefault(e.id, e)

    if kind == "patient":
        policies = {e["policyId"] for e in events.values() if e.event == "PolicyRegistered" and e["patient"] == subject}
        add(store.events_referencing(policies))
        claims = {e["claimId"] for e in events.values() if e.event == "ClaimSubmitted" and e["policyId"] in policies}
        add(store.events_referencing(claims))
    elif kind == "provider":
        claims = {e["claimId"] for e in events.values() if e.event == "ClaimSubmitted" and e["provider"] == subject}
        add(store.events_referencing(claims))
    elif kind == "claim":
        policies = {e["policyId"] for e in events.values() if e.event == "ClaimSubmitted"}
        add(e for e in store.events_referencing(policies) if e.event == "PolicyRegistered")
    elif kind == "record":
        versions, frontier = {subject}, {subject}
        while frontier:
            found = store.events_referencing(frontier)
            frontier = set()
            for e in found:
                events.setdefault(e.id, e)
                if e.event == "RecordAmended":
                    frontier |= {e["oldHash"], e["newHash"]} - versions
            versions |= frontier
    out = sorted(events.values(), key=lambda e: e.key)
    return [e for e in out if (since is None or e.time >= since) and (until is None or e.time <= until)]


# ---------------------------------------------------------------------------------------------
# Output


def iso(ts: int) -> str:
    return dt.datetime.fromtimestamp(ts, tz=dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def display(value: Any, short: bool = False) -> str:
    """A value as tables and findings show it: addresses checksummed, ids and hashes in full (to paste into the
    next command), bytes32 reason codes as their text; ``short`` abbreviates for chart labels only."""
    if isinstance(value, str) and value.startswith("0x"):
        if len(value) == 42:
            value = to_checksum_address(value)
        if len(value) == 66 and value[2:].rstrip("0") and _looks_like_code(value):
            return _code(value)
        return f"{value[:6]}…{value[-4:]}" if short else value
    if isinstance(value, list):
        return "[" + ", ".join(display(v, short) for v in value) + "]"
    return str(value)


def _looks_like_code(value: str) -> bool:
    """A bytes32 that holds a short upper-case code (reason codes are such)."""
    raw = bytes.fromhex(value[2:]).rstrip(b"\0")
    return (
        0 < len(raw) <= 32
        and all(c in b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_" for c in raw)
        and bytes.fromhex(value[2:])[len(raw) :] == b"\0" * (32 - len(raw))
    )


def _code(value: str) -> str:
    return bytes.fromhex(value[2:]).rstrip(b"\0").decode("ascii")


def as_dicts(events: Iterable[Event], addresses: dict[str, str]) -> list[dict[str, Any]]:
    return [
        {
            "time": iso(e.time),
            "block": e.block,
            "logIndex": e.log_index,
            "tx": e.tx_hash,
            "contract": e.contract,
            "address": to_checksum_address(addresses.get(e.contract, "0x" + "0" * 40)),
            "event": e.event,
            "args": {
                k: (to_checksum_address(v) if isinstance(v, str) and len(v) == 42 and v.startswith("0x") else v)
                for k, v in e.args.items()
            },
            "confirmed": e.confirmed,
        }
        for e in events
    ]


def render(events: list[Event], fmt: str, addresses: dict[str, str]) -> str:
    """``table`` (for reading), ``csv`` or ``json`` (for other tools)."""
    if fmt == "json":
        return json.dumps(as_dicts(events, addresses), indent=2) + "\n"
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["time", "block", "log_index", "tx", "contract", "event", "args", "confirmed"])
        for row in as_dicts(events, addresses):
            writer.writerow(
                [
                    row["time"],
                    row["block"],
                    row["logIndex"],
                    row["tx"],
                    row["contract"],
                    row["event"],
                    json.dumps(row["args"], separators=(",", ":")),
                    row["confirmed"],
                ]
            )
        return buffer.getvalue()
    if fmt != "table":
        raise TrailError(f"--format: one of table, csv, json (got {fmt!r})")
    lines = [f"{'time (UTC)':<20} {'block':>7}  {'contract':<18} {'event':<22} details", "-" * 110]
    for e in events:
        details = " ".join(f"{k}={display(v)}" for k, v in e.args.items())
        mark = "" if e.confirmed else "  (unconfirmed)"
        lines.append(
            f"{iso(e.time)[:19].replace('T', ' '):<20} {e.block:>7}  {e.contract:<18} {e.event:<22} {details}{mark}"
        )
    lines.append(f"{len(events)} events")
    return "\n".join(lines) + "\n"
