"""Personal data: export everything held about a person, or erase them (see docs/privacy.md).

from revalign.privacy import erase_person, export_person
data = export_person(ledger, "budi@acme.co.id")           # JSON-ready dict
report = erase_person(engine, "budi@acme.co.id", by="dpo")
"""

from revalign.privacy.erase import ErasureReport, erase_person
from revalign.privacy.export import export_person

__all__ = ["ErasureReport", "erase_person", "export_person"]
