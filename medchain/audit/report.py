"""The audit report: one self-contained HTML file (charts as inline SVG, no script, nothing fetched).

Charts (matplotlib, rendered offline to SVG and embedded):

* claims by outcome over time (approved, partial, pending funds, denied, rejected, settled);
* payouts per provider and per insurer;
* refusal and adjustment reasons (CARC codes);
* consents granted, revoked and break-glass accesses over time;
* drug batch custody timelines, with holds and recalls marked;

then the recalls, the findings of every consistency rule with the events that prove them, event
counts, and the deployment's identity (chain id, contracts and addresses, block range covered).
"""

from __future__ import annotations

import datetime as dt
import html
import io
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..claims.client import reason_text
from ..extras import missing_extra
from .checks import RULES, Finding
from .store import Store
from .suite import Suite
from .trail import display, iso

OUTCOMES = {1: "pending funds", 2: "approved", 3: "partial", 4: "denied"}
COLOURS = {
    "approved": "#2e7d32",
    "partial": "#9e9d24",
    "pending funds": "#f9a825",
    "denied": "#c62828",
    "rejected": "#6a1b9a",
    "settled": "#1565c0",
}
CUSTODY = {
    "BatchCommissioned": ("o", "#2e7d32"),
    "Shipped": (">", "#1565c0"),
    "Received": ("s", "#00838f"),
    "Dispensed": ("v", "#6a1b9a"),
    "DispenseReverted": ("^", "#8d6e63"),
    "SuspectReported": ("X", "#ef6c00"),
    "Quarantined": ("D", "#f9a825"),
    "Released": ("d", "#9e9d24"),
    "Recalled": ("*", "#c62828"),
}


def _pyplot() -> Any:
    try:
        import matplotlib
    except ImportError as err:
        raise missing_extra("audit", err) from None

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"svg.fonttype": "none", "font.size": 9, "axes.spines.top": False, "axes.spines.right": False})
    return plt


def _svg(fig: Any) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight")
    _pyplot().close(fig)
    text = buffer.getvalue()
    return re.sub(r"<metadata>.*?</metadata>", "", text[text.index("<svg") :], flags=re.DOTALL)


def _day(ts: int) -> dt.date:
    return dt.datetime.fromtimestamp(ts, tz=dt.UTC).date()


def _empty(plt: Any, message: str) -> str:
    fig, ax = plt.subplots(figsize=(7, 1.2))
    ax.axis("off")
    ax.text(0.5, 0.5, message, ha="center", va="center", color="#555")
    return _svg(fig)


def chart_claims_over_time(store: Store) -> str:
    plt = _pyplot()
    counts: dict[dt.date, Counter] = defaultdict(Counter)
    for e in store.events("ClaimSettlement", ["ClaimAdjudicated", "ClaimRejected", "ClaimDenied", "ClaimSettled"]):
        label = {"ClaimRejected": "rejected", "ClaimDenied": "denied", "ClaimSettled": "settled"}.get(
            e.event, OUTCOMES.get(e.args.get("outcome", 0), "other")
        )
        counts[_day(e.time)][label] += 1
    if not counts:
        return _empty(plt, "no claims")
    days = sorted(counts)
    fig, ax = plt.subplots(figsize=(7.5, 3))
    bottom = [0] * len(days)
    for label, colour in COLOURS.items():
        values = [counts[d][label] for d in days]
        if any(values):
            ax.bar([d.isoformat() for d in days], values, bottom=bottom, label=label, color=colour)
            bottom = [b + v for b, v in zip(bottom, values)]
    ax.set_ylabel("claims")
    ax.set_title("Claims by outcome, per day (UTC)")
    ax.legend(ncols=3, fontsize=8, frameon=False)
    fig.autofmt_xdate()
    return _svg(fig)


