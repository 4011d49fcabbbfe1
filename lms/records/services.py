"""The records app's public actions: credit and reverse ledger entries, a member's hours in a year.

Ledger sources (``lms.records.sources``) and the requirement provider (``lms.records.requirements``) are the
app's extension points; the entries themselves are read through ``lms.records.models``.
"""

from .ledger import CorrectionError, credit, credit_many, hours_for_year, reverse

__all__ = ["CorrectionError", "credit", "credit_many", "hours_for_year", "reverse"]
