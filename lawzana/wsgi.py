"""The WSGI application gunicorn serves (lawzana.wsgi:application), one per worker process."""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lawzana.settings")

application = get_wsgi_application()

# Load now what the first request would (the URLconf, and with it every view module), then
# move everything alive into the garbage collector's permanent generation. A full collection
# then scans only what requests created since: about 10 ms instead of about 100 ms for the
# 150,000 objects of a loaded process, a pause any page could otherwise meet (bench/run.py,
# "p95 server time").
get_resolver().url_patterns  # noqa: B018
gc.freeze()
