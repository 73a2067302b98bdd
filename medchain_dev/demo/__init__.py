"""The main job: deploy the suite to the local chain, register a sample consortium, show the result.

Later capabilities (consent, records, claims, provenance) extend this walk-through.
"""

from __future__ import annotations

import json
import re
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eth_utils import keccak

from medchain.access import MemberSpec, Role, credential_hash, member_status, new_salt, reason_code, register_members
from medchain.chain.rpc import Rpc
from medchain.claims.client import reason_text
from medchain.claims.submission import load_codes_key, submit_file
from medchain.cli.account import ApeAccountSigner
from medchain.consent import CLINICAL_CATEGORIES, Category, ConsentMessage, Purpose, domain_of, names
from medchain.consent.client import SignedMessage, iso, relay, sign_with_account
from medchain.consent.fhir import consent_from_chain
from medchain.contracts import ConsentRegistry
from medchain.deployment import deploy_suite, manifest_path
from medchain.records.anchoring import SaltStore, amend_record, anchor_records, verify_record
from medchain.records.hashing import RecordFile
from medchain.records.receipts import Receipt
from medchain_dev.demo.exchange import run_exchange_demo
from medchain_dev.demo.samples import encounter_bundle, write_entries

#: The sample consortium. Names stay off chain: the chain sees addresses and credential hashes only.
SAMPLE_MEMBERS: tuple[tuple[str, Role], ...] = (
    ("Northside General Hospital", Role.PROVIDER),
    ("Harbor Health Insurance", Role.INSURER),
    ("Alder Pharmaceuticals", Role.MANUFACTURER),
    ("Meridian Drug Distribution", Role.DISTRIBUTOR),
    ("Corner Street Pharmacy", Role.PHARMACY),
    ("State Health Regulator", Role.REGULATOR),
    ("Clearview Audit LLP", Role.AUDITOR),
)
#: Accounts the demo signs with: governance, one a member above, two patients, a second hospital.
DEMO_ACCOUNTS = 1 + len(SAMPLE_MEMBERS) + 4


@dataclass
class DemoReport:
    chain_id: int
    manifest: Path
    registry: str
    governance: str
    network: str = "ethereum:local"
    members: list[tuple[MemberSpec, Any]] = field(default_factory=list)  # (spec, MemberStatus)
    gas: dict[str, int] = field(default_factory=dict)
    story: list[str] = field(default_factory=list)
    consents: list[tuple[str, str, str, str, str]] = field(
        default_factory=list
    )  # patient, grantee, purposes, categories, state
    claims: list[tuple[str, str, str, str, str]] = field(default_factory=list)  # claim, patient, billed, outcome, paid

    def render(self) -> str:
        lines = [
            "",
            f"medchain demo: a consortium on {self.network}",
            "=" * 72,
            f"chain id        {self.chain_id}",
            f"manifest        {self.manifest}",
            f"registry        {self.registry}",
            f"governance      {self.governance}",
            "",
            f"{'member (off chain)':<28} {'role':<13} {'address':<14} {'credential':<12} status",
            "-" * 72,
        ]
        for spec, status in self.members:
            state = "active" if status.active else "SUSPENDED"
            lines.append(
                f"{spec.name:<28} {spec.role.label:<13} {_short(spec.address):<14} "
                f"{_short('0x' + spec.credential_hash.hex()):<12} {state}"
            )
        if self.consents:
            lines += ["", f"{'patient':<14} {'grantee':<28} {'purposes':<13} {'categories':<22} state", "-" * 72]
            lines += [f"{p:<14} {g:<28} {pu:<13} {c:<22} {st}" for p, g, pu, c, st in self.consents]
        if self.claims:
            lines += [
                "",
                f"{'claim':<26} {'patient':<10} {'billed':>10} {'outcome':<30} {'insurer pays':>12}",
                "-" * 92,
            ]
            lines += [f"{c:<26} {p:<10} {b:>10} {o:<30} {pay:>12}" for c, p, b, o, pay in self.claims]
        lines += ["", "what happened"]
        lines += [f"  {i}. {line}" for i, line in enumerate(self.story, 1)]
        lines += ["", "gas used"]
        lines += [f"  {op:<38} {gas:>10,}" for op, gas in self.gas.items()]
        return "\n".join(lines) + "\n"


