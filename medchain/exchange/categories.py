"""The data categories of a FHIR record, for the consent check of a disclosure.

A disclosure is refused unless the patient's consent covers every category bit of the record, so the
bits are read from the record itself:

=========================================================  ======================
resource                                                   category
=========================================================  ======================
Patient, RelatedPerson                                     DEMOGRAPHICS
Encounter, EpisodeOfCare, Appointment                      ENCOUNTERS
Condition, AllergyIntolerance                              CONDITIONS
MedicationRequest, -Statement, -Administration, -Dispense  MEDICATIONS
Observation / DiagnosticReport in category laboratory      LABORATORY
  (observation-category ``laboratory``, v2-0074 ``LAB``)
Observation / DiagnosticReport in category imaging         IMAGING
  (``imaging``, v2-0074 ``RAD``), ImagingStudy
Immunization                                               IMMUNIZATIONS
Procedure                                                  PROCEDURES
Observation in any other category (vital signs, ...)       CLINICAL_NOTES
ClinicalImpression, Composition, DocumentReference         CLINICAL_NOTES
Claim, ClaimResponse, ExplanationOfBenefit, Coverage,      BILLING_CLAIMS
  Invoice
Bundle                                                     the union of its entries
=========================================================  ======================

A record labelled sensitive in ``meta.security`` (v3-ActCode ``GDIS``, ``PSY``, ``ETH``/``SUD``,
``SEX``) also carries the matching sensitive category (GENOMICS, MENTAL_HEALTH, SUBSTANCE_USE,
SEXUAL_REPRODUCTIVE): consent to laboratory data alone does not cover a labelled HIV test. A resource
type not in the table needs an explicit category (``--category``).

The category logged on chain and checked against consent is the record's own: :func:`checked_category`
derives it from the record and refuses a declared category that differs (both when sharing and when
receiving), so a label cannot be dropped by declaring less. Only a record whose category cannot be
derived (a resource type not in the table) takes the declared one, and even then every sensitivity
label in it must be declared.
"""

from __future__ import annotations

from typing import Any

from ..consent import Category

_BY_TYPE: dict[str, Category] = {
    "Patient": Category.DEMOGRAPHICS,
    "RelatedPerson": Category.DEMOGRAPHICS,
    "Encounter": Category.ENCOUNTERS,
    "EpisodeOfCare": Category.ENCOUNTERS,
    "Appointment": Category.ENCOUNTERS,
    "Condition": Category.CONDITIONS,
    "AllergyIntolerance": Category.CONDITIONS,
    "MedicationRequest": Category.MEDICATIONS,
    "MedicationStatement": Category.MEDICATIONS,
    "MedicationAdministration": Category.MEDICATIONS,
    "MedicationDispense": Category.MEDICATIONS,
    "ImagingStudy": Category.IMAGING,
    "Immunization": Category.IMMUNIZATIONS,
    "Procedure": Category.PROCEDURES,
    "ClinicalImpression": Category.CLINICAL_NOTES,
    "Composition": Category.CLINICAL_NOTES,
    "DocumentReference": Category.CLINICAL_NOTES,
    "Claim": Category.BILLING_CLAIMS,
    "ClaimResponse": Category.BILLING_CLAIMS,
    "ExplanationOfBenefit": Category.BILLING_CLAIMS,
    "Coverage": Category.BILLING_CLAIMS,
    "Invoice": Category.BILLING_CLAIMS,
}

_LAB_CODES = {"laboratory", "LAB"}
_IMAGING_CODES = {"imaging", "RAD"}

#: v3-ActCode sensitivity labels -> the sensitive category they put a record in.
SENSITIVITY: dict[str, Category] = {
    "GDIS": Category.GENOMICS,
    "PSY": Category.MENTAL_HEALTH,
    "ETH": Category.SUBSTANCE_USE,
    "SUD": Category.SUBSTANCE_USE,
    "SEX": Category.SEXUAL_REPRODUCTIVE,
}


class CategoryError(ValueError):
    """A record whose category cannot be told from its content, or a declared category that is not its own."""


class UnknownCategory(CategoryError):
    """A record of a kind the table does not cover: its category must be declared."""


def _category_codes(resource: dict[str, Any]) -> set[str]:
    concepts = resource.get("category") or []
    if isinstance(concepts, dict):  # DiagnosticReport.category is a list, but be lenient
        concepts = [concepts]
    return {
        code
        for concept in concepts
        if isinstance(concept, dict)
        for c in concept.get("coding") or []
        if isinstance(c, dict) and isinstance(code := c.get("code"), str)
    }


def _sensitive(resource: dict[str, Any]) -> Category:
    labels = (resource.get("meta") or {}).get("security") or []
    found = Category(0)
    for label in labels:
        if isinstance(label, dict) and label.get("code") in SENSITIVITY:
            found |= SENSITIVITY[label["code"]]
    return found


def category_of(resource: Any, where: str = "record") -> Category:
    """The category bits of a FHIR resource (see the module docstring); CategoryError naming ``where``."""
    if not isinstance(resource, dict) or not isinstance(resource.get("resourceType"), str):
        raise CategoryError(f"{where}: not a FHIR resource (no resourceType)")
    kind = resource["resourceType"]
    if kind == "Bundle":
        entries = [e.get("resource") for e in resource.get("entry") or [] if isinstance(e, dict)]
        if not entries:
            raise CategoryError(f"{where}: an empty Bundle has no category")
        result = _sensitive(resource)
        for i, entry in enumerate(entries):
            result |= category_of(entry, f"{where} entry[{i}]")
        return result
    if kind in ("Observation", "DiagnosticReport"):
        codes = _category_codes(resource)
        if codes & _LAB_CODES:
            base = Category.LABORATORY
        elif codes & _IMAGING_CODES:
            base = Category.IMAGING
        elif kind == "Observation":
            base = Category.CLINICAL_NOTES
        else:
            raise UnknownCategory(
                f"{where}: a DiagnosticReport that is neither laboratory nor imaging: give --category"
            )
    elif kind in _BY_TYPE:
        base = _BY_TYPE[kind]
    else:
        raise UnknownCategory(f"{where}: no data category is known for a {kind}: give --category")
    return base | _sensitive(resource)


def _labels(resource: Any) -> Category:
    """Every sensitive category labelled anywhere in ``resource`` (itself and, for a Bundle, its entries)."""
    if not isinstance(resource, dict):
        return Category(0)
    found = _sensitive(resource)
    for entry in resource.get("entry") or [] if resource.get("resourceType") == "Bundle" else []:
        if isinstance(entry, dict):
            found |= _labels(entry.get("resource"))
    return found


def _names(category: Category | int) -> str:
    return "+".join(c.name for c in Category if c.value & int(category) and c.name) or "none"


def checked_category(resource: Any, declared: Category | int | None = None, where: str = "record") -> Category:
    """The category of ``resource`` as disclosed: the one derived from it (a ``declared`` one must equal
    it), or for a kind the table does not cover the ``declared`` one, which must include every
    sensitivity label of the record. CategoryError names ``where`` and both categories."""
    try:
        derived = category_of(resource, where)
    except UnknownCategory:
        if declared is None or not int(declared):
            raise
        missing = _labels(resource) & ~Category(int(declared))
        if missing:
            raise CategoryError(
                f"{where}: labelled {_names(missing)} in meta.security, but declared "
                f"{_names(declared)}: a sensitive label cannot be declared away"
            ) from None
        return Category(int(declared))
    if declared is not None and int(declared) != int(derived):
        raise CategoryError(
            f"{where}: its category is {_names(derived)} (from its own content), not the declared {_names(declared)}"
        )
    return derived
