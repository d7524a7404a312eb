"""The policy pack's rules import as `crms_rules`, as they do when the engine runs the pack."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "policies"))
