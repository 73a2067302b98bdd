"""Drug batch provenance from the command line.

    ape run provenance assign-prefix --account governance --prefix 9506000 --manufacturer 0xMaker
    ape run provenance commission --account maker --scan "(01)09506000134352(17)280630(10)A2606" --serials serials.txt --out A2606.proofs.json
    ape run provenance ship --account maker --batch "(01)09506000134352(10)A2606" --to 0xDistributor --serials case.txt --out case.shipment.json
    ape run provenance receive case.shipment.json --account distributor
    ape run provenance verify "]d201095060001343521728063010A2606<GS>21A0007" --proofs A2606.proofs.json
    ape run provenance dispense "<scan>" --proofs A2606.proofs.json --account pharmacy
    ape run provenance report "<scan>" --reason PACKAGING_MISMATCH --account pharmacy
    ape run provenance quarantine | release | recall --batch <0x id or scan> [--reason CODE] --account ...
    ape run provenance trace --batch <0x id or scan> --out A2606.epcis.jsonld [--proofs ...] [--schema EPCIS-JSON-Schema.json]

A batch is named by its 0x batch id or by a scan carrying GTIN (01) and lot (10). Scans may be
bracketed element strings or the raw DataMatrix string; type the GS separator as <GS>.
"""

from __future__ import annotations

from pathlib import Path

import click

from medchain.cli import (
    ADDRESS,
    REASON_CODE,
    Group,
    Session,
    account_option,
    deployment_option,
    page_option,
    yes_option,
)

reason_option = click.option(
    "--reason", required=True, type=REASON_CODE, help="A short code such as PACKAGING_MISMATCH (never free text)"
)
batch_option = click.option("--batch", "batch", required=True, help="0x batch id, or a scan with (01) and (10)")


def _contract(network, deployment, account=None, yes=False):
    """The deployment's DrugProvenance (the SDK's), signed by ``account`` if given."""
    return Session(network, deployment, account=account, yes=yes).contract("DrugProvenance")


def _hex(data: bytes) -> str:
    return "0x" + bytes(data).hex()


@click.group(cls=Group)
def cli():
    """Drug batch provenance: assign-prefix, commission, ship, receive, verify, dispense, report, quarantine, release,
    recall, trace."""


@cli.command("assign-prefix")
@account_option()
@click.option("--prefix", help="The GS1 company prefix, 6 to 12 digits (leading zeros count)")
@click.option("--gtin", help="Or a GTIN of the brand: its prefix by GS1's prefix-length table (biip)")
@click.option("--manufacturer", required=True, type=ADDRESS, help="The active manufacturer GS1 licensed the prefix to")
@deployment_option
@yes_option
def assign_prefix_cmd(network, account, prefix, gtin, manufacturer, deployment, yes):
    """Assign (or reassign) a GS1 company prefix to its brand owner (the consortium registry's admin):
    from then on only that manufacturer commissions batches of the GTINs under it."""
    from medchain.provenance import (
        ProvenanceInputError,
        assign_prefix,
        company_prefix,
        company_prefix_of_gtin,
        gtin_owner,
    )

    if bool(prefix) == bool(gtin):
        raise ProvenanceInputError("give exactly one of --prefix and --gtin")
    chosen = company_prefix(prefix) if prefix else company_prefix_of_gtin(gtin)
    contract = _contract(network, deployment, account, yes)
    receipt = assign_prefix(contract, chosen, manufacturer)
    example = f"; GTIN {gtin} now belongs to {gtin_owner(contract, gtin).owner}" if gtin else ""
    click.echo(
        f"company prefix {chosen.digits} ({chosen.length} digits) assigned to {manufacturer} "
        f"(tx {receipt.transaction_hash}){example}"
    )


