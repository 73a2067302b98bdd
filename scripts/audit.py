"""The auditor's toolkit (medchain.audit): index the deployment's events, then query and check them.

    ape run audit sync --deployment deployments/consortium.json --network ethereum:consortium:node [--confirmations 2]
    ape run audit trail --patient 0x... | --provider 0x... | --claim 0x... | --batch 0x... | --record 0x...
                        [--since 2026-05-01] [--until ...] [--format table|csv|json]
    ape run audit check --network ...                   # exit 1 on a violation
    ape run audit report --out report.html --network ...
    ape run audit privacy-scan --pii pii.json --network ...   # exit 1 if any identifier is found
    ape run audit verify-records records/ --receipts receipts/ --salts salts.json   # exit 1 if any is bad

The index is a SQLite file by default (``--db sqlite:///.audit/<deployment>.sqlite``). ``trail`` and
``verify-records`` read only the index; the others also talk to the node.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from medchain.cli import Group, OfflineCommand, deployment_option, page_option


def _deployment(value: Path | None, network=None) -> Path:
    from medchain.deployment.manifest import manifest_path

    return value or manifest_path(network.name if network else "local")


def _db(db: str | None, deployment: Path) -> str:
    return db or f"sqlite:///{Path('.audit') / (deployment.stem + '.sqlite')}"


def _rpc(network, url: str | None):
    """The node: ``--rpc URL`` as given, else the network's (its chain id checked)."""
    from medchain.chain.rpc import Rpc

    return Rpc(url) if url else network.rpc()


def _open(deployment: Path, db: str | None, mode: str = "create"):
    """The suite and its index; ``mode`` ``ro``/``rw`` never create a database (only sync does)."""
    from medchain.audit import Store, Suite

    suite = Suite.load(deployment)
    return suite, Store(_db(db, deployment), mode=mode)


db_option = click.option("--db", help="Index database URL. Default: sqlite:///.audit/<deployment>.sqlite")
rpc_option = click.option("--rpc", "rpc_url", help="Read from this JSON-RPC URL instead of the network's node.")


@click.group(cls=Group)
def cli():
    """Index and audit a medchain deployment's event trail."""
    import atexit
    import gc

    # The command is the process's work: at exit, the interpreter's last collection would walk every
    # object ape has loaded (~0.1 s); frozen by then, they are left as they are to the process's end.
    atexit.register(gc.freeze)


@cli.command()
@deployment_option
@db_option
@rpc_option
@click.option(
    "--confirmations",
    default=0,
    show_default=True,
    help="Blocks an event must be under before it is trusted (QBFT/IBFT chains are final at 0).",
)
@page_option(64)
@click.option("--max-range", default=10_000, show_default=True, help="Largest eth_getLogs range, in blocks.")
@click.option("--to-block", type=int, help="Stop at this block (default: the head).")
def sync(network, deployment, db, rpc_url, confirmations, page, max_range, to_block):
    """Read every new event of every contract of the deployment into the index."""
    from medchain.audit import Indexer

    deployment = _deployment(deployment, network)
    suite, store = _open(deployment, db)
    with store:
        indexer = Indexer(
            store,
            _rpc(network, rpc_url),
            suite,
            confirmations=confirmations,
            page=page,
            max_range=max_range,
            progress=lambda m: click.echo(m, err=True),
        )
        click.echo(indexer.sync(to_block=to_block).summary())
        click.echo(f"index: {store.url}")


@cli.command("trail", cls=OfflineCommand)
@deployment_option
@db_option
@click.option("--patient")
@click.option("--provider", "provider_")
@click.option("--claim")
@click.option("--batch")
@click.option("--record")
@click.option("--since", help="From this date/time (UTC), e.g. 2026-05-01 or 2026-05-01T08:00:00Z")
@click.option("--until", help="Up to this date/time (UTC)")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
def trail_cmd(deployment, db, patient, provider_, claim, batch, record, since, until, fmt):
    """The full, ordered story of one subject across all contracts."""
    from medchain.audit.trail import KINDS, parse_time, render, trail

    given = {k: v for k, v in zip(KINDS, (patient, provider_, claim, batch, record)) if v}
    if len(given) != 1:
        raise click.UsageError("name exactly one subject: --patient, --provider, --claim, --batch or --record")
    ((kind, value),) = given.items()
    deployment = _deployment(deployment)
    suite, store = _open(deployment, db, "ro")
    with store:
        if not store.count():
            raise click.ClickException(f"{store.url} is empty: run `ape run audit sync` first")
        events = trail(store, kind, value, since=parse_time(since, "--since"), until=parse_time(until, "--until"))
        addresses = {n: a for n, (a, _, _) in store.contracts().items()}
        click.echo(render(events, fmt, addresses), nl=False)


