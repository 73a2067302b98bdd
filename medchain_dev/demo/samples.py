"""Synthetic FHIR R5 records for demos and tests: plausible clinical content, no real person.

The patient is referred to by an opaque ``urn:uuid`` only: no names, no record numbers.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"


def encounter_bundle(seed: int = 1) -> dict[str, Any]:
    """A Bundle of one outpatient encounter: the encounter, two lab results, a condition, a medication."""
    ns = uuid.UUID(int=seed)
    patient = f"urn:uuid:{uuid.uuid5(ns, 'patient')}"
    encounter = f"urn:uuid:{uuid.uuid5(ns, 'encounter')}"
    day = f"2026-11-{10 + seed % 18:02d}"

    def entry(kind: str, resource: dict[str, Any]) -> dict[str, Any]:
        return {"fullUrl": f"urn:uuid:{uuid.uuid5(ns, kind)}", "resource": resource}

    def lab(code: str, display: str, value: float, unit: str) -> dict[str, Any]:
        return {
            "resourceType": "Observation",
            "status": "final",
            "category": [
                {
                    "coding": [
                        {"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "laboratory"}
                    ]
                }
            ],
            "code": {"coding": [{"system": LOINC, "code": code, "display": display}]},
            "subject": {"reference": patient},
            "encounter": {"reference": encounter},
            "effectiveDateTime": f"{day}T09:30:00Z",
            "valueQuantity": {"value": value, "unit": unit, "system": "http://unitsofmeasure.org", "code": unit},
        }

    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            entry(
                "encounter",
                {
                    "resourceType": "Encounter",
                    "status": "completed",
                    "class": [
                        {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "AMB"}]}
                    ],
                    "subject": {"reference": patient},
                    "actualPeriod": {"start": f"{day}T09:00:00Z", "end": f"{day}T09:45:00Z"},
                },
            ),
            entry("hba1c", lab("4548-4", "Hemoglobin A1c/Hemoglobin.total in Blood", 6.9 + seed % 5 / 10, "%")),
            entry("glucose", lab("2345-7", "Glucose [Mass/volume] in Serum or Plasma", 131 + seed % 9, "mg/dL")),
            entry(
                "condition",
                {
                    "resourceType": "Condition",
                    "clinicalStatus": {
                        "coding": [
                            {"system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "active"}
                        ]
                    },
                    "code": {"coding": [{"system": SNOMED, "code": "44054006", "display": "Diabetes mellitus type 2"}]},
                    "subject": {"reference": patient},
                    "encounter": {"reference": encounter},
                },
            ),
            entry(
                "medication",
                {
                    "resourceType": "MedicationRequest",
                    "status": "active",
                    "intent": "order",
                    "medication": {
                        "concept": {
                            "coding": [
                                {
                                    "system": "http://www.nlm.nih.gov/research/umls/rxnorm",
                                    "code": "860975",
                                    "display": "metformin 500 MG Oral Tablet",
                                }
                            ]
                        }
                    },
                    "subject": {"reference": patient},
                    "encounter": {"reference": encounter},
                },
            ),
        ],
    }


def write_entries(bundle: dict[str, Any], folder: Path) -> list[Path]:
    """Write each entry's resource as its own record file (``01-Encounter.json``, ...)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, entry in enumerate(bundle["entry"], 1):
        resource = entry["resource"]
        path = folder / f"{i:02d}-{resource['resourceType']}.json"
        path.write_text(json.dumps(resource, indent=2) + "\n", encoding="utf-8")
        paths.append(path)
    return paths
