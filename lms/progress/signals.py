"""Progress events other apps listen to (training, recommendations, quizzes).

Sent after the transaction commits, with ids only.
"""

from django.dispatch import Signal

lesson_completed = Signal()  # kwargs: member_id, lesson_id
course_completed = Signal()  # kwargs: member_id, course_id, completed_at
