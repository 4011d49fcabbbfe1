"""The LRS's error answers: raise one anywhere in a resource and the endpoint turns it into that status."""


class XapiError(Exception):
    status = 400

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status


class BadRequest(XapiError):
    status = 400


class Unauthorized(XapiError):
    status = 401


class Forbidden(XapiError):
    status = 403


class NotFound(XapiError):
    status = 404


class Conflict(XapiError):
    status = 409


class PreconditionFailed(XapiError):
    status = 412


class PayloadTooLarge(XapiError):
    status = 413
