from celery import shared_task


@shared_task(name="quizzes.finalize_expired_attempts", queue="default", soft_time_limit=240, time_limit=300)
def finalize_expired_attempts() -> int:
    """Submit attempts whose deadline passed without a submission (grading what was saved in time)."""
    from .services import finalize_expired

    return finalize_expired()
