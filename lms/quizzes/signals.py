"""Signals other apps (archives, notifications) may listen to. Sent on commit, with ids only."""

from django.dispatch import Signal

# A quiz attempt reached its final result: attempt_id, member_id, quiz_id, passed.
attempt_finished = Signal()
# An H5P package's result changed for a member: package_id, member_id, passed.
h5p_result_recorded = Signal()