def unfunded(provider: Any, accounts: list[Any]) -> list[str]:
    """The addresses among the demo's accounts that have no funds on ``provider``'s chain."""
    return [str(a.address) for a in accounts[:DEMO_ACCOUNTS] if provider.get_balance(a.address) == 0]


def _skip_to(provider: Any, timestamp: int) -> bool:
    """Have the next block at ``timestamp`` on a development chain (ape's test providers can set its time);
    False on any other (a real chain: its validators keep the time)."""
    from ape import chain
    from ape.api import TestProviderAPI

    if not isinstance(provider, TestProviderAPI):
        return False
    chain.pending_timestamp = timestamp
    return True


def _short(hex_str: str) -> str:
    return f"{hex_str[:6]}…{hex_str[-4:]}"


def run_demo(
    *,
    project: Any,
    provider: Any,
    accounts: list[Any],
    network: str = "ethereum:local",
    manifest: Path | None = None,
    workdir: Path | None = None,
    progress: Callable[[str], None] = lambda _msg: None,
) -> DemoReport:
    """Run the walk-through: ``accounts[0]`` is governance, the next seven are members, the next two patients,
    and ``accounts[11]`` the second hospital the exchange section refers a patient to."""
    if len(accounts) < DEMO_ACCOUNTS:
        raise ValueError(f"the demo needs {DEMO_ACCOUNTS} funded accounts, got {len(accounts)}")
    governance = accounts[0]
    path = manifest or manifest_path(network.split(":")[1] if ":" in network else network)

    result = deploy_suite(
        project=project,
        provider=provider,
        deployer=governance,
        governance=governance.address,
        admin_delay=0,
        path=path,
        network=network,
        fresh=True,
        progress=progress,
    )
    registry = project.ConsortiumRegistry.at(result.manifest.address_of("ConsortiumRegistry"))
    report = DemoReport(
        chain_id=provider.chain_id,
        manifest=path,
        registry=str(registry.address),
        governance=str(governance.address),
        network=network,
    )
    deploy_receipt = provider.get_receipt(result.manifest.contracts["ConsortiumRegistry"].tx)
    report.gas["deploy ConsortiumRegistry"] = deploy_receipt.gas_used
    report.story.append(f"deployed the suite; manifest written to {path}")

    specs = []
    for (name, role), account in zip(SAMPLE_MEMBERS, accounts[1:]):
        licence = f"{role.value} licence for {name}, issued 2026".encode()
        specs.append(MemberSpec(name, role, str(account.address), credential_hash(licence, new_salt())))
    progress(f"registering {len(specs)} members...")
    results = register_members(_sdk(registry, provider, governance), specs)
    gas = [provider.get_receipt(r.tx_hash).gas_used for r in results if r.registered]
    report.gas["registerMember (mean)"] = sum(gas) // len(gas)
    report.story.append(f"governance registered {len(gas)} members, one per role, each with a salted credential hash")

    # The regulator suspends the pharmacy; governance reinstates it with a renewed licence.
    pharmacy = next(s for s in specs if s.role is Role.PHARMACY)
    regulator = next(a for (_, role), a in zip(SAMPLE_MEMBERS, accounts[1:]) if role is Role.REGULATOR)
    receipt = registry.suspendMember(pharmacy.address, reason_code("LICENCE_EXPIRED"), sender=regulator)
    report.gas["suspendMember"] = receipt.gas_used
    active = registry.isActiveMember(pharmacy.address, Role.PHARMACY.id)
    report.story.append(f"the regulator suspended {pharmacy.name} (LICENCE_EXPIRED): isActiveMember -> {active}")
    renewed = credential_hash(b"PHARMACY_ROLE licence renewed 2026", new_salt())
    registry.updateCredential(pharmacy.address, Role.PHARMACY.id, renewed, sender=governance)
    receipt = registry.reinstateMember(pharmacy.address, sender=governance)
    report.gas["reinstateMember"] = receipt.gas_used
    report.story.append(
        f"governance recorded the renewed licence and reinstated it: isActiveMember -> "
        f"{registry.isActiveMember(pharmacy.address, Role.PHARMACY.id)}"
    )
    specs[specs.index(pharmacy)] = MemberSpec(pharmacy.name, pharmacy.role, pharmacy.address, renewed)

    report.members = [(spec, member_status(_sdk(registry, provider), spec.address)) for spec in specs]

    consent = project.ConsentRegistry.at(result.manifest.address_of("ConsentRegistry"))
    hospital = next(a for (_, role), a in zip(SAMPLE_MEMBERS, accounts[1:]) if role is Role.PROVIDER)
    insurer = next(a for (_, role), a in zip(SAMPLE_MEMBERS, accounts[1:]) if role is Role.INSURER)
    _consent_story(report, consent, provider, hospital, insurer, patient=accounts[8], unconscious=accounts[9])

    anchor = project.RecordAnchor.at(result.manifest.address_of("RecordAnchor"))
    auditor = next(spec for spec in specs if spec.role is Role.AUDITOR)
    workdir = workdir or Path(tempfile.mkdtemp(prefix="medchain-demo-"))
    evidence = _records_story(report, anchor, provider, hospital, auditor.name, workdir)

    claims = project.ClaimSettlement.at(result.manifest.address_of("ClaimSettlement"))
    token = project.TestStableToken.at(result.manifest.address_of("TestStableToken"))
    _claims_story(
        report,
        claims,
        token,
        consent,
        provider,
        hospital,
        insurer,
        evidence,
        patient_a=accounts[8],
        patient_b=accounts[9],
        workdir=workdir,
    )

    def member(role: Role) -> Any:
        return next(a for (_, r), a in zip(SAMPLE_MEMBERS, accounts[1:]) if r is role)

    from medchain.contracts import DrugProvenance
    from medchain_dev.demo.provenance import run_provenance_demo

    rpc, at = Rpc(provider.http_uri, patience=30.0), result.manifest.address_of("DrugProvenance")

    def party(account: Any) -> DrugProvenance:
        return DrugProvenance(rpc, at, ApeAccountSigner(account))

    trail = run_provenance_demo(
        governance=party(governance),
        manufacturer=party(member(Role.MANUFACTURER)),
        distributor=party(member(Role.DISTRIBUTOR)),
        pharmacy=party(member(Role.PHARMACY)),
        regulator=party(regulator),
        workdir=workdir / "provenance",
    )
    report.story += trail.story
    report.gas.update(trail.gas)
    _pharmacy_claim_story(
        report, claims, token, consent, provider, insurer, member(Role.PHARMACY), accounts[9], trail, workdir=workdir
    )
    run_exchange_demo(
        report,
        provider=provider,
        manifest=result.manifest,
        governance=governance,
        hospital=hospital,
        patient=accounts[8],
        referral=accounts[11],
        workdir=workdir,
    )

    from medchain_dev.demo.audit import run_audit_demo  # the auditor: index, checks, report.html, privacy scan

    report.story += run_audit_demo(
        manifest=path,
        url=provider.http_uri,
        workdir=workdir / "audit",
        patients={"patient A": accounts[8].address, "patient B": accounts[9].address},
        progress=progress,
    )
    return report


