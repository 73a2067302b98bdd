"""The consortium's member roles, named as in ``contracts/access/MemberRoles.sol``."""

from __future__ import annotations

import enum

from eth_utils import keccak


class Role(enum.Enum):
    """A member role; ``role.id`` is the bytes32 the contracts use (``keccak256("<NAME>_ROLE")``).

    Declaration order is the contract's mask-bit order (bit 0 provider ... bit 6 auditor).
    """

    PROVIDER = "PROVIDER_ROLE"
    INSURER = "INSURER_ROLE"
    MANUFACTURER = "MANUFACTURER_ROLE"
    DISTRIBUTOR = "DISTRIBUTOR_ROLE"
    PHARMACY = "PHARMACY_ROLE"
    REGULATOR = "REGULATOR_ROLE"
    AUDITOR = "AUDITOR_ROLE"

    @property
    def id(self) -> bytes:
        return keccak(text=self.value)

    @property
    def bit(self) -> int:
        return 1 << list(Role).index(self)

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, value: str | bytes | Role) -> Role:
        """Accept ``"provider"``, ``"PROVIDER_ROLE"``, a role id (bytes or 0x-hex) or a Role.

        Raises ValueError naming the accepted values.
        """
        if isinstance(value, Role):
            return value
        if isinstance(value, (bytes, bytearray)) or (isinstance(value, str) and value.startswith("0x")):
            raw = bytes.fromhex(value[2:]) if isinstance(value, str) else bytes(value)
            for role in cls:
                if role.id == raw:
                    return role
        elif isinstance(value, str):
            key = value.strip().upper().removesuffix("_ROLE")
            if key in cls.__members__:
                return cls[key]
        names = ", ".join(r.label for r in cls)
        raise ValueError(f"unknown role {value!r}: expected one of {names}")

    @classmethod
    def from_mask(cls, mask: int) -> list[Role]:
        """The roles whose bits are set in a packed role mask, in bit order."""
        return [role for role in cls if mask & role.bit]
