"""Progress events other apps listen to (training, recommendations, quizzes).

Sent after the transaction commits, with ids only.
"""

from django.dispatch import Signal

lesson_completed = Signal()  # kwargs: member_id, lesson_id
course_completed = Signal()  # kwargs: member_id, course_id, completed_at
# A video lesson's viewing session began (the first beat of a run), or the player paused or reached the end: once
# per such beat, never per heartbeat. kwargs: member_id, lesson_id, event ("started" | "pause" | "ended"), position,
# session_started_at, at, watched (the merged [start, end] seconds watched so far), duration.
video_viewing = Signal()
