"""What a public observer links to one patient address from events alone.

Anybody can read every event of the suite. Starting from one patient address, an observer follows
the identifiers the events share: the patient's consents and emergency accesses name the patient;
its policies name it; claims name the policy; a pharmacy claim names the unit's batch; the batch's
commissioning names the GTIN; disclosures name the patient. :func:`linkage` walks exactly those
joins over the audit index and says what they reach, so that the threat model can quantify it on a
real chain (``docs/threat-model.md``, "What an observer links") instead of guessing.

No secret is used: salted record hashes stay opaque, the codes hash of a claim stays opaque, and
nothing here reverses a hash. What is counted is what the events say in the clear.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .store import Store
from .trail import iso, normalize, trail

#: Consent bits, as in ConsentRegistry (purposes) and its data categories.
PURPOSES = ("TREAT", "HPAYMT", "HOPERAT", "HRESCH", "PUBHLTH", "ETREAT")
CATEGORIES = (
    "DEMOGRAPHICS",
    "ENCOUNTERS",
    "CONDITIONS",
    "MEDICATIONS",
    "LABORATORY",
    "IMAGING",
    "IMMUNIZATIONS",
    "PROCEDURES",
    "CLINICAL_NOTES",
    "GENOMICS",
    "MENTAL_HEALTH",
    "SUBSTANCE_USE",
    "SEXUAL_REPRODUCTIVE",
    "BILLING_CLAIMS",
)


def _bits(value: Any, names: tuple[str, ...]) -> set[str]:
    number = int(value)
    return {name for bit, name in enumerate(names) if number >> bit & 1}


@dataclass
class Linkage:
    """What events alone tie to one patient address."""

    patient: str
    events: int = 0
    counterparties: dict[str, set[str]] = field(default_factory=dict)  # address -> how it is linked
    purposes: set[str] = field(default_factory=set)
    categories: set[str] = field(default_factory=set)
    policies: set[str] = field(default_factory=set)
    services: list[tuple[str, str, int]] = field(default_factory=list)  # (service date, provider, billed)
    drugs: set[int] = field(default_factory=set)  # GTINs
    disclosures: int = 0

    def link(self, address: str, how: str) -> None:
        self.counterparties.setdefault(address, set()).add(how)

    def facts(self) -> int:
        """How many distinct facts an observer holds about this address (each counterparty link, consent
        bit, policy, service, drug and disclosure counts once)."""
        links = sum(len(how) for how in self.counterparties.values())
        return (
            links
            + len(self.purposes)
            + len(self.categories)
            + len(self.policies)
            + len(self.services)
            + len(self.drugs)
            + self.disclosures
        )

    def summary(self) -> str:
        sensitive = sorted(self.categories & {"MENTAL_HEALTH", "SUBSTANCE_USE", "SEXUAL_REPRODUCTIVE", "GENOMICS"})
        return (
            f"{self.patient}: {self.events} event(s), {self.facts()} fact(s): "
            f"{len(self.counterparties)} counterpart(ies), {len(self.policies)} polic(ies), "
            f"{len(self.services)} dated service(s), {len(self.drugs)} drug GTIN(s), "
            f"{self.disclosures} disclosure(s), consent categories {sorted(self.categories) or '-'}"
            + (f" (sensitive: {', '.join(sensitive)})" if sensitive else "")
        )


def linkage(store: Store, patient: str) -> Linkage:
    """Follow, from ``patient``, every join an observer can make over the events in ``store``."""
    subject = normalize("patient", patient)
    found = Linkage(subject)
    events = trail(store, "patient", subject)
    units: set[str] = set()
    for e in events:
        args = e.args
        if e.event == "ConsentGranted" and args.get("patient") == subject:
            found.link(args["grantee"], "consent")
            found.purposes |= _bits(args["purposes"], PURPOSES)
            found.categories |= _bits(args["categories"], CATEGORIES)
        elif e.event == "EmergencyAccessed" and args.get("patient") == subject:
            found.link(args["provider"], "emergency access")
        elif e.event == "DelegateSet" and args.get("patient") == subject:
            found.link(args["delegate"], "delegate")
        elif e.event == "PolicyRegistered" and args.get("patient") == subject:
            found.policies.add(args["policyId"])
            found.link(args["insurer"], "insurer")
        elif e.event == "ClaimSubmitted":
            found.link(args["provider"], "billed")
            found.services.append((iso(int(args["serviceDate"])), args["provider"], int(args["amount"])))
        elif e.event == "PharmacyClaimLinked":
            units.add(args["batchId"])
        elif e.event == "RecordDisclosed" and args.get("patient") == subject:
            found.disclosures += 1
            found.categories |= _bits(args["category"], CATEGORIES)
            found.link(args["recipient"], "disclosure recipient")
            if "discloser" in args:
                found.link(args["discloser"], "discloser")
    if units:
        for e in store.events_referencing(units):
            if e.event == "BatchCommissioned":
                found.drugs.add(int(e["gtin"]))
    found.events = len(events)
    return found