@cli.command("commission")
@account_option()
@click.option("--scan", help="A scan of the batch's GTIN (01), expiry (17) and lot (10); or give the three below")
@click.option("--gtin")
@click.option("--lot")
@click.option("--expiry", type=click.DateTime(formats=["%Y-%m-%d"]), help="YYYY-MM-DD, the date printed on the packs")
@click.option(
    "--serials",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The batch's serial numbers, one per line",
)
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the proofs file that travels with the batch",
)
@deployment_option
@yes_option
def commission_cmd(network, account, scan, gtin, lot, expiry, serials, out, deployment, yes):
    """Commission a batch (an active manufacturer): its serials' Merkle root goes on chain."""
    from medchain.provenance import ProvenanceInputError, SerialProofs, commission, parse_scan, read_serial_list

    if scan:
        product = parse_scan(scan)
        product.require("expiry", "lot")
        g, lot_no, e = product.gtin, product.lot, product.expiry
    else:
        if not (gtin and lot and expiry):
            raise ProvenanceInputError("give --scan, or all of --gtin, --lot and --expiry")
        g, lot_no, e = gtin, lot, expiry.date()
    proofs = SerialProofs.build(g, lot_no, e, read_serial_list(serials))
    contract = _contract(network, deployment, account, yes)
    proofs.save(out)  # before sending: the proofs must never be lost
    receipt = commission(contract, proofs)
    click.echo(
        f"commissioned batch {_hex(proofs.batch_id)}: GTIN {proofs.gtin} lot {proofs.lot} expiry "
        f"{proofs.expiry.isoformat()}, {proofs.quantity} units (tx {receipt.transaction_hash}, gas {receipt.gas_used:,}); "
        f"proofs in {out}"
    )


@cli.command("ship")
@account_option()
@batch_option
@click.option(
    "--to", "to", required=True, type=ADDRESS, help="An active distributor or pharmacy, or the manufacturer (a return)"
)
@click.option(
    "--serials",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The serial numbers of the packs shipped, one per line (the shipment commits to them)",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The shipment file to pass along with the goods (default: shipment-<id>.json)",
)
@deployment_option
@yes_option
def ship_cmd(network, account, batch, to, serials, out, deployment, yes):
    """Ship packs you hold; they are in transit until the addressee receives them (or you cancel)."""
    from medchain.provenance import ShipmentManifest, parse_batch_ref, read_serial_list, ship

    bid = parse_batch_ref(batch)
    units = ShipmentManifest.of_serials(read_serial_list(serials))
    contract = _contract(network, deployment, account, yes)
    receipt, shipment = ship(contract, bid, to, units)
    out = out or Path(f"shipment-{bytes(shipment).hex()[:16]}.json")
    shipment.save(out)
    click.echo(
        f"shipped {units.quantity} units of {_hex(bid)} to {to}: shipment {_hex(bytes(shipment))} "
        f"(tx {receipt.transaction_hash}, gas {receipt.gas_used:,}); shipment file {out}"
    )


