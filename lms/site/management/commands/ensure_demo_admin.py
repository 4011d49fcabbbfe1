import os

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create the demo administrator if missing and print how to log in (development only)."

    def handle(self, *args, **options):
        username = os.environ.get("DEMO_ADMIN_USERNAME", "admin")
        password = os.environ.get("DEMO_ADMIN_PASSWORD", "admin1234")
        user_model = get_user_model()
        user, created = user_model.objects.get_or_create(
            username=username, defaults={"is_staff": True, "is_superuser": True, "email": "admin@example.com"}
        )
        if created:
            user.set_password(password)
            user.save()
        demo_pw = os.environ.get("DEMO_PASSWORD", "demo1234")
        self.stdout.write(self.style.SUCCESS(
            "\n"
            "  Demo ready at http://127.0.0.1:8000/   (admin: http://127.0.0.1:8000/admin/)\n"
            f"  Administrator:   {username} / {password if created or password == 'admin1234' else '(unchanged)'}\n"
            f"  Member:          D1003 / {demo_pw}\n"
            f"  Branch secretary D1001 / {demo_pw}\n"
            f"  HR:              D9001 / {demo_pw}\n"
            f"  Trainer:         D9002 / {demo_pw}\n"
        ))
