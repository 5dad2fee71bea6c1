from django.contrib.auth.management import create_permissions
from django.db import migrations

OPERATORS = "Operators"

# What operators need for the portal's work: decide firm claims and firms' reports about
# reviews (view + change; the admin offers no add or delete), and look at invitations and
# profile-view counts (view only: the portal and the public pages write those).
PORTAL_PERMISSIONS = [
    ("directory", "view_firmclaim"),
    ("directory", "change_firmclaim"),
    ("directory", "view_reviewflag"),
    ("directory", "change_reviewflag"),
    ("directory", "view_invitation"),
    ("directory", "view_profileviewmonth"),
]


def _permissions(apps):
    # The permissions of models created in 0006 may not exist yet within this migrate run.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    return [
        Permission.objects.get(content_type__app_label=app_label, codename=codename)
        for app_label, codename in PORTAL_PERMISSIONS
    ]


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    group, _ = Group.objects.get_or_create(name=OPERATORS)
    group.permissions.add(*_permissions(apps))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    group = Group.objects.filter(name=OPERATORS).first()
    if group is not None:
        group.permissions.remove(*_permissions(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0006_portal"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