@cli.command("receive")
@account_option()
@click.argument("shipment", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@deployment_option
@yes_option
def receive_cmd(network, account, shipment, deployment, yes):
    """Receive a shipment addressed to you (its shipment file, from the shipper)."""
    from medchain.provenance import Shipment, receive

    loaded = Shipment.load(shipment)
    contract = _contract(network, deployment, account, yes)
    receipt = receive(contract, loaded)
    click.echo(
        f"received shipment {_hex(bytes(loaded))} of batch {_hex(loaded.batch_id)}: you now hold "
        f"{contract.balanceOf(account.address, loaded.batch_id)} units (tx {receipt.transaction_hash})"
    )


@cli.command("verify")
@click.argument("scan")
@click.option("--proofs", required=True, type=click.Path(dir_okay=False, path_type=Path))
@deployment_option
def verify_cmd(network, scan, proofs, deployment):
    """What the scanner asks before dispensing: GENUINE, or why not. Exits 1 unless GENUINE."""
    from medchain.provenance import SerialProofs, UnitStatus, unit_from_scan, verify_unit

    unit = unit_from_scan(scan, SerialProofs.load(proofs))
    contract = _contract(network, deployment)
    status = verify_unit(contract, unit)
    click.echo(f"{unit.scan.as_hri()}: {status.name}")
    if status is not UnitStatus.GENUINE:
        raise SystemExit(1)


@cli.command("dispense")
@account_option()
@click.argument("scan")
@click.option("--proofs", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--shipment",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The file of the shipment you received that carried the pack",
)
@deployment_option
@yes_option
def dispense_cmd(network, account, scan, proofs, shipment, deployment, yes):
    """Verify and dispense a scanned pack (an active pharmacy, out of a shipment it received)."""
    from medchain.provenance import SerialProofs, Shipment, dispense_unit, unit_from_scan

    unit = unit_from_scan(scan, SerialProofs.load(proofs))
    received = Shipment.load(shipment)
    contract = _contract(network, deployment, account, yes)
    receipt = dispense_unit(contract, unit, received)
    click.echo(
        f"dispensed {unit.scan.as_hri()} (tx {receipt.transaction_hash}, gas {receipt.gas_used:,}); "
        f"revertible for 10 days"
    )


@cli.command("report")
@account_option()
@click.argument("target")
@reason_option
@deployment_option
@yes_option
def report_cmd(network, account, target, reason, deployment, yes):
    """Report a suspect pack (a scan with a serial) or batch; the batch is quarantined."""
    from medchain.access import decode_reason
    from medchain.provenance import parse_suspect_ref, report_suspect

    bid, serial = parse_suspect_ref(target)
    contract = _contract(network, deployment, account, yes)
    _receipt, quarantined = report_suspect(contract, bid, serial, reason=reason)
    click.echo(
        f"reported {'unit ' + _hex(serial) + ' of ' if any(serial) else ''}batch {_hex(bid)} as suspect "
        f"({decode_reason(reason)}); {'the batch is now QUARANTINED' if quarantined else 'the batch was already held'}"
    )


def _decide(network, account, batch, deployment, yes, action: str, reason: bytes | None = None) -> None:
    """Quarantine, release or recall a batch (``action``), and say so."""
    from medchain.access import decode_reason
    from medchain.provenance import parse_batch_ref, quarantine_batch, recall_batch, release_batch

    bid = parse_batch_ref(batch)
    contract = _contract(network, deployment, account, yes)
    if action == "quarantine":
        quarantine_batch(contract, bid, reason=reason)
    elif action == "recall":
        recall_batch(contract, bid, reason=reason)
    else:
        release_batch(contract, bid)
    done = {"quarantine": "QUARANTINED", "release": "released", "recall": "RECALLED"}[action]
    click.echo(f"batch {_hex(bid)} {done}" + (f" ({decode_reason(reason)})" if reason is not None else ""))


@cli.command("quarantine")
@account_option()
@batch_option
@reason_option
@deployment_option
@yes_option
def quarantine_cmd(network, account, batch, reason, deployment, yes):
    """Quarantine a batch (a holder of it, or a regulator)."""
    _decide(network, account, batch, deployment, yes, "quarantine", reason)


@cli.command("release")
@account_option()
@batch_option
@deployment_option
@yes_option
def release_cmd(network, account, batch, deployment, yes):
    """Release a quarantined batch (a regulator)."""
    _decide(network, account, batch, deployment, yes, "release")


@cli.command("recall")
@account_option()
@batch_option
@reason_option
@deployment_option
@yes_option
def recall_cmd(network, account, batch, reason, deployment, yes):
    """Recall a batch for good (its manufacturer, or a regulator)."""
    _decide(network, account, batch, deployment, yes, "recall", reason)


@cli.command("trace")
@batch_option
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Default: print the document")
@click.option(
    "--proofs",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The batch's proofs file: units then appear by serial number",
)
@click.option("--from-block", type=click.IntRange(min=0), help="Default: the block DrugProvenance was deployed in")
@page_option(5_000)
@click.option(
    "--schema",
    type=click.Path(dir_okay=False, path_type=Path),
    help="GS1's EPCIS-JSON-Schema.json: validate the document against it",
)
@deployment_option
def trace_cmd(network, batch, out, proofs, from_block, page, schema, deployment):
    """Export a batch's custody trail as an EPCIS 2.0 JSON-LD document."""
    import json

    from medchain.jsonfiles import load_json
    from medchain.provenance import SerialProofs, parse_batch_ref, trace_batch, validate

    bid = parse_batch_ref(batch)
    proof_file = SerialProofs.load(proofs) if proofs else None
    session = Session(network, deployment)
    address = session.contract("DrugProvenance").address
    if from_block is None:
        from_block = session.block("DrugProvenance")
    document = trace_batch(
        session.rpc,
        address,
        bid,
        chain_id=session.manifest.chain_id,
        from_block=from_block,
        page=page,
        proofs=proof_file,
        progress=lambda line: click.echo(line, err=True),
    )
    if schema:
        problems = validate(document, load_json(schema, click.ClickException))
        if problems:
            raise click.ClickException("the document does not validate:\n  " + "\n  ".join(problems[:20]))
        click.echo(f"valid against {schema}", err=True)
    text = json.dumps(document, indent=2) + "\n"
    if out:
        out.write_text(text, encoding="utf-8")
        click.echo(
            f"{len(document['epcisBody']['eventList'])} EPCIS events of batch {_hex(bid)} in {out} "
            f"(head block {session.rpc.block_number()})"
        )
    else:
        click.echo(text, nl=False)