def chart_payouts(store: Store, decimals: int) -> str:
    plt = _pyplot()
    insurer_of = {e["claimId"]: e["insurer"] for e in store.events("ClaimSettlement", ["ClaimSubmitted"])}
    by_provider: Counter = Counter()
    by_insurer: Counter = Counter()
    for e in store.events("ClaimSettlement", ["ClaimSettled"]):
        amount = e["amount"] / 10**decimals
        by_provider[e["provider"]] += amount
        by_insurer[insurer_of.get(e["claimId"], "unknown")] += amount
    if not by_provider:
        return _empty(plt, "no claims paid")
    fig, (left, right) = plt.subplots(1, 2, figsize=(8, 2.6))
    for ax, data, title, colour in (
        (left, by_insurer, "Paid out, per insurer", "#1565c0"),
        (right, by_provider, "Paid to, per provider", "#2e7d32"),
    ):
        names = [display(k, True) if k.startswith("0x") else k for k in data]
        ax.barh(names, list(data.values()), color=colour)
        ax.set_title(title)
        ax.set_xlabel(f"tokens ({decimals} decimals)")
    fig.tight_layout()
    return _svg(fig)


def chart_reasons(store: Store) -> str:
    plt = _pyplot()
    reasons: Counter = Counter()
    for e in store.events("ClaimSettlement", ["ClaimRejected", "ClaimDenied", "ClaimAdjudicated"]):
        code = e["reasonCode"]
        if e.event == "ClaimAdjudicated" and (e["outcome"] not in (3, 4) or not code):
            continue
        kind = {"ClaimRejected": "rejected", "ClaimDenied": "denied by insurer"}.get(e.event, "adjusted")
        reasons[f"{reason_text(code)} ({kind})"] += 1
    if not reasons:
        return _empty(plt, "no refusals or adjustments")
    fig, ax = plt.subplots(figsize=(7, 0.45 * len(reasons) + 0.9))
    items = reasons.most_common()
    ax.barh([k for k, _ in items][::-1], [v for _, v in items][::-1], color="#c62828")
    ax.set_xlabel("claims")
    ax.set_title("Refusal and adjustment reasons (CARC)")
    return _svg(fig)


def chart_consents(store: Store) -> str:
    plt = _pyplot()
    series = {"ConsentGranted": "granted", "ConsentRevoked": "revoked", "EmergencyAccessed": "break-glass"}
    counts: dict[dt.date, Counter] = defaultdict(Counter)
    for e in store.events("ConsentRegistry", list(series)):
        counts[_day(e.time)][series[e.event]] += 1
    if not counts:
        return _empty(plt, "no consent events")
    days = sorted(counts)
    fig, ax = plt.subplots(figsize=(7.5, 2.8))
    width = 0.27
    for i, (label, colour) in enumerate((("granted", "#2e7d32"), ("revoked", "#6d4c41"), ("break-glass", "#c62828"))):
        ax.bar(
            [n + (i - 1) * width for n in range(len(days))],
            [counts[d][label] for d in days],
            width=width,
            label=label,
            color=colour,
        )
    ax.set_xticks(range(len(days)), [d.isoformat() for d in days])
    ax.set_ylabel("events")
    ax.set_title("Consents granted and revoked, and break-glass accesses, per day (UTC)")
    ax.legend(frameon=False, fontsize=8)
    return _svg(fig)


