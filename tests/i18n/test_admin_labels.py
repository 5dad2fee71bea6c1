"""Every field of a model the admin shows is named for translation: a field named only by its
attribute ("contact_sent_at" → "contact sent at") has no Chinese, and an operator reading the
admin in Chinese would meet English there."""

from django.apps import apps
from django.contrib import admin
from django.utils.functional import Promise

OURS = {"accounts", "api", "directory", "guides", "intake"}


def test_every_field_the_admin_shows_has_a_translatable_name():
    unnamed = [
        f"{model.__name__}.{field.name}"
        for model in apps.get_models()
        if model._meta.app_label in OURS and model in admin.site._registry
        for field in model._meta.get_fields()
        if getattr(field, "concrete", False) and not field.auto_created and not isinstance(field.verbose_name, Promise)
    ]
    assert not unnamed, f"give these a verbose_name=_(...): {unnamed}"
