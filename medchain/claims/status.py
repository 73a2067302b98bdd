"""A claim's status, as ``IClaimSettlement.Status`` numbers it: the one enum every tool reads claims with."""

from __future__ import annotations

from enum import IntEnum


class ClaimStatus(IntEnum):
    """``IClaimSettlement.Status``; the names are the contract's and print as such (``str(status)``)."""

    NONE = 0
    PENDING_FUNDS = 1
    APPROVED = 2
    PARTIAL = 3
    DENIED = 4
    DISPUTED = 5
    RESOLVED = 6
    SETTLED = 7

    def __str__(self) -> str:
        return _NAMES[self]

    @classmethod
    def parse(cls, value: int | str) -> ClaimStatus:
        """From the contract's number or its name (``"PendingFunds"``, ``"pending_funds"``); ValueError
        names the value and the statuses there are."""
        if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
            try:
                return cls(int(value))
            except ValueError:
                pass
        else:
            key = value.replace("_", "").lower()
            for status, name in _NAMES.items():
                if name.lower() == key:
                    return status
        raise ValueError(f"{value!r} is not a claim status ({', '.join(_NAMES.values())})")


#: The contract's spelling of each status.
_NAMES = {
    ClaimStatus.NONE: "None",
    ClaimStatus.PENDING_FUNDS: "PendingFunds",
    ClaimStatus.APPROVED: "Approved",
    ClaimStatus.PARTIAL: "Partial",
    ClaimStatus.DENIED: "Denied",
    ClaimStatus.DISPUTED: "Disputed",
    ClaimStatus.RESOLVED: "Resolved",
    ClaimStatus.SETTLED: "Settled",
}
