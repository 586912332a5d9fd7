"""The Tradier tests import their helpers from this directory (``tradier_support``)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
