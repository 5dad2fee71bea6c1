from django.contrib.auth.management import create_permissions
from django.db import migrations

OPERATORS = "Operators"

# Operators answer firms (claims, memberships, reports): a firm whose token leaked asks them to
# stop it. They see the firms' tokens (never a hash: api/admin.py) and revoke them with the
# changelist's action; the change permission opens nothing else, as the admin is read-only.
API_PERMISSIONS = [("api", "view_apitoken"), ("api", "change_apitoken")]


def _permissions(apps):
    # The token model's permissions do not exist yet within the migrate run that creates it.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    return [
        Permission.objects.get(content_type__app_label=app_label, codename=codename)
        for app_label, codename in API_PERMISSIONS
    ]


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    group, _ = Group.objects.get_or_create(name=OPERATORS)
    group.permissions.add(*_permissions(apps))


def revoke(apps, schema_editor):
    group = apps.get_model("auth", "Group").objects.filter(name=OPERATORS).first()
    if group is not None:
        group.permissions.remove(*_permissions(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0001_initial"),
        ("directory", "0007_operators_portal_permissions"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
