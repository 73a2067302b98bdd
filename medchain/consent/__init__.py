"""Patient consent: purposes and categories, EIP-712 signing and relaying, FHIR export."""

from .purposes import (
    ALL_CATEGORIES,
    ALL_PURPOSES,
    CLINICAL_CATEGORIES,
    EMERGENCY_PURPOSES,
    Category,
    Purpose,
    names,
    parse_categories,
    parse_purposes,
)
from .signing import (
    ConsentMessage,
    Domain,
    RevocationMessage,
    TypedDataSigner,
    domain_of,
    recover,
    sign,
    typed_data,
)

__all__ = [
    "ALL_CATEGORIES",
    "ALL_PURPOSES",
    "CLINICAL_CATEGORIES",
    "EMERGENCY_PURPOSES",
    "Category",
    "ConsentMessage",
    "Domain",
    "Purpose",
    "RevocationMessage",
    "TypedDataSigner",
    "domain_of",
    "names",
    "parse_categories",
    "parse_purposes",
    "recover",
    "sign",
    "typed_data",
]
