"""Validation of statements (the spec's MUSTs, each a 400 naming the property)."""

from .statement import SIGNATURE, VOIDED, check_statement

__all__ = ["SIGNATURE", "VOIDED", "check_statement"]