def chart_custody(store: Store) -> str:
    plt = _pyplot()
    batches: dict[str, list] = defaultdict(list)
    for e in store.events("DrugProvenance", list(CUSTODY)):
        batches[e["batchId"]].append(e)
    if not batches:
        return _empty(plt, "no drug batches")
    fig, ax = plt.subplots(figsize=(8, 0.6 * len(batches) + 1.4))
    seen = set()
    labels = []
    for row, (batch, events) in enumerate(batches.items()):
        times = [dt.datetime.fromtimestamp(e.time, tz=dt.UTC) for e in events]
        ax.plot([min(times), max(times)], [row, row], color="#bbb", zorder=1)
        for e, t in zip(events, times):
            marker, colour = CUSTODY[e.event]
            ax.scatter(
                [t],
                [row],
                marker=marker,
                color=colour,
                s=60 if e.event == "Recalled" else 30,
                zorder=2,
                label=None if e.event in seen else e.event,
            )
            seen.add(e.event)
        labels.append(display(batch, True))
    import matplotlib.dates as mdates

    first = min(e.time for events in batches.values() for e in events)
    last = max(e.time for events in batches.values() for e in events)
    if last - first < 60:  # all within a minute (a demo's chain): a window the date locator can divide
        ax.set_xlim(dt.datetime.fromtimestamp(first - 30, tz=dt.UTC), dt.datetime.fromtimestamp(last + 30, tz=dt.UTC))
    locator = mdates.AutoDateLocator(maxticks=6)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.set_yticks(range(len(labels)), labels)
    ax.set_ylim(-0.6, len(labels) - 0.4)
    ax.set_title("Drug batch custody timelines (holds and recalls marked)")
    ax.legend(fontsize=7, frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return _svg(fig)


# ---------------------------------------------------------------------------------------------


def _table(headers: Iterable[str], rows: Iterable[Iterable[Any]], cls: str = "") -> str:
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>" for row in rows)
    return f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2rem auto;max-width:1000px;color:#222;padding:0 1rem}
h1{margin-bottom:.2rem} h2{border-bottom:2px solid #1565c0;padding-bottom:.2rem;margin-top:2.2rem}
table{border-collapse:collapse;width:100%;font-size:.85rem;margin:.6rem 0} th,td{border:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f6fa} code,.mono{font-family:ui-monospace,Menlo,monospace;font-size:.8rem;word-break:break-all}
figure.chart{margin:1rem 0} figure.chart svg{max-width:100%;height:auto} figcaption{font-size:.8rem;color:#555}
.violation{color:#b71c1c;font-weight:bold} .warning{color:#e65100;font-weight:bold} .notice{color:#1565c0;font-weight:bold}
.ok{color:#2e7d32;font-weight:bold} .summary{display:flex;gap:1rem;flex-wrap:wrap} .summary div{background:#f3f6fa;padding:.6rem 1rem;border-radius:6px}
"""


def _figure(chart_id: str, svg: str, caption: str) -> str:
    return f'<figure class="chart" id="{chart_id}">{svg}<figcaption>{html.escape(caption)}</figcaption></figure>'


def _blocks_covered(first: int, head: Any, low: int | None, high: int | None) -> str:
    """``117 to 240 (events in 118 to 239)``; an index without events or a head says so, never ``None``."""
    if head is None:
        return f"from {first}: not synced yet (no block read)"
    events = f"events in {low} to {high}" if low is not None else "no event in these blocks"
    return f"{first} to {head} ({events})"


def build_report(
    store: Store, suite: Suite, findings: list[Finding], *, decimals: int = 6, generated: dt.datetime | None = None
) -> str:
    """The report's HTML."""
    generated = generated or dt.datetime.now(tz=dt.UTC)
    low, high = store.block_range()
    meta = store.meta()
    contracts = store.contracts()
    counts = store.conn.execute(
        "SELECT contract, event, COUNT(*) FROM events GROUP BY contract, event ORDER BY contract, event"
    ).fetchall()
    total = sum(n for _, _, n in counts)
    times = store.conn.execute("SELECT MIN(time), MAX(time) FROM events").fetchone()
    violations = sum(f.severity == "violation" for f in findings)

    parts = [
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>medchain audit report</title>"
        f"<style>{CSS}</style></head><body>",
        "<h1>medchain audit report</h1>",
        f"<p>Generated {generated:%Y-%m-%d %H:%M} UTC from the event index <code>{html.escape(store.url)}</code>.</p>",
        "<div class='summary'>",
        f"<div><b>{total:,}</b> events</div>",
        f"<div>blocks <b>{low if low is not None else '-'}</b> to <b>{high if high is not None else '-'}</b></div>",
        f"<div><b class='{'violation' if violations else 'ok'}'>{violations}</b> violation(s), "
        f"{len(findings)} finding(s)</div></div>",
    ]

    parts.append("<h2 id='identity'>Deployment</h2>")
    parts.append(
        _table(
            ["field", "value"],
            [
                ("chain id", suite.chain_id),
                ("network", suite.manifest.network),
                ("manifest", suite.path),
                ("deployed at", suite.manifest.deployed_at),
                ("commit", suite.manifest.commit or "-"),
                ("governance", suite.manifest.governance),
                ("blocks covered", _blocks_covered(suite.first_block, meta.get("head", high), low, high)),
                ("time covered", f"{iso(times[0])} to {iso(times[1])}" if times[0] else "-"),
                ("index synced at", iso(int(meta["synced_at"])) if "synced_at" in meta else "-"),
            ],
        )
    )
    parts.append(
        _table(
            ["contract", "address", "deployed in block", "indexed to block"],
            [(n, a, d, s) for n, (a, d, s) in sorted(contracts.items())],
            "mono",
        )
    )

    parts.append("<h2 id='claims'>Claims</h2>")
    parts.append(
        _figure(
            "chart-claims-outcomes",
            chart_claims_over_time(store),
            "Adjudication outcomes at submission, rejections, insurer denials and settlements per day.",
        )
    )
    parts.append(
        _figure(
            "chart-payouts",
            chart_payouts(store, decimals),
            "Settled amounts per insurer (from the claims' submissions) and per provider.",
        )
    )
    parts.append(
        _figure(
            "chart-denial-reasons",
            chart_reasons(store),
            "Why claims were refused at submission, denied by the insurer, or paid less.",
        )
    )

    parts.append("<h2 id='consents'>Consents</h2>")
    parts.append(
        _figure(
            "chart-consents",
            chart_consents(store),
            "Consents granted and revoked, and emergency (break-glass) accesses.",
        )
    )

    parts.append("<h2 id='custody'>Drug batches</h2>")
    parts.append(
        _figure(
            "chart-custody",
            chart_custody(store),
            "Each batch's events from commissioning on; diamonds are quarantines, stars recalls.",
        )
    )
    recalls = list(store.events("DrugProvenance", ["Recalled"]))
    parts.append(
        "<h3>Recalls</h3>"
        + (
            _table(
                ["time (UTC)", "block", "batch", "by", "reason", "tx"],
                [
                    (iso(e.time), e.block, e["batchId"], e["by"], display(e["reasonCode"], False), e.tx_hash)
                    for e in recalls
                ],
                "mono",
            )
            if recalls
            else "<p>No recalls.</p>"
        )
    )

    parts.append("<h2 id='findings'>Findings of the consistency checks</h2>")
    for rule, description in RULES.items():
        mine = [f for f in findings if f.rule == rule]
        status = "<span class='ok'>no finding</span>" if not mine else f"{len(mine)} finding(s)"
        parts.append(f"<h3>{html.escape(rule)}: {html.escape(description)} — {status}</h3>")
        for f in mine:
            parts.append(f"<p><span class='{f.severity}'>{f.severity.upper()}</span> {html.escape(f.message)}</p>")
            parts.append(
                _table(
                    ["block", "log", "contract", "event", "tx"],
                    [(e.block, e.log_index, e.contract, e.event, e.tx_hash) for e in f.events],
                    "mono",
                )
            )

    parts.append("<h2 id='events'>Events indexed</h2>")
    parts.append(_table(["contract", "event", "count"], counts))
    parts.append("</body></html>")
    return "\n".join(parts)


def write_report(path: Path, store: Store, suite: Suite, findings: list[Finding], **kwargs: Any) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(build_report(store, suite, findings, **kwargs), encoding="utf-8")
    return path