def _pharmacy_claim_story(
    report: DemoReport,
    claims: Any,
    token: Any,
    consent: Any,
    provider: Any,
    insurer: Any,
    pharmacy: Any,
    patient: Any,
    trail: Any,
    *,
    workdir: Path,
) -> None:
    """The pharmacy bills the pack it dispensed (paid once final), and is refused for one it did not dispense."""
    from medchain.claims.client import pharmacy_claim_from_scan

    usd = 10**6
    # Patient B's pharmacy benefit: its own policy (limit 2,000, no deductible, 10 % coinsurance).
    now = provider.get_block("latest").timestamp
    policy = keccak(text="demo policy RX-B-003")
    claims.registerPolicy(
        policy, patient.address, 2_000 * usd, 0, 1_000, now - 30 * 86400, now + 335 * 86400, sender=insurer
    )
    # The care relationship a pharmacy claim needs: the patient's TREAT consent to the pharmacy (medications).
    consent.grant(
        patient.address,
        pharmacy.address,
        int(Purpose.TREAT),
        int(Category.MEDICATIONS),
        now + 365 * 86400,
        sender=patient,
    )
    key = load_codes_key(workdir / "pharmacy-codes-key.hex", create=True)  # the demo chain: a throw-away key
    claim = pharmacy_claim_from_scan(
        trail.dispensed_scan, policy_id=policy, pharmacy=pharmacy.address, amount=45 * usd, codes_key=key
    )
    receipt = claims.submitPharmacyClaim(claim.as_input(), sender=pharmacy)
    report.gas["submitPharmacyClaim"] = receipt.gas_used
    adjudicated = receipt.events.filter(claims.ClaimAdjudicated)[0]
    claim_id = receipt.events.filter(claims.ClaimSubmitted)[0].claimId
    shelf = pharmacy_claim_from_scan(
        trail.undispensed_scan, policy_id=policy, pharmacy=pharmacy.address, amount=45 * usd, codes_key=key
    )
    rejected = claims.submitPharmacyClaims([shelf.as_input()], sender=pharmacy).events.filter(claims.ClaimRejected)
    refusal = reason_text(rejected[0].reasonCode) if rejected else "accepted (unexpected)"
    report.story.append(
        f"the pharmacy billed patient B's pharmacy benefit for the pack it dispensed (only the dispensing pharmacy "
        f"can; the claim id names that dispense): "
        f"{adjudicated.payable_ / usd:,.2f} test USD payable of 45.00; a claim for a pack still on its shelf was "
        f"rejected ({refusal})"
    )
    # Paid only once the dispense can no longer be undone (EU FMD: 10 days), then withdrawn.
    final = provider.get_block("latest").timestamp + 10 * 86400 + 1
    if not _skip_to(provider, final):
        report.story.append(
            f"the dispense is final on {iso(final)}: this chain does not skip ahead, so the claim is settled then"
        )
        return
    claims.settle([claim_id], sender=pharmacy)
    before = token.balanceOf(pharmacy.address)
    claims.withdraw(sender=pharmacy)
    report.story.append(
        f"ten days later the dispense was final: the claim was settled and the pharmacy withdrew "
        f"{(token.balanceOf(pharmacy.address) - before) / usd:,.2f} test USD"
    )


