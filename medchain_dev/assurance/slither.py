"""Static-analysis gate: slither over every gated contract; every finding must be triaged.

All gated sources (assurance.toml: ``contracts/`` minus ``contracts/test/``) are compiled in one
standard-JSON compilation through the project's solc launcher (the same compiler and settings as
ape), saved as a crytic-compile archive, and analysed by the slither command line. Findings in
OpenZeppelin (node_modules) are left out.

A finding is known by its detector and its description with the source locations taken out, so a
triage entry survives edits elsewhere in the file but not a change of the code it is about.

Policy (docs/assurance.md):
- High and Medium: fixed in the contract, or triaged as ``false-positive`` with the reason it
  cannot happen; ``accepted`` is refused for them.
- Low, Informational and Optimization: fixed, or triaged as ``false-positive`` or ``accepted``
  with a one-line justification.
- A finding with no triage entry fails the gate. Entries that match nothing are reported as stale.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from medchain_dev.assurance import FORGE_OUT, Config, GateError
from medchain_dev.toolchain import PROJECT_ROOT, SOLC_BIN_DIR, environment

SOLC_VERSION = "0.8.34"
REMAPPINGS = ["@openzeppelin/contracts/=node_modules/@openzeppelin/contracts/"]
# ape-config.yaml's compiler settings.
SOLC_ARGS = "--optimize --optimize-runs 10000 --evm-version cancun"
FILTER_PATHS = "node_modules"
SEVERE = {"High", "Medium"}
VERDICTS = {"false-positive", "accepted"}
_LOCATION = re.compile(r" ?\([^()\s]+\.sol#\d+(?:-\d+)?\)")


@dataclass(frozen=True)
class Finding:
    check: str
    impact: str
    confidence: str
    description: str  # as slither prints it, with source locations
    element: str  # the first element slither names, e.g. "ClaimSettlement.settle(bytes32[])"

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.check, self.description)

    @property
    def summary(self) -> str:
        return _LOCATION.sub("", self.description.strip().splitlines()[0]).strip()


def fingerprint(check: str, description: str) -> str:
    """A finding's identity: its detector and its description without line numbers."""
    text = _LOCATION.sub("", description)
    text = " ".join(text.split())
    return hashlib.sha256(f"{check}\n{text}".encode()).hexdigest()[:16]


def compile_archive(config: Config, archive: Path) -> list[str]:
    """Compiles the gated sources in one standard-JSON compilation; writes a crytic-compile zip."""
    from crytic_compile import CryticCompile, save_to_zip
    from crytic_compile.platform.solc_standard_json import SolcStandardJson

    sources = config.sources()
    if not sources:
        raise GateError(f"no Solidity sources under {config.contracts_root}/")
    standard_json = SolcStandardJson()
    standard_json.add_source_files(sources)
    for remapping in REMAPPINGS:
        standard_json.add_remapping(remapping)
    compilation = CryticCompile(
        standard_json,
        solc=str(SOLC_BIN_DIR / f"solc-v{SOLC_VERSION}"),
        solc_args=SOLC_ARGS,
        solc_working_dir=str(PROJECT_ROOT),
    )
    archive.parent.mkdir(parents=True, exist_ok=True)
    save_to_zip([compilation], str(archive))
    return sources


def run_slither(archive: Path) -> dict:
    """Runs the slither command line on the archive; its JSON report."""
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "slither.json"
        done = subprocess.run(
            [sys.executable, "-m", "slither", str(archive), "--filter-paths", FILTER_PATHS, "--json", str(report)],
            cwd=PROJECT_ROOT,
            env=environment(),
            capture_output=True,
            text=True,
        )
        if not report.is_file():
            raise GateError(f"slither wrote no report (exit {done.returncode}):\n{done.stderr[-4000:]}")
        data = json.loads(report.read_text())
    if not data.get("success"):
        raise GateError(f"slither failed: {data.get('error')}")
    if "analyzed (0 contracts" in done.stderr:
        raise GateError("slither analysed no contract")
    return data


