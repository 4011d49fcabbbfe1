"""What organizational life tells the apps above it (receivers connect in their AppConfig.ready())."""

from django.dispatch import Signal

# Attendance written in bulk (the attendance import: bulk_create / update, which send no post_save).
# kwargs: activity_id, member_ids (whose attendance changed). Sent inside the import's transaction.
attendance_bulk_changed = Signal()