def _claims_story(
    report: DemoReport,
    claims: Any,
    token: Any,
    consent: Any,
    provider: Any,
    hospital: Any,
    insurer: Any,
    evidence: list[Receipt],
    *,
    patient_a: Any,
    patient_b: Any,
    workdir: Path,
) -> None:
    """Policies, a funded pool, a batch of claims (one duplicate, one without consent, one over the limit), payment."""
    usd = 10**6  # the test stable token has 6 decimals
    now = provider.get_block("latest").timestamp
    policy_a, policy_b = (keccak(text=f"demo policy {n}") for n in ("A-001", "B-002"))  # opaque ids, no policy numbers
    for policy, patient in ((policy_a, patient_a), (policy_b, patient_b)):
        claims.registerPolicy(
            policy, patient.address, 5_000 * usd, 500 * usd, 2_000, now - 30 * 86400, now + 335 * 86400, sender=insurer
        )
    consent.grant(
        patient_b.address,
        insurer.address,
        int(Purpose.HPAYMT),
        int(Category.BILLING_CLAIMS),
        now + 365 * 86400,
        sender=patient_b,
    )
    # The care relationship every claim needs: patient B's TREAT consent to the hospital (encounters); patient A
    # gave the hospital TREAT consent in the consent story.
    consent.grant(
        patient_b.address,
        hospital.address,
        int(Purpose.TREAT),
        int(Category.ENCOUNTERS),
        now + 365 * 86400,
        sender=patient_b,
    )
    token.mint(insurer.address, 20_000 * usd, sender=insurer)
    token.approve(claims.address, 20_000 * usd, sender=insurer)
    claims.fund(20_000 * usd, sender=insurer)
    report.story.append(
        "the insurer registered two policies (limit 5,000, deductible 500, 20 % coinsurance) and "
        "funded its pool with 20,000 test USD"
    )

    # The insurer's claim file: CSV with the hospital's evidence receipts beside it (see medchain/claims/inputs.py).
    folder = workdir / "insurer"
    for n, receipt in enumerate(evidence[:3]):
        receipt.save(folder / f"evidence-{n}.json")
    service = time.strftime("%Y-%m-%d", time.gmtime(now - 2 * 86400))
    rows = [
        ("B office visit", "patient B", policy_b, "1200.00", "99214@1000.00;80053@200.00", 0),
        ("B office visit (again)", "patient B", policy_b, "1300.00", "99214@1100.00;80053@200.00", 0),
        ("A lab panel", "patient A", policy_a, "300.00", "80061@300.00", 1),
        ("B surgery", "patient B", policy_b, "9000.00", "47562@9000.00", 2),
    ]
    lines = ["claim_ref,policy_id,provider,service_date,amount,line_items,evidence"]
    lines += [
        f"{label},0x{policy.hex()},{hospital.address},{service},{amount},{items},evidence-{ev}.json"
        for label, _who, policy, amount, items, ev in rows
    ]
    claim_file = folder / "claims.csv"
    claim_file.write_text("\n".join(lines) + "\n")
    submitted = submit_file(
        claim_file,
        rpc=Rpc(provider.http_uri, patience=30.0),
        contract=claims.address,
        signer=ApeAccountSigner(insurer),
        journal_path=folder / "journal.sqlite",
        codes_key=load_codes_key(folder / "codes-key.hex", create=True),
        decimals=6,
        skip_invalid=True,
        responses_dir=folder / "responses",
    )
    report.gas[f"submitClaims ({submitted.result.sent} claims, batch)"] = submitted.result.gas_used
    entries = submitted.result.entries
    by_line = {row.row: row for row in submitted.parsed.rows}
    refused = {p.row: p.message for p in submitted.parsed.problems}
    ids = []
    for line, (label, who, _policy, amount, _items, _ev) in enumerate(rows, 2):
        billed = f"{int(float(amount)):,}"
        if line in refused:
            report.claims.append((label, who, billed, "REFUSED before sending (duplicate)", "-"))
            continue
        row = by_line[line]
        entry = entries["0x" + row.claim_id.hex()]
        if entry.state == "rejected":
            report.claims.append((label, who, billed, f"REJECTED ({reason_text(entry.reason)})", "-"))
        else:
            ids.append(row.claim_id)
            outcome = entry.outcome.lower() + (f" ({reason_text(entry.reason)})" if entry.reason else "")
            report.claims.append((label, who, billed, outcome, f"{entry.payable // usd:,}"))
    report.story.append(
        f"the insurer ran its claim file through the bulk submitter ({claim_file.name}): the duplicate was refused "
        "before anything was sent, the claim without the patient's payment consent was rejected on chain (CARC 197), "
        f"the others adjudicated; FHIR ClaimResponses in {folder.name}/responses/"
    )

    window = claims.reviewWindow()
    due = provider.get_block("latest").timestamp + window + 1
    if not _skip_to(provider, due):
        report.story.append(
            f"the claims are due on {iso(due)}, after the {window / 86400:g}-day review window: this chain does not "
            "skip ahead, so they are settled then"
        )
        return
    receipt = claims.settle(ids, sender=hospital)
    report.gas["settle (per claim settled)"] = receipt.gas_used // max(
        len(receipt.events.filter(claims.ClaimSettled)), 1
    )
    credited = claims.creditOf(hospital.address)
    before = token.balanceOf(hospital.address)
    claims.withdraw(sender=hospital)
    report.story.append(
        f"after the 3-day review window the claims were settled and the hospital withdrew "
        f"{(token.balanceOf(hospital.address) - before) // usd:,} test USD (credited {credited // usd:,})"
    )


