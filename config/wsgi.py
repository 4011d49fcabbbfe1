import os

from django.core.wsgi import get_wsgi_application

# A server started without a choice runs production settings, which refuse to start without real secrets;
# the development server (manage.py) and `make run` choose config.settings.dev explicitly.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
application = get_wsgi_application()
