"""Consistency rules across contracts, re-checked from the event trail alone.

The contracts enforce most of these at the moment of each transaction; an auditor re-derives them
from the record, independently of the code that enforced them (a contract bug, an upgrade, or a
member who found a way around a check would show up here). Each finding lists the events that
prove it.

=================================  ==========  ==============================================================
rule                               severity    what it says
=================================  ==========  ==============================================================
``paid-claim-consent-evidence``    violation   a paid claim lacked the patient's payment consent (HPAYMT on
                                               billing and claims, to the insurer) or evidence anchored by its
                                               provider, not retracted, at the moment it was submitted
``dispensed-under-hold``           violation   a unit was dispensed after its batch's recall, or while it was
                                               quarantined
``break-glass``                    notice      every emergency access, with what followed it
``duplicate-claims``               warning     claims refused on chain as duplicates (CARC 18), by provider
``suspended-with-open-claims``     warning     a provider suspended while it held open claims
=================================  ==========  ==============================================================

The claim's evidence is not in the claim's events: it is read from the submitting transaction's
calldata (fetched once from the node and cached in the index).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from ..chain.rpc import Rpc
from ..claims.status import ClaimStatus
from ..records.merkle import verify_proof
from .store import Event, Store
from .suite import Suite
from .sync import transactions
from .trail import display, iso

HPAYMT = 1 << 1  # ClaimSettlement.CONSENT_PURPOSE
BILLING_CLAIMS = 1 << 13  # ClaimSettlement.CONSENT_CATEGORY
DUPLICATE = 18
ZERO32 = "0x" + "0" * 64
#: The statuses of a claim that is neither settled nor finally denied.
OPEN = frozenset(
    {ClaimStatus.PENDING_FUNDS, ClaimStatus.APPROVED, ClaimStatus.PARTIAL, ClaimStatus.DISPUTED, ClaimStatus.RESOLVED}
)

RULES = {
    "paid-claim-consent-evidence": "every paid claim had payment consent and anchored evidence at submission",
    "dispensed-under-hold": "no unit dispensed after its batch's recall or during a quarantine",
    "break-glass": "every break-glass access, with what followed it",
    "duplicate-claims": "claims denied as duplicates, grouped by provider",
    "suspended-with-open-claims": "providers suspended while holding open claims",
}


#: What each rule examines (its subjects): a verdict says how many of these it covered.
RULE_SUBJECTS = {
    "paid-claim-consent-evidence": ("ClaimSettlement", ("ClaimSettled",), "paid claim(s)"),
    "dispensed-under-hold": ("DrugProvenance", ("Dispensed",), "dispense(s)"),
    "break-glass": ("ConsentRegistry", ("EmergencyAccessed",), "emergency access(es)"),
    "duplicate-claims": ("ClaimSettlement", ("ClaimRejected",), "rejected claim(s)"),
    "suspended-with-open-claims": ("ConsortiumRegistry", ("MemberSuspended",), "suspension(s)"),
}


def rule_coverage(store: Store) -> dict[str, str]:
    """rule -> what it examined, e.g. ``12 paid claim(s)`` (from the index, before the rules run)."""
    out = {}
    for rule, (_contract, names, what) in RULE_SUBJECTS.items():
        marks = ",".join("?" * len(names))
        n = store.conn.execute(f"SELECT COUNT(*) FROM events WHERE event IN ({marks})", names).fetchone()[0]
        out[rule] = f"{n:,} {what}"
    return out


@dataclass
class Finding:
    rule: str
    severity: str  # violation | warning | notice
    subject: str
    message: str
    events: list[Event] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "subject": self.subject,
            "message": self.message,
            "events": [
                {
                    "block": e.block,
                    "logIndex": e.log_index,
                    "tx": e.tx_hash,
                    "time": iso(e.time),
                    "contract": e.contract,
                    "event": e.event,
                }
                for e in self.events
            ],
        }


def _shown(value: str) -> str:
    return display(value)


# ---------------------------------------------------------------------------------------------
# Rules


def paid_claims(store: Store, rpc: Rpc | None, suite: Suite) -> list[Finding]:
    findings: list[Finding] = []
    settled = list(store.events("ClaimSettlement", ["ClaimSettled"]))
    if not settled:
        return findings
    submitted = {e["claimId"]: e for e in store.events("ClaimSettlement", ["ClaimSubmitted"])}
    policies = {e["policyId"]: e for e in store.events("ClaimSettlement", ["PolicyRegistered"])}
    consents: dict[tuple[str, str], list[Event]] = defaultdict(list)
    for e in store.events("ConsentRegistry", ["ConsentGranted", "ConsentRevoked"]):
        consents[(e["patient"], e["grantee"])].append(e)
    singles = {e["recordHash"]: e for e in store.events("RecordAnchor", ["RecordAnchored"])}
    batches = {e["root"]: e for e in store.events("RecordAnchor", ["BatchAnchored"])}
    retractions = {e["recordHash"]: e for e in store.events("RecordAnchor", ["RecordRetracted"])}
    # A pharmacy claim's evidence is its dispensed unit (PharmacyClaimLinked), not an anchored record.
    linked = {e["claimId"]: e for e in store.events("ClaimSettlement", ["PharmacyClaimLinked"])}
    dispenses: dict[tuple[str, str], list[Event]] = defaultdict(list)
    if linked:
        for e in store.events("DrugProvenance", ["Dispensed", "DispenseReverted"]):
            dispenses[(e["batchId"], e["serialHash"])].append(e)
    txs = (
        transactions(
            store,
            rpc,
            suite,
            [
                submitted[s["claimId"]].tx_hash
                for s in settled
                if s["claimId"] in submitted and s["claimId"] not in linked
            ],
        )
        if rpc
        else {}
    )

    for paid in settled:
        claim = paid["claimId"]
        sub = submitted.get(claim)
        if sub is None:
            findings.append(
                Finding(
                    "paid-claim-consent-evidence",
                    "violation",
                    claim,
                    f"claim {_shown(claim)} was paid but never submitted",
                    [paid],
                )
            )
            continue
        policy = policies.get(sub["policyId"])
        problems, proof = [], [sub, paid]
        if policy is None:
            problems.append("its policy was never registered")
        else:
            proof.insert(0, policy)
            patient, insurer = policy["patient"], sub["insurer"]
            before = [e for e in consents.get((patient, insurer), []) if e.key < sub.key]
            last = before[-1] if before else None
            if last is not None:
                proof.insert(1, last)
            if last is None:
                problems.append(f"the patient {_shown(patient)} had never consented to payment by the insurer")
            elif last.event == "ConsentRevoked":
                problems.append(f"the patient's consent was revoked at {iso(last.time)} (block {last.block})")
            elif not (last["purposes"] & HPAYMT and last["categories"] & BILLING_CLAIMS):
                problems.append("the patient's consent did not cover payment (HPAYMT) on billing and claims")
            elif last["validUntil"] <= sub.time:
                problems.append(f"the patient's consent had expired at {iso(last['validUntil'])}")
        if claim in linked:
            problems += _unit_problems(sub, linked[claim], dispenses, proof)
        else:
            problems += _evidence_problems(sub, txs.get(sub.tx_hash), singles, batches, retractions, proof)
        if problems:
            findings.append(
                Finding(
                    "paid-claim-consent-evidence",
                    "violation",
                    claim,
                    f"claim {_shown(claim)} was paid ({paid['amount']:,} units, block {paid.block}) but at "
                    f"submission (block {sub.block}): " + "; ".join(problems),
                    proof,
                )
            )
    return findings


def _claim_inputs(tx: dict[str, Any] | None) -> list[list[Any]]:
    """The ClaimInput tuples of a submitClaim/submitClaims transaction (empty when not decodable)."""
    if not tx or not tx.get("args"):
        return []
    if tx["function"] == "submitClaims":
        return list(next(iter(tx["args"].values())))
    if tx["function"] == "submitClaim":
        return [next(iter(tx["args"].values()))]
    return []


def _evidence_problems(
    sub: Event, tx: dict[str, Any] | None, singles: dict, batches: dict, retractions: dict, proof: list[Event]
) -> list[str]:
    match = [
        c
        for c in _claim_inputs(tx)
        if c[0] == sub["policyId"]
        and c[1].lower() == sub["provider"]
        and c[2] == sub["amount"]
        and c[3] == sub["serviceDate"]
    ]
    if not match:
        return [f"its evidence could not be read from transaction {sub.tx_hash} (not a decodable submitClaim(s) call)"]
    _, provider, _, _, _, evidence, root, path = match[0]
    retracted = retractions.get(evidence)
    if retracted is not None and retracted.key < sub.key:
        proof.append(retracted)
        return [f"its evidence {_shown(evidence)} had been retracted (block {retracted.block})"]
    if root == ZERO32:
        anchored = singles.get(evidence)
        if anchored is None or anchored.key > sub.key:
            return [f"its evidence {_shown(evidence)} was not anchored"]
        proof.append(anchored)
        if anchored["provider"] != provider.lower():
            return [f"its evidence was anchored by {_shown(anchored['provider'])}, not by the claim's provider"]
        return []
    batch = batches.get(root)
    if batch is None or batch.key > sub.key:
        return [f"its evidence batch {_shown(root)} was not anchored"]
    proof.append(batch)
    if batch["provider"] != provider.lower():
        return [f"its evidence batch was anchored by {_shown(batch['provider'])}, not by the claim's provider"]
    if not verify_proof(bytes.fromhex(root[2:]), bytes.fromhex(evidence[2:]), [bytes.fromhex(p[2:]) for p in path]):
        return [f"the Merkle proof of its evidence {_shown(evidence)} does not lead to batch {_shown(root)}"]
    return []


def _unit_problems(sub: Event, link: Event, dispenses: dict, proof: list[Event]) -> list[str]:
    """A pharmacy claim: its unit was dispensed by the claiming pharmacy, and not reverted, before submission."""
    unit = (link["batchId"], link["serialHash"])
    proof.append(link)
    before = [e for e in dispenses.get(unit, []) if e.key < sub.key]
    if not before or before[-1].event != "Dispensed":
        return [
            f"its unit {_shown(link['serialHash'])} of batch {_shown(link['batchId'])} was not dispensed"
            + (" (the dispense was reverted)" if before else "")
        ]
    proof.append(before[-1])
    if before[-1]["pharmacy"] != sub["provider"]:
        return [f"its unit was dispensed by {_shown(before[-1]['pharmacy'])}, not by the claiming pharmacy"]
    return []


def dispensed_under_hold(store: Store) -> list[Finding]:
    findings = []
    recalled: dict[str, Event] = {}
    quarantined: dict[str, Event | None] = {}
    for e in store.events("DrugProvenance", ["Recalled", "Quarantined", "Released", "Dispensed"]):
        batch = e["batchId"]
        if e.event == "Recalled":
            recalled[batch] = e
        elif e.event == "Quarantined":
            quarantined[batch] = e
        elif e.event == "Released":
            quarantined[batch] = None
        else:
            hold = recalled.get(batch) or quarantined.get(batch)
            if hold is not None:
                what = "recalled" if hold.event == "Recalled" else "quarantined"
                findings.append(
                    Finding(
                        "dispensed-under-hold",
                        "violation",
                        batch,
                        f"unit {_shown(e['serialHash'])} of batch {_shown(batch)} was dispensed by {_shown(e['pharmacy'])} "
                        f"at {iso(e.time)} (block {e.block}) although the batch was {what} at {iso(hold.time)} "
                        f"(block {hold.block})",
                        [hold, e],
                    )
                )
    return findings


def break_glass(store: Store) -> list[Finding]:
    findings = []
    accesses = list(store.events("ConsentRegistry", ["EmergencyAccessed"]))
    patient_of = (
        {e["policyId"]: e["patient"] for e in store.events("ClaimSettlement", ["PolicyRegistered"])} if accesses else {}
    )
    for access in accesses:
        patient, provider, until = access["patient"], access["provider"], access["expiresAt"]
        after = [e for e in store.events_referencing([patient, provider]) if e.key > access.key]
        followed: list[Event] = []
        notes = []
        ended = None
        for e in after:
            a = e.args
            if e.event == "ConsentRevoked" and a["patient"] == patient and a["grantee"] == provider and e.time < until:
                ended = e
                followed.append(e)
                notes.append(f"ended early by {_shown(a['by'])} at {iso(e.time)}")
                break
            if e.time >= until:
                break
            if e.event in ("RecordAnchored", "BatchAnchored") and a.get("provider") == provider:
                followed.append(e)
                notes.append(f"{e.event} by the provider at {iso(e.time)}")
            elif e.event == "ConsentGranted" and a["patient"] == patient:
                followed.append(e)
                notes.append(f"the patient granted consent to {_shown(a['grantee'])} at {iso(e.time)}")
            elif e.event == "ClaimSubmitted" and a["provider"] == provider and patient_of.get(a["policyId"]) == patient:
                followed.append(e)
                notes.append(f"the provider claimed for the patient ({_shown(a['claimId'])}) at {iso(e.time)}")
        if ended is None:
            notes.append(f"ran to its end at {iso(until)}" if until <= _now(store) else f"open until {iso(until)}")
        findings.append(
            Finding(
                "break-glass",
                "notice",
                patient,
                f"{_shown(provider)} took emergency access to patient {_shown(patient)} at {iso(access.time)} "
                f"(block {access.block}, reason {display(access['reasonCode'])}): " + "; ".join(notes),
                [access, *followed],
            )
        )
    return findings


def _now(store: Store) -> int:
    row = store.conn.execute("SELECT MAX(time) FROM events").fetchone()
    return row[0] or 0


def duplicate_claims(store: Store, rpc: Rpc | None, suite: Suite) -> list[Finding]:
    from ..claims.inputs import claim_id

    rejected = [e for e in store.events("ClaimSettlement", ["ClaimRejected"]) if e["reasonCode"] == DUPLICATE]
    if not rejected:
        return []
    txs = transactions(store, rpc, suite, [e.tx_hash for e in rejected]) if rpc else {}
    originals = {e["claimId"]: e for e in store.events("ClaimSettlement", ["ClaimSubmitted"])}
    by_provider: dict[str, list[Event]] = defaultdict(list)
    senders: dict[str, set[str]] = defaultdict(set)
    for e in rejected:
        provider = "unknown (calldata not decodable)"
        tx = txs.get(e.tx_hash)
        for c in _claim_inputs(tx):
            if "0x" + claim_id(bytes.fromhex(c[0][2:]), c[1], c[3], bytes.fromhex(c[4][2:])).hex() == e["claimId"]:
                provider = c[1].lower()
                break
        by_provider[provider].append(e)
        if tx:
            senders[provider].add(tx["from"])
    findings = []
    for provider, events in sorted(by_provider.items(), key=lambda kv: -len(kv[1])):
        firsts = [originals[e["claimId"]] for e in events if e["claimId"] in originals]
        who = ", ".join(sorted(_shown(s) for s in senders[provider])) or "unknown"
        findings.append(
            Finding(
                "duplicate-claims",
                "warning",
                provider,
                f"{len(events)} claim(s) from provider {_shown(provider)} refused as duplicates (CARC 18), sent by {who}: "
                + ", ".join(_shown(e["claimId"]) for e in events),
                [*firsts, *events],
            )
        )
    return findings


def suspended_with_open_claims(store: Store) -> list[Finding]:
    findings = []
    status: dict[str, ClaimStatus | int] = {}
    submission: dict[str, Event] = {}
    by_provider: dict[str, set[str]] = defaultdict(set)
    names = [
        "ClaimSubmitted",
        "ClaimAdjudicated",
        "ClaimDenied",
        "ClaimVoided",
        "ClaimDisputed",
        "DisputeResolved",
        "ClaimSettled",
        "MemberSuspended",
    ]
    for e in store.events(names=names):
        a = e.args
        if e.event == "ClaimSubmitted":
            status[a["claimId"]] = ClaimStatus.NONE  # submitted, not adjudicated yet
            submission[a["claimId"]] = e
            by_provider[a["provider"]].add(a["claimId"])
        elif e.event == "ClaimAdjudicated":
            try:
                status[a["claimId"]] = ClaimStatus(a["outcome"])
            except ValueError:  # an outcome this tool does not know: not counted open
                status[a["claimId"]] = a["outcome"]
        elif e.event in ("ClaimDenied", "ClaimVoided"):
            status[a["claimId"]] = ClaimStatus.DENIED
        elif e.event == "ClaimDisputed":
            status[a["claimId"]] = ClaimStatus.DISPUTED
        elif e.event == "DisputeResolved":
            status[a["claimId"]] = ClaimStatus.RESOLVED if a["approvedAmount"] else ClaimStatus.DENIED
        elif e.event == "ClaimSettled":
            status[a["claimId"]] = ClaimStatus.SETTLED
        elif e.event == "MemberSuspended":
            open_claims = sorted(c for c in by_provider.get(a["account"], ()) if status.get(c) in OPEN)
            if open_claims:
                findings.append(
                    Finding(
                        "suspended-with-open-claims",
                        "warning",
                        a["account"],
                        f"{_shown(a['account'])} was suspended at {iso(e.time)} (block {e.block}, "
                        f"{display(a['reasonCode'])}) holding {len(open_claims)} open claim(s): "
                        + ", ".join(f"{_shown(c)} ({status[c]})" for c in open_claims),
                        [e, *(submission[c] for c in open_claims)],
                    )
                )
    return findings


def run_checks(
    store: Store, rpc: Rpc | None, suite: Suite, *, progress: Callable[[str], None] = lambda _m: None
) -> list[Finding]:
    """Every rule, in the order of :data:`RULES`."""
    findings: list[Finding] = []
    steps: list[tuple[str, Callable[[], list[Finding]]]] = [
        ("paid-claim-consent-evidence", lambda: paid_claims(store, rpc, suite)),
        ("dispensed-under-hold", lambda: dispensed_under_hold(store)),
        ("break-glass", lambda: break_glass(store)),
        ("duplicate-claims", lambda: duplicate_claims(store, rpc, suite)),
        ("suspended-with-open-claims", lambda: suspended_with_open_claims(store)),
    ]
    for rule, step in steps:
        found = step()
        progress(f"{rule}: {len(found)} finding(s)")
        findings += found
    return findings


def render_findings(
    findings: Iterable[Finding], fmt: str = "text", coverage: Any = None, covered: dict[str, str] | None = None
) -> str:
    """The verdicts. With ``coverage`` (:meth:`Store.coverage`) and ``covered`` (:func:`rule_coverage`)
    every verdict says what it examined; an index that was never synced (or holds no event) gives no
    verdict at all: ``NO DATA``."""
    findings = list(findings)
    covered = covered or {}
    if fmt == "json":
        doc: dict[str, Any] = {"findings": [f.to_json() for f in findings]}
        if coverage is not None:
            doc["covered"] = {
                "events": coverage.events,
                "first_block": coverage.first_block,
                "synced_to": coverage.synced_to,
                "contracts": coverage.synced_contracts,
            }
            doc["verdict"] = (
                "no-data"
                if coverage.empty
                else "violations"
                if any(f.severity == "violation" for f in findings)
                else "ok"
            )
            doc["rules"] = {rule: covered.get(rule) for rule in RULES}
        return json.dumps(doc, indent=2) + "\n"
    if coverage is not None and coverage.empty:
        return (
            f"NO DATA: the index covers {coverage.describe()}, so no rule was checked. Run `ape run audit "
            "sync` first; a check over no data is not a pass.\n"
        )
    lines = [f"covered: {coverage.describe()}"] if coverage is not None else []
    for rule, description in RULES.items():
        mine = [f for f in findings if f.rule == rule]
        mark = "ok" if not mine else f"{len(mine)} finding(s)"
        scope = f" ({covered[rule]} examined)" if rule in covered else ""
        lines.append(f"[{mark}] {rule}: {description}{scope}")
        for f in mine:
            lines.append(f"  {f.severity.upper()}: {f.message}")
            for e in f.events:
                lines.append(f"      block {e.block} log {e.log_index}  {e.contract}.{e.event}  tx {e.tx_hash}")
    violations = sum(f.severity == "violation" for f in findings)
    lines.append(f"{len(findings)} finding(s), {violations} violation(s)")
    return "\n".join(lines) + "\n"


__all__ = ["Finding", "RULES", "RULE_SUBJECTS", "render_findings", "rule_coverage", "run_checks"]
