import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taperwell.settings")
application = get_wsgi_application()

# Each gunicorn worker imports this module: its views loaded and what it loaded frozen, once,
# before its first request (taperwell/core/server_process.py says why).
from taperwell.core.server_process import settle  # noqa: E402

settle()
