"""The tastytrade tests import their served-emulator helper from this directory
(``served_tastytrade``)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
