"""What an observer links to one patient address from events alone, over the scenario's index."""

from __future__ import annotations

from medchain.audit import Store
from medchain.audit.linkage import linkage


def test_observer_links_a_patient_to_insurer_providers_services_and_drugs(scenario):
    with Store(scenario.db_url) as store:
        b = linkage(store, scenario.patient_b.address)
    insurer, hospital = scenario.insurer.address.lower(), scenario.hospital.address.lower()
    assert "insurer" in b.counterparties[insurer]
    assert "emergency access" in b.counterparties[hospital]
    assert b.policies and b.services, "claims under the patient's policies are dated and priced in the clear"
    assert all(amount > 0 for _, _, amount in b.services)
    assert b.facts() >= len(b.counterparties) + len(b.services)
    assert b.patient in b.summary() and "fact(s)" in b.summary()


def test_two_addresses_of_one_patient_share_nothing_an_observer_can_join(scenario):
    with Store(scenario.db_url) as store:
        a = linkage(store, scenario.patient_a.address)
        b = linkage(store, scenario.patient_b.address)
    assert not a.policies & b.policies
    assert not {s for s in a.services} & {s for s in b.services}


def test_an_address_the_chain_never_saw_links_to_nothing(scenario):
    with Store(scenario.db_url) as store:
        nobody = linkage(store, "0x" + "ab" * 20)
    assert nobody.events == 0 and nobody.facts() == 0
