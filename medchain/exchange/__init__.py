"""Consent-gated encrypted record exchange: encryption keys, envelopes, the envelope store, sharing,
receiving, and the patient's accounting of disclosures (RecordExchange's events, as FHIR AuditEvents)."""

from .categories import CategoryError, category_of, checked_category
from .disclosures import Disclosure, audit_bundle, audit_event, read_disclosures
from .envelope import Contents, Envelope, EnvelopeError, open_envelope, seal
from .keys import ExchangeKeyError, Keyring, check_public_key, new_private_key, public_key_of, register_new_key
from .receive import Received, ReceiveRefused, receive_envelope
from .share import (
    ExchangeSuite,
    ShareItem,
    ShareRefused,
    ShareResult,
    check_share,
    parse_purpose,
    prepare_items,
    share_records,
)
from .store import EnvelopeStore, FolderStore, StoreError, envelope_id, open_store

__all__ = [
    "CategoryError",
    "Contents",
    "Disclosure",
    "Envelope",
    "EnvelopeError",
    "EnvelopeStore",
    "ExchangeKeyError",
    "ExchangeSuite",
    "FolderStore",
    "Keyring",
    "ReceiveRefused",
    "Received",
    "ShareItem",
    "ShareRefused",
    "ShareResult",
    "StoreError",
    "audit_bundle",
    "audit_event",
    "category_of",
    "checked_category",
    "check_public_key",
    "check_share",
    "envelope_id",
    "new_private_key",
    "open_envelope",
    "open_store",
    "parse_purpose",
    "prepare_items",
    "public_key_of",
    "read_disclosures",
    "register_new_key",
    "receive_envelope",
    "seal",
    "share_records",
]
