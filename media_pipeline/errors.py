"""Two kinds of trouble: the input is bad (fail with a reason) or the world is (retry later)."""


class MediaError(Exception):
    """The input cannot be processed; the message is shown to the trainer as the failure reason."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = str(message)


class TransientError(Exception):
    """A temporary problem (network, locked database, search backend); the step is retried with backoff."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = str(message)


class Superseded(Exception):
    """The talk was re-submitted, deleted or already finished; tasks of this run stop quietly."""
