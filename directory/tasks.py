"""Celery tasks of the directory: each calls a service."""

from celery import shared_task

from . import importing


@shared_task
def import_files_delete_abandoned() -> int:
    """Hourly: the uploaded files of import previews nobody confirmed within a day."""
    return importing.import_files_delete_abandoned()
