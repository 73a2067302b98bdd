"""The main job: deploy the suite to the local chain, register a sample consortium, show the result.

Later capabilities (consent, records, claims, provenance) extend this walk-through.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from .access import MemberSpec, Role, credential_hash, member_status, new_salt, reason_code, register_members
from .deployment import deploy_suite, manifest_path

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


@dataclass
class DemoReport:
    chain_id: int
    manifest: Path
    registry: str
    governance: str
    members: list[tuple[MemberSpec, Any]] = field(default_factory=list)  # (spec, MemberStatus)
    gas: dict[str, int] = field(default_factory=dict)
    story: list[str] = field(default_factory=list)

    def render(self) -> str:
        lines = [
            "",
            "medchain demo: consortium on a local chain",
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
        lines += ["", "what happened"]
        lines += [f"  {i}. {line}" for i, line in enumerate(self.story, 1)]
        lines += ["", "gas used"]
        lines += [f"  {op:<38} {gas:>10,}" for op, gas in self.gas.items()]
        return "\n".join(lines) + "\n"


def _short(hex_str: str) -> str:
    return f"{hex_str[:6]}…{hex_str[-4:]}"


def run_demo(
    *,
    project: Any,
    provider: Any,
    accounts: list[Any],
    network: str = "ethereum:local",
    manifest: Path | None = None,
    progress: Callable[[str], None] = lambda _msg: None,
) -> DemoReport:
    """Run the walk-through with ``accounts[0]`` as governance and the next seven as members."""
    if len(accounts) < 1 + len(SAMPLE_MEMBERS):
        raise ValueError(f"the demo needs {1 + len(SAMPLE_MEMBERS)} funded accounts, got {len(accounts)}")
    governance = accounts[0]
    path = manifest or manifest_path(network.split(":")[1] if ":" in network else network)

    result = deploy_suite(
        project=project, provider=provider, deployer=governance, governance=governance.address,
        admin_delay=0, path=path, network=network, fresh=True, progress=progress,
    )
    registry = project.ConsortiumRegistry.at(result.manifest.address_of("ConsortiumRegistry"))
    report = DemoReport(
        chain_id=provider.chain_id, manifest=path, registry=str(registry.address), governance=str(governance.address)
    )
    deploy_receipt = provider.get_receipt(result.manifest.contracts["ConsortiumRegistry"].tx)
    report.gas["deploy ConsortiumRegistry"] = deploy_receipt.gas_used
    report.story.append(f"deployed the suite; manifest written to {path}")

    specs = []
    for (name, role), account in zip(SAMPLE_MEMBERS, accounts[1:]):
        licence = f"{role.value} licence for {name}, issued 2026".encode()
        specs.append(MemberSpec(name, role, str(account.address), credential_hash(licence, new_salt())))
    progress(f"registering {len(specs)} members...")
    results = register_members(registry, governance, specs)
    gas = [provider.get_receipt(r.tx_hash).gas_used for r in results if r.registered]
    report.gas["registerMember (mean)"] = sum(gas) // len(gas)
    report.story.append(f"governance registered {len(gas)} members, one per role, each with a salted credential hash")

    # The regulator suspends the pharmacy; governance reinstates it with a renewed licence.
    pharmacy = next(s for s in specs if s.role is Role.PHARMACY)
    regulator = next(a for (_, role), a in zip(SAMPLE_MEMBERS, accounts[1:]) if role is Role.REGULATOR)
    receipt = registry.suspendMember(pharmacy.address, reason_code("LICENCE_EXPIRED"), sender=regulator)
    report.gas["suspendMember"] = receipt.gas_used
    active = registry.isActiveMember(pharmacy.address, Role.PHARMACY.id)
    report.story.append(
        f"the regulator suspended {pharmacy.name} (LICENCE_EXPIRED): isActiveMember -> {active}"
    )
    renewed = credential_hash(b"PHARMACY_ROLE licence renewed 2026", new_salt())
    registry.updateCredential(pharmacy.address, Role.PHARMACY.id, renewed, sender=governance)
    receipt = registry.reinstateMember(pharmacy.address, sender=governance)
    report.gas["reinstateMember"] = receipt.gas_used
    report.story.append(
        f"governance recorded the renewed licence and reinstated it: isActiveMember -> "
        f"{registry.isActiveMember(pharmacy.address, Role.PHARMACY.id)}"
    )
    specs[specs.index(pharmacy)] = MemberSpec(pharmacy.name, pharmacy.role, pharmacy.address, renewed)

    report.members = [(spec, member_status(registry, spec.address)) for spec in specs]
    return report