def _sdk(contract: Any, provider: Any, account: Any = None) -> Any:
    """The SDK's object over an ape contract instance's address on ape's node, signed with the key of the
    test ``account`` (read-only without one)."""
    from eth_account import Account

    from medchain import contracts

    signer = Account.from_key(account.private_key) if account is not None else None
    return getattr(contracts, contract.contract_type.name)(Rpc(provider.http_uri), contract.address, signer)


def _records_story(
    report: DemoReport, anchor: Any, provider: Any, hospital: Any, auditor_name: str, workdir: Path
) -> list[Receipt]:
    """The hospital anchors an encounter Bundle as a batch, amends one record; the auditor verifies.

    Returns the receipts of the records that are still current (the claims' evidence)."""
    records = write_entries(encounter_bundle(), workdir / "records")
    salts = SaltStore(workdir / "hospital-salts.json")
    receipts = workdir / "receipts"
    signed_anchor = _sdk(anchor, provider, hospital)
    result = anchor_records(
        anchor_contract=signed_anchor,
        paths=[workdir / "records"],
        out_dir=receipts,
        salt_store=salts,
        base=workdir / "records",
        batch_threshold=2,
    )
    report.gas[f"anchorBatch ({len(records)} records)"] = provider.get_receipt(result.transactions[0]).gas_used
    report.story.append(
        f"the hospital anchored the encounter's {len(records)} FHIR records (a Bundle) as one "
        f"Merkle batch: salted hashes only, receipts in {receipts}"
    )

    glucose = next(p for p in records if "Observation" in p.name and "2345-7" in p.read_text())
    corrected = glucose.with_name(glucose.stem + "-corrected.json")
    data = json.loads(glucose.read_text())
    data["valueQuantity"]["value"] -= 10
    data["status"] = "corrected"
    corrected.write_text(json.dumps(data, indent=2) + "\n")
    old_receipt = Receipt.load(receipts / glucose.with_suffix(".receipt.json").name)
    amend_record(
        anchor_contract=signed_anchor,
        old_receipt=old_receipt,
        new_record=corrected,
        salt_store=salts,
        out=receipts / corrected.with_suffix(".receipt.json").name,
    )
    report.story.append(
        "the lab corrected the glucose result: the hospital anchored the new version and linked it "
        "(amendInBatch) — the old one stays on record, marked superseded"
    )

    for path in (records[0], glucose):  # the auditor receives record, salt and receipt from the hospital
        verdict = verify_record(
            anchor_contract=signed_anchor,
            chain_id=provider.chain_id,
            record=RecordFile.read(path),
            salt=salts.get(RecordFile.read(path)),
            receipt=Receipt.load(receipts / path.with_suffix(".receipt.json").name),
        )
        message = re.sub(r"0x[0-9a-fA-F]{40,64}", lambda m: _short(m.group(0)), verdict.message)
        report.story.append(f"{auditor_name} verified {path.name} with its receipt and salt: {message}")
    return [Receipt.load(receipts / p.with_suffix(".receipt.json").name) for p in records if p != glucose]


