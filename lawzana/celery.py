import contextlib
import os

from celery import Celery, signals, states

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lawzana.settings")

app = Celery("lawzana")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


# Database connections in the worker get the lifecycle Django gives them around a request,
# instead of a new connection for every task: Celery's Django fixup closes them before and
# after each task unless CELERY_DB_REUSE_MAX is set (it is, in settings.py), and a new
# PostgreSQL connection costs more than a delivery's four queries together.
@signals.task_prerun.connect
def _db_connections_before_task(task=None, **kwargs):
    if task is not None and not task.request.is_eager:
        # Drops connections past CONN_MAX_AGE or in a bad state; with CONN_HEALTH_CHECKS the
        # next query first checks that the server is still there (a restarted PostgreSQL).
        _close_old_db_connections()


@signals.task_postrun.connect
def _db_connections_after_task(task=None, state=None, **kwargs):
    if task is None or task.request.is_eager:
        return  # inline in a request or a test: its transaction is not ours to end
    if state in (states.SUCCESS, states.RETRY):
        _close_old_db_connections()
        return
    # A task that failed may have been interrupted inside a query (a soft time limit),
    # leaving a connection Django still believes usable (celery#9824): never reuse it.
    from django.db import Error, connections

    for connection in connections.all(initialized_only=True):
        with contextlib.suppress(Error):
            connection.close()


def _close_old_db_connections():
    from django.db import close_old_connections

    close_old_connections()


@signals.worker_process_shutdown.connect
def _close_mail_connection(**kwargs):
    from lawzana.emails import close_kept_connection

    close_kept_connection()
