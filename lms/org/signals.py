"""Signals the organization app sends; receivers live in the apps above it (their handlers.py)."""

from django.dispatch import Signal

# An import created a login account for a new member, with no usable password (user=…). Sent inside the
# import's transaction: the accounts app requires a password change at first login (lms.accounts.handlers).
account_created_by_import = Signal()
