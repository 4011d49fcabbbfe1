"""One-time activation links: Django's password-reset token with its own salt and lifetime.

The token hashes the user's password hash and last login, so it stops working as soon as a password is set (by
this link or any other way) or the user logs in; it also expires after ``LMS_ACTIVATION_DAYS``.
"""

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int


class ActivationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "lms.accounts.tokens.ActivationTokenGenerator"

    @staticmethod
    def lifetime_seconds() -> int:
        return int(getattr(settings, "LMS_ACTIVATION_DAYS", 7)) * 24 * 3600

    def check_token(self, user, token):
        if not (user and token):
            return False
        try:
            ts_b36, _hash = token.split("-")
            ts = base36_to_int(ts_b36)
        except ValueError:
            return False
        if not any(constant_time_compare(self._make_token_with_timestamp(user, ts, secret), token)
                   for secret in [self.secret, *self.secret_fallbacks]):
            return False
        return 0 <= self._num_seconds(self._now()) - ts <= self.lifetime_seconds()


activation_token = ActivationTokenGenerator()
