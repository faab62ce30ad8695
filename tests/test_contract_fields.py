"""The contract's list of lead fields is the payload model's, and validating a contract
loads neither the core's payload models nor the `holidays` package."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import holidays

from revalign.contract.fields import LEAD_FIELDS
from revalign.contract.loader import default_contract_text
from revalign.contract.schema import _holiday_registry
from revalign.core.payloads import LeadCaptured


def test_lead_fields_are_the_captured_payload_s_fields() -> None:
    assert tuple(f for f in LeadCaptured.model_fields if f != "attributes") == LEAD_FIELDS


def test_the_holiday_registry_read_from_source_is_the_library_s() -> None:
    from holidays.registry import COUNTRIES

    assert _holiday_registry() == COUNTRIES
    assert holidays.registry.COUNTRIES is COUNTRIES


_PROBE = """
import json, sys
from revalign.contract.loader import load_contract
load_contract(sys.argv[1])
print(json.dumps(sorted(sys.modules)))
"""


def test_validating_a_contract_imports_neither_payloads_nor_holidays(tmp_path: Path) -> None:
    path = tmp_path / "revalign.yaml"
    path.write_text(default_contract_text(), "utf-8")  # holidays_country: ID, SG, GB, US
    done = subprocess.run([sys.executable, "-c", _PROBE, str(path)], capture_output=True,
                          text=True, check=True)  # fmt: skip
    modules = set(json.loads(done.stdout))
    assert "holidays" not in modules
    assert not {"revalign.core.payloads", "revalign.core.sla_checks"} & modules
