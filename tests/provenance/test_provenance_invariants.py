"""Stateful property test of DrugProvenance's custody (its NatSpec lists the invariants):

for every batch, commissioned = Σ held + in transit, over random ship / receive / cancel / dispense /
revertDispense / recall sequences; balances match a Python model; every shipment commits to the serials it
carries (each holder ships packs of its own stock); the pharmacy dispenses a serial exactly when a shipment
it received carried it (any other is refused, naming the shipment); a recalled batch never moves again; a
unit is never dispensed twice at a time.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from medchain.access import reason_code
from medchain.provenance import cancel_shipment, recall_batch, receive, serial_hash, ship
from tests.conftest import as_sdk
from tests.provenance.conftest import commission, make_batch, reverts

UNITS = 12


@pytest.mark.property
def test_quantities_are_conserved(chain, provenance, manufacturer, distributor, pharmacy, regulator):
    batch = make_batch(chain, lot="PROP", units=UNITS)
    bid = batch.batch_id
    holders = [manufacturer, distributor, pharmacy]
    # Who may ship to whom: the distributor and pharmacy are trading partners; the maker takes returns.
    routes = [(0, 1), (0, 2), (1, 2), (1, 0), (2, 0), (2, 1)]
    serials = list(batch.proofs)

    class Custody(RuleBasedStateMachine):
        runs: list[dict[str, int]] = []

        @initialize(dispense_first=st.booleans(), ship_first=st.booleans())
        def start(self, dispense_first, ship_first):
            self.snapshot = chain.snapshot()
            # Each party drives the contract through the SDK, signing its own transactions; made anew each
            # run (the transactors count nonces, and the chain is restored between runs).
            self.party = [as_sdk(provenance, h) for h in holders]
            self.regulator = as_sdk(provenance, regulator)
            commission(provenance, manufacturer, batch)
            self.stock = {0: list(serials), 1: [], 2: []}  # the packs each holder has (its holding's serials)
            self.pending = {}  # shipment id -> (shipment, sender, to, serials)
            self.carried = {}  # serial -> a shipment received by the pharmacy that carried it
            self.received = []  # the pharmacy's received shipments
            self.dispensed: set[str] = set()
            self.recalled = False
            self.counts = {"ship": 0, "receive": 0, "cancel": 0, "dispense": 0, "revert": 0, "refused": 0}
            for to, quantity in ((1, 4), (2, 4)):  # start with stock down the chain
                self.ship((0, to), quantity / len(self.stock[0]))
                self.receive(0)
            # So that most runs can revert a dispense and receive a shipment from their first step
            # (the paths the assertion after the runs requires; random rules alone missed one in CI).
            if dispense_first:
                self.dispense(serials.index(self.stock[2][0]))
            self.ship((0, 2), 0.1)  # every run walks ship -> receive once, whatever the rules draw
            self.receive(0)
            self.ship((0, 1), 0.1)  # and ship -> cancel once (the rules alone drew no cancel in 8 runs in CI)
            self.cancel(0)
            if ship_first:
                self.ship((0, 1), 0.1)

        def teardown(self):
            for sid, (_, _, to, packs) in self.pending.items():
                assert self.regulator.shipmentOf(sid) == (holders[to].address, len(packs), 1)
            assert all(self.regulator.dispenserOf(bid, serial_hash(s)) == pharmacy.address for s in self.dispensed)
            chain.restore(self.snapshot)
            Custody.runs.append(self.counts)

        @rule(route=st.sampled_from(routes), fraction=st.floats(0.0, 1.0))
        def ship(self, route, fraction):
            sender, to = route
            if not self.stock[sender]:
                return
            quantity = max(1, round(len(self.stock[sender]) * fraction))
            packs = self.stock[sender][:quantity]
            if self.recalled:
                with reverts("DrugProvenanceBatchRecalled", batchId=bid):
                    ship(self.party[sender], bid, holders[to].address, [serial_hash(p) for p in packs])
                self.counts["refused"] += 1
                return
            _, shipment = ship(self.party[sender], bid, holders[to].address, [serial_hash(p) for p in packs])
            sid = bytes(shipment)
            assert sid not in self.pending
            self.pending[sid] = (shipment, sender, to, packs)
            del self.stock[sender][:quantity]
            self.counts["ship"] += 1

        @precondition(lambda self: self.pending)
        @rule(pick=st.integers(0, 10**6))
        def receive(self, pick):
            sid = sorted(self.pending)[pick % len(self.pending)]
            shipment, _, to, packs = self.pending[sid]
            if self.recalled:
                with reverts("DrugProvenanceBatchRecalled", batchId=bid):
                    receive(self.party[to], shipment)
                self.counts["refused"] += 1
                return
            receive(self.party[to], shipment)
            del self.pending[sid]
            self.stock[to] += packs
            if to == 2:
                self.received.append(shipment)
                self.carried.update({p: shipment for p in packs})
            self.counts["receive"] += 1

        @precondition(lambda self: self.pending)
        @rule(pick=st.integers(0, 10**6))
        def cancel(self, pick):
            sid = sorted(self.pending)[pick % len(self.pending)]
            shipment, sender, to, packs = self.pending[sid]
            with reverts("DrugProvenanceShipmentMismatch", shipmentId=sid):
                cancel_shipment(self.party[to], shipment)  # the addressee is not the shipper
            cancel_shipment(self.party[sender], shipment)
            del self.pending[sid]
            self.stock[sender] += packs
            self.counts["cancel"] += 1

        @rule(pick=st.integers(0, UNITS - 1))
        def dispense(self, pick):
            serial = serials[pick]
            hashed = serial_hash(serial)
            shipment = self.carried.get(serial) or (self.received[0] if self.received else None)
            if shipment is None:
                return
            args = (bid, hashed, batch.proof(serial), shipment.ref, shipment.manifest.proof(hashed))
            chemist = self.party[2]
            if self.recalled:
                with reverts("DrugProvenanceBatchRecalled", batchId=bid):
                    chemist.dispense(*args)
            elif serial not in self.carried:
                # Genuine, but on another holder's shelf: no shipment the pharmacy received carried it.
                with reverts("DrugProvenanceSerialNotInShipment", shipmentId=bytes(shipment), serialHash=hashed):
                    chemist.dispense(*args)
            elif serial in self.dispensed:
                with reverts("DrugProvenanceAlreadyDispensed", batchId=bid, serialHash=hashed, pharmacy=pharmacy):
                    chemist.dispense(*args)
            else:
                chemist.dispense(*args)
                self.dispensed.add(serial)
                self.counts["dispense"] += 1
                return
            self.counts["refused"] += 1

        @precondition(lambda self: self.dispensed)
        @rule(pick=st.integers(0, 10**6))
        def revert_dispense(self, pick):
            serial = sorted(self.dispensed)[pick % len(self.dispensed)]
            self.party[2].revertDispense(bid, serial_hash(serial))  # the window is 10 days
            self.dispensed.remove(serial)
            self.counts["revert"] += 1

        @precondition(lambda self: not self.recalled)
        @rule(by_regulator=st.booleans(), chance=st.integers(0, 9))
        def recall(self, by_regulator, chance):
            if chance:  # recalls are rare (and final): most runs should keep moving units
                return
            recall_batch(self.regulator if by_regulator else self.party[0], bid, reason=reason_code("RECALL"))
            self.recalled = True

        @invariant()
        def conserved(self):
            chain_held = {i: self.regulator.balanceOf(h.address, bid) for i, h in enumerate(holders)}
            assert chain_held == {i: len(packs) for i, packs in self.stock.items()}
            in_transit = sum(len(packs) for *_, packs in self.pending.values())
            assert sum(chain_held.values()) + in_transit == UNITS

    run_state_machine_as_test(
        Custody,
        settings=settings(
            settings.default,
            max_examples=min(settings.default.max_examples, 8),
            stateful_step_count=20,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
    # The runs must have moved units through every path, or the invariant proved little.
    totals = {k: sum(run[k] for run in Custody.runs) for k in Custody.runs[0]}
    assert all(totals[k] for k in ("ship", "receive", "cancel", "dispense", "revert", "refused")), totals
