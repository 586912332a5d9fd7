"""The conformance kit: numbered scenarios (``CMP-001`` to ``CMP-015``) run against any broker
profile (an emulator, a real sandbox with credentials, or a replayed recording), each recording
what happened: the statuses seen, the time to the broker's answer and to the fill, the error a
refusal raised, and the fields the broker left empty.

>>> import brokerlink as bl
>>> from brokerlink.testing.conformance import run_kit
>>> with bl.connect("paper:emulator") as broker:
...     run = run_kit(broker, profile="paper:emulator", scenarios=["CMP-001"])
>>> run.results[0].outcome.value
'passed'
"""

from brokerlink.testing.conformance.catalog import SCENARIOS
from brokerlink.testing.conformance.results import Outcome, ProfileRun, ScenarioResult, StatusStep
from brokerlink.testing.conformance.runner import cassette_path, run_kit, run_profile
from brokerlink.testing.conformance.scenario import Requirements, Scenario, ScenarioContext

__all__ = [
    "SCENARIOS",
    "Outcome",
    "ProfileRun",
    "Requirements",
    "Scenario",
    "ScenarioContext",
    "ScenarioResult",
    "StatusStep",
    "cassette_path",
    "run_kit",
    "run_profile",
]
