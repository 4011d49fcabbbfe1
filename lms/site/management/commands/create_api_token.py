import datetime

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from lms.accounts.services import create_token, revoke_all


class Command(BaseCommand):
    help = ("Create an API token for USERNAME and print its key, for 'Authorization: Token <key>'. Only a digest "
            "is stored: the key cannot be shown again. The user lists and revokes tokens at /accounts/tokens/.")

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="What the token is for (shown in the list of tokens).")
        parser.add_argument("--ttl-hours", type=int, default=None,
                            help="Valid for this many hours (default: LMS_API_TOKEN_TTL_HOURS).")
        parser.add_argument("--rotate", action="store_true", help="Revoke the user's other tokens first.")

    def handle(self, *args, **options):
        try:
            user = get_user_model().objects.get(username=options["username"])
        except get_user_model().DoesNotExist as exc:
            raise CommandError(f"No user named {options['username']!r}.") from exc
        hours = options["ttl_hours"]
        if hours is not None and hours < 1:
            raise CommandError("--ttl-hours must be at least 1.")
        if options["rotate"]:
            revoke_all(user)
        ttl = datetime.timedelta(hours=hours) if hours else None
        token, key = create_token(user, name=options["name"] or "manage.py create_api_token", ttl=ttl)
        self.stdout.write(key)
        expires = timezone.localtime(token.expiry)
        self.stderr.write(f"Expires {expires:%Y-%m-%d %H:%M}; the key is not stored and cannot be shown again.")
