"""gunicorn's settings for every web process: `gunicorn -c python:lawzana.gunicorn_conf ...`
(Dockerfile, docker-compose.yml, bench/run.py, loadtests/run.py).

gunicorn logs by itself (a worker booting, a request it could not handle, with its path and
traceback) through formatters of its own, which would print a request's secret link in
clear. Its loggers get the site's handler instead, with the same format and redaction as every
other log line (lawzana/logging.py, settings.LOGGING).
"""

from lawzana import settings

logconfig_dict = {
    **settings.LOGGING,
    "loggers": {
        **settings.LOGGING["loggers"],
        "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "gunicorn.access": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
