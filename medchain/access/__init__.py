"""Consortium membership: roles, credentials and the ConsortiumRegistry client."""

from .codes import credential_hash, decode_reason, new_salt, reason_code
from .registry import MemberSpec, MemberStatus, RegistrationResult, member_status, register_members
from .roles import Role

__all__ = [
    "MemberSpec",
    "MemberStatus",
    "RegistrationResult",
    "Role",
    "credential_hash",
    "decode_reason",
    "member_status",
    "new_salt",
    "reason_code",
    "register_members",
]
