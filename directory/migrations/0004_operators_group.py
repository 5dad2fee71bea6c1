from django.contrib.auth.management import create_permissions
from django.db import migrations

OPERATORS = "Operators"


def _perms(model, actions):
    return [("directory", f"{action}_{model}") for action in actions]


# Operators run the directory: firms and everything on their profiles, verification, review
# moderation and memberships, plus the places and practice areas. They do not write guides
# (that is the Editors group) and they may not delete reviews or verifications: moderation
# rejects with a reason, and the verification history is the record of who checked what.
OPERATOR_PERMISSIONS = [
    *_perms("firm", ["add", "change", "view"]),
    *_perms("office", ["add", "change", "delete", "view"]),
    *_perms("lawyer", ["add", "change", "delete", "view"]),
    *_perms("article", ["add", "change", "delete", "view"]),
    *_perms("servicefee", ["add", "change", "delete", "view"]),
    *_perms("sociallink", ["add", "change", "delete", "view"]),
    *_perms("review", ["change", "view"]),
    *_perms("verification", ["add", "view"]),
    *_perms("membership", ["add", "change", "delete", "view"]),
    *_perms("language", ["add", "change", "view"]),
    *_perms("city", ["add", "change", "view"]),
    *_perms("region", ["add", "change", "view"]),
    *_perms("country", ["add", "change", "view"]),
    *_perms("practicearea", ["add", "change", "view"]),
    ("accounts", "view_user"),  # to pick the user of a membership
]


def create_operators_group(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=OPERATORS)
    group.permissions.set(
        [
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
            for app_label, codename in OPERATOR_PERMISSIONS
        ]
    )


def remove_operators_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=OPERATORS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0003_firm_search_index"),
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_operators_group, remove_operators_group)]
