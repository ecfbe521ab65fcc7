"""``python -m mock_insights serve``: the same command as ``mock-insights serve``."""

from __future__ import annotations

import sys

from ._cli import main

if __name__ == "__main__":
    sys.exit(main())