@cli.command()
@deployment_option
@db_option
@rpc_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def check(network, deployment, db, rpc_url, fmt):
    """Consistency rules across contracts; exits 1 when a rule is violated, 2 when the index holds no data."""
    from medchain.audit.checks import render_findings, rule_coverage, run_checks

    deployment = _deployment(deployment, network)
    suite, store = _open(deployment, db, "rw")
    with store:
        coverage, covered = store.coverage(), rule_coverage(store)
        findings = [] if coverage.empty else run_checks(store, _rpc(network, rpc_url), suite)
    click.echo(render_findings(findings, fmt, coverage, covered), nl=False)
    if coverage.empty:
        sys.exit(2)
    if any(f.severity == "violation" for f in findings):
        sys.exit(1)


@cli.command()
@deployment_option
@db_option
@rpc_option
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=Path("report.html"), show_default=True)
@click.option("--decimals", default=6, show_default=True, help="Decimals of the settlement token.")
def report(network, deployment, db, rpc_url, out, decimals):
    """Write a self-contained HTML report with charts, findings and the deployment's identity."""
    from medchain.audit.checks import run_checks
    from medchain.audit.report import write_report

    deployment = _deployment(deployment, network)
    suite, store = _open(deployment, db, "rw")
    with store:
        if store.coverage().empty:
            raise click.ClickException(
                f"{store.url} covers {store.coverage().describe()}: run `ape run audit sync` "
                "first; no report was written"
            )
        findings = run_checks(store, _rpc(network, rpc_url), suite)
        path = write_report(out, store, suite, findings, decimals=decimals)
    click.echo(f"report written to {path.resolve()} ({len(findings)} findings)")


@cli.command("privacy-scan")
@deployment_option
@db_option
@rpc_option
@click.option(
    "--pii",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    required=True,
    help='Identifiers to look for: JSON {"name": [...], "ssn": [...]} or `kind: value` lines.',
)
@click.option(
    "--full",
    is_flag=True,
    help="Read every block again (default: only blocks after the last scan of "
    "the same identifiers, recorded in the index).",
)
def privacy_scan(network, deployment, db, rpc_url, pii, full):
    """Search every transaction input and log of the deployment for the identifiers; exits 1 on a hit.

    With an index (``audit sync``), the scan is incremental: it records there how far it read."""
    from medchain.audit import Store, StoreError, Suite
    from medchain.audit.privacy import load_pii, render_hits, scan

    deployment = _deployment(deployment, network)
    suite = Suite.load(deployment)
    identifiers = load_pii(pii)
    store = None
    if not full:
        try:
            store = Store(_db(db, deployment), mode="rw")
        except StoreError:
            if db:
                raise
            click.echo("no audit index: reading every block (run `ape run audit sync` to scan incrementally)", err=True)
    try:
        hits, stats = scan(
            _rpc(network, rpc_url), suite, identifiers, progress=lambda m: click.echo(m, err=True), store=store
        )
    finally:
        if store is not None:
            store.close()
    click.echo(render_hits(hits, stats, identifiers), nl=False)
    if hits:
        sys.exit(1)


@cli.command("verify-records", cls=OfflineCommand)
@click.argument("records", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--receipts", type=click.Path(exists=True, file_okay=False, path_type=Path), required=True)
@click.option(
    "--salts",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The provider's salt store (not needed for receipts that carry their salt).",
)
@click.option(
    "--all",
    "list_all",
    is_flag=True,
    help="List every receipt without a record file (by default: a count and the first few).",
)
@deployment_option
@db_option
def verify_records_cmd(records, receipts, salts, deployment, db, list_all):
    """Re-hash local records and check each against its anchor or batch proof in the index."""
    from medchain.audit.records import BAD, render_checks, verify_records

    deployment = _deployment(deployment)
    suite, store = _open(deployment, db, "ro")
    with store:
        checks = verify_records(store, suite, records, receipts, salts)
    click.echo(render_checks(checks, list_all=list_all), nl=False)
    if any(c.status in BAD for c in checks):
        sys.exit(1)
