"""What every operation handler receives besides its parameters."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .state import Backend

Params = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Call:
    """The caller's region and account, and the state the call acts on."""

    region: str
    account_id: str
    backend: Backend


Handler = Callable[[Call, Params], Params]


def given(params: Params, names: dict[str, str]) -> dict[str, Any]:
    """The parameters present in ``params``, renamed to state attributes by ``names``."""
    return {attribute: params[param] for param, attribute in names.items() if param in params}
