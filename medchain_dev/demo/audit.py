"""The auditor's turn in the demo (``make demo``): index, check, report, and the privacy scan.

The demo's PII list holds everything personal the demo knows off chain: the members' names and
licence texts, the insurer's claim references and policy numbers, and the identities the hospital
keeps for the two demo patients (fictional, with the SSA's never-issued sample SSN). None of it may
be on chain in any encoding the scan searches.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

from medchain.audit.checks import run_checks
from medchain.audit.linkage import Linkage, linkage
from medchain.audit.privacy import Identifier, scan
from medchain.audit.report import write_report
from medchain.audit.store import Store
from medchain.audit.suite import Suite
from medchain.audit.sync import Indexer
from medchain.chain.rpc import Rpc

#: The demo patients' identities, as the hospital holds them off chain (fictional).
DEMO_PATIENTS = {
    "name": ["Maria Lopez", "James O'Neill"],
    "medical_record_number": ["NGH-0041729", "NGH-0058813"],
    "ssn": ["078-05-1120", "219-09-9999"],
    "birth_date": ["1984-03-12", "1961-11-30"],
    "free_text": ["found unconscious at Pier 39", "allergic to penicillin"],
}


def demo_pii() -> dict[str, list[str]]:
    from medchain_dev.demo import SAMPLE_MEMBERS

    return {
        **DEMO_PATIENTS,
        "member_name": [name for name, _ in SAMPLE_MEMBERS],
        "licence_text": [f"{role.value} licence for {name}, issued 2026" for name, role in SAMPLE_MEMBERS],
        "claim_reference": ["B office visit", "B office visit (again)", "A lab panel", "B surgery"],
        "policy_number": ["A-001", "B-002"],
    }


def run_audit_demo(
    *,
    manifest: Path,
    url: str,
    workdir: Path,
    patients: dict[str, str] | None = None,
    progress: Callable[[str], None] = lambda _m: None,
) -> list[str]:
    """Sync, check, write ``report.html``, scan for the demo's PII, and say what an observer links to each of
    ``patients`` (label -> address) from events alone; the story lines."""
    workdir.mkdir(parents=True, exist_ok=True)
    suite, rpc = Suite.load(manifest), Rpc(url)
    pii_file = workdir / "demo-pii.json"
    pii_file.write_text(json.dumps(demo_pii(), indent=2) + "\n", encoding="utf-8")
    identifiers = [Identifier(kind, value) for kind, values in demo_pii().items() for value in values]
    with Store(f"sqlite:///{workdir / 'audit.sqlite'}") as store:
        progress("the auditor indexes the deployment's events...")
        started = time.perf_counter()
        result = Indexer(store, rpc, suite).sync()
        findings = run_checks(store, rpc, suite)
        report = write_report(workdir / "report.html", store, suite, findings)
        hits, stats = scan(rpc, suite, identifiers)
        linked: dict[str, Linkage] = {label: linkage(store, address) for label, address in (patients or {}).items()}
        elapsed = time.perf_counter() - started
    violations = [f for f in findings if f.severity == "violation"]
    notices = ", ".join(f"{sum(f.rule == r for f in findings)} {r}" for r in dict.fromkeys(f.rule for f in findings))
    return [
        f"the auditor indexed {result.total} events of {len(suite.manifest.contracts)} contracts (blocks "
        f"{result.from_block}..{result.to_block}) into {workdir / 'audit.sqlite'}",
        f"consistency checks: {len(violations)} violations" + (f"; for review: {notices}" if notices else ""),
        f"audit report with charts: {report}",
        f"privacy scan of {stats['transactions']} transactions and {stats['logs']} logs for {len(identifiers)} "
        f"identifiers in {stats['needles']} encodings ({pii_file.name}): "
        + ("CLEAN, none found" if not hits else f"FOUND {len(hits)}: " + "; ".join(h.line() for h in hits[:3]))
        + f" ({elapsed:.1f} s for the auditor's whole turn)",
    ] + [
        f"what any observer links to {label}'s address from events alone: {found.summary()}"
        for label, found in linked.items()
    ]
