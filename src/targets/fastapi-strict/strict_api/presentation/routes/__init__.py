"""One router per area of the contract (lab_contract's ContractRoute: strict JSON, body limits)."""

from __future__ import annotations

from typing import Any

from lab_contract.cursor import iso_ms

from ...domain.model import User


def user_json(user: User) -> dict[str, Any]:
    """The contract's User (and PageUser)."""
    return {"id": user.id, "name": user.name, "email": user.email, "createdAt": iso_ms(user.created_at)}