def _consent_story(
    report: DemoReport, consent: Any, provider: Any, hospital: Any, insurer: Any, *, patient: Any, unconscious: Any
) -> None:
    """A patient consents off line; the hospital relays; one consent is revoked; a break-glass access."""
    domain = domain_of(consent, provider.chain_id)
    now = provider.get_block("latest").timestamp
    year = now + 365 * 86400
    wanted = [
        (hospital, Purpose.TREAT, CLINICAL_CATEGORIES),
        (insurer, Purpose.HPAYMT, Category.BILLING_CLAIMS),
    ]
    signed = []
    for nonce, (grantee, purposes, categories) in enumerate(wanted):
        msg = ConsentMessage(
            str(patient.address), str(grantee.address), purposes, categories, year, now, nonce, now + 86400
        )
        signed.append(SignedMessage(domain, msg, sign_with_account(ApeAccountSigner(patient), domain, msg)))
    report.story.append(
        "a patient signed two consents off line: the hospital for treatment (clinical data), "
        "the insurer for payment (billing and claims)"
    )
    relayer = ConsentRegistry(Rpc(provider.http_uri), str(consent.address), ApeAccountSigner(hospital))
    gas = [relay(relayer, s).gas_used for s in reversed(signed)]  # any order: nonces are unordered
    report.gas["grantBySig, relayed (mean)"] = sum(gas) // len(gas)
    report.story.append("the hospital relayed both signatures, paying the gas; the patient never sent a transaction")

    fhir = consent_from_chain(consent, patient.address, hospital.address, provider.chain_id, now=now)
    report.story.append(
        f"the hospital's consent as FHIR R5: Consent/{fhir['status']}, purpose "
        f"{fhir['provision'][0]['purpose'][0]['code']}, {len(fhir['provision'][0]['documentType'])} data classes"
    )

    receipt = consent.revoke(patient.address, insurer.address, sender=patient)
    report.gas["revoke"] = receipt.gas_used
    report.story.append(
        f"the patient revoked the insurer's consent: hasConsent(insurer, HPAYMT) -> "
        f"{consent.hasConsent(patient.address, insurer.address, int(Purpose.HPAYMT), int(Category.BILLING_CLAIMS))}"
    )

    receipt = consent.breakGlass(unconscious.address, reason_code("UNCONSCIOUS_ED"), sender=hospital)
    report.gas["breakGlass"] = receipt.gas_used
    expires = receipt.events.filter(consent.EmergencyAccessed)[0].expiresAt
    report.story.append(
        f"BREAK-GLASS: the hospital took emergency access to an unconscious patient (UNCONSCIOUS_ED) until "
        f"{iso(expires)}; EmergencyAccessed is on chain for auditors"
    )

    def row(p: Any, label: str, g: Any, gname: str) -> None:
        purposes, categories, until, _ = consent.consentOf(p.address, g.address)
        emergency = consent.emergencyAccessOf(p.address, g.address)
        if purposes:
            state = "active" if consent.hasConsent(p.address, g.address, purposes, categories) else "expired"
            cats = (
                "clinical (9)"
                if categories == int(CLINICAL_CATEGORIES)
                else "+".join(names(Category(categories))).lower()
            )
            report.consents.append(
                (label, gname, "+".join(names(Purpose(purposes))), cats, f"{state} to {iso(until)[:10]}")
            )
        elif emergency:
            report.consents.append(
                (label, gname, "TREAT+ETREAT", "all (emergency)", f"break-glass to {iso(emergency)[:16]}")
            )
        else:
            report.consents.append((label, gname, "-", "-", "revoked"))

    row(patient, "patient A", hospital, "Northside General Hospital")
    row(patient, "patient A", insurer, "Harbor Health Insurance")
    row(unconscious, "patient B", hospital, "Northside General Hospital")
