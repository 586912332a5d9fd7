"""Masking for values that must never appear whole in reprs, logs or exceptions (DESIGN §6)."""

from __future__ import annotations

__all__ = ["mask_account"]

_MASK = "****"


def mask_account(account_id: str | None) -> str:
    """Mask an account number, keeping at most its last 4 characters and never more than half.

    ``mask_account("SIM1234567M") == "****567M"``; ``mask_account("1234") == "****34"``. The mask
    has a fixed width so it does not leak the id's length either. ``None`` gives ``"None"`` so
    reprs of models without an account stay readable.
    """
    if account_id is None:
        return "None"
    text = str(account_id)
    keep = min(4, len(text) // 2)
    return _MASK + (text[-keep:] if keep else "")