def findings_of(report: dict) -> list[Finding]:
    found = []
    for d in report.get("results", {}).get("detectors", []):
        elements = d.get("elements") or [{}]
        first = elements[0]
        parent = first.get("type_specific_fields", {}).get("parent", {}).get("name")
        name = first.get("name", "")
        if first.get("type") == "function":
            name = first.get("type_specific_fields", {}).get("signature", name)
        element = f"{parent}.{name}" if parent and first.get("type") != "contract" else name
        found.append(Finding(d["check"], d["impact"], d["confidence"], d["description"], element))
    return found


def load_triage(path: Path) -> list[dict]:
    """The triage entries, validated: each names its finding and gives a verdict and a justification."""
    if not path.is_file():
        raise GateError(f"no triage file {path.name}")
    data = json.loads(path.read_text())
    entries = data.get("findings")
    if not isinstance(entries, list):
        raise GateError(f"{path.name}: 'findings' must be a list")
    for i, e in enumerate(entries):
        missing = [k for k in ("check", "impact", "fingerprint", "summary", "verdict", "justification") if not e.get(k)]
        if missing:
            raise GateError(f"{path.name}: finding {i} lacks {', '.join(missing)}")
        if e["verdict"] not in VERDICTS:
            raise GateError(f"{path.name}: finding {i}: verdict must be one of {sorted(VERDICTS)}")
        if e["impact"] in SEVERE and e["verdict"] != "false-positive":
            raise GateError(
                f"{path.name}: finding {i} ({e['check']}, {e['impact']}): High and Medium findings are fixed, "
                "or triaged only as false-positive"
            )
    return entries


def judge(findings: list[Finding], triage: list[dict]) -> tuple[list[tuple[Finding, dict]], list[Finding], list[dict]]:
    """(triaged findings with their entries, untriaged findings, stale entries)."""
    by_key = {(e["check"], e["fingerprint"]): e for e in triage}
    triaged, untriaged, used = [], [], set()
    for f in findings:
        entry = by_key.get((f.check, f.fingerprint))
        if entry is None:
            untriaged.append(f)
        else:
            triaged.append((f, entry))
            used.add((f.check, f.fingerprint))
    stale = [e for e in triage if (e["check"], e["fingerprint"]) not in used]
    return triaged, untriaged, stale


def stub(f: Finding) -> dict:
    """A triage entry for `f`, for a reviewer to complete with a verdict and a justification."""
    return {
        "check": f.check,
        "impact": f.impact,
        "element": f.element,
        "fingerprint": f.fingerprint,
        "summary": f.summary,
        "verdict": "",
        "justification": "",
    }


def main(list_untriaged: bool = False) -> int:
    config = Config.load()
    triage_path = PROJECT_ROOT / config.triage_file
    archive = FORGE_OUT / "slither" / "medchain.zip"
    sources = compile_archive(config, archive)
    findings = findings_of(run_slither(archive))
    triage = load_triage(triage_path)
    triaged, untriaged, stale = judge(findings, triage)

    counts: dict[str, int] = {}
    for f in findings:
        counts[f.impact] = counts.get(f.impact, 0) + 1
    print(
        f"slither over {len(sources)} files: {len(findings)} finding(s) "
        f"({', '.join(f'{n} {impact}' for impact, n in sorted(counts.items())) or 'none'})"
    )
    order = {"High": 0, "Medium": 1, "Low": 2, "Informational": 3, "Optimization": 4}
    for f, entry in sorted(triaged, key=lambda t: (order.get(t[0].impact, 5), t[0].check, t[0].element)):
        print(f"  triaged {entry['verdict']:<14} {f.impact:<13} {f.check:<20} {f.element}")
    for e in stale:
        print(f"  stale triage entry (matches no finding now): {e['check']} {e.get('element', '')} {e['fingerprint']}")
    if list_untriaged:
        print(json.dumps([stub(f) for f in untriaged], indent=2, ensure_ascii=False))
    if untriaged:
        for f in untriaged:
            print(f"UNTRIAGED {f.impact} {f.check}: {f.description.strip()}", file=sys.stderr)
        print(
            f"slither gate FAILED: {len(untriaged)} untriaged finding(s); fix them, or add them to "
            f"{config.triage_file} with a justification (--list prints the entries to fill in)",
            file=sys.stderr,
        )
        return 1
    severe = sum(1 for f in findings if f.impact in SEVERE)
    print(f"slither gate passed: no untriaged finding; High/Medium: {severe} triaged false positive(s)")
    return 0
