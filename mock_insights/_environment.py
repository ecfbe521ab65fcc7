"""The process environment while a mock is active: what it sets, and restoring it exactly.

While active, botocore finds the mock's region, no config or credentials file, and the
instance metadata service switched off, so no profile, file or metadata lookup of the
developer's machine changes a test's outcome or reaches the network. Credentials are not put
in the environment at all: ``_adapters.botocore_isolation`` answers credential lookups in
memory, so another tool that saves and restores credential variables (moto does) cannot leave
fake keys behind or bring real ones back into the mock's reach.

On the last stop a variable is put back only if it still holds the value the mock set:
whoever changed it since owns it now. That makes interleaved stops with moto exact.
"""

from __future__ import annotations

import os

REGION = "AWS_DEFAULT_REGION"
FIXED = {
    "AWS_EC2_METADATA_DISABLED": "true",
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
}


class Environment:
    """The variables one outermost activation set, with what they held before."""

    def __init__(self) -> None:
        self._before: dict[str, str | None] = {}
        self._set: dict[str, str] = {}

    def set(self, key: str, value: str) -> None:
        """Set ``key`` while active, remembering what it held before the first set."""
        if key not in self._before:
            self._before[key] = os.environ.get(key)
        os.environ[key] = value
        self._set[key] = value

    def apply(self, region: str) -> None:
        """Set every variable the mock controls, with ``region`` as the default region."""
        for key, value in FIXED.items():
            self.set(key, value)
        self.set(REGION, region)

    def set_region(self, region: str) -> None:
        """Change the default region (nested mocks), unless it already is ``region``."""
        if self._set.get(REGION) != region:
            self.set(REGION, region)

    def restore(self) -> None:
        """Put back what the mock changed, where the value is still the mock's."""
        for key, before in self._before.items():
            if os.environ.get(key) != self._set[key]:
                continue
            if before is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = before
        self._before.clear()
        self._set.clear()
