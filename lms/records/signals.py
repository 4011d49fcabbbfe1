"""Ledger events for the apps above (receivers connect in their AppConfig.ready()).

Single credits and reversals are ``post_save`` of ``StudyHourEntry``; ``credit_many`` writes in bulk (no
``post_save``), so it announces its entries here, after its transaction commits.
"""

from django.dispatch import Signal

# kwargs: entry_ids (the entries of the members given: new ones and those that already stood).
entries_bulk_created = Signal()
