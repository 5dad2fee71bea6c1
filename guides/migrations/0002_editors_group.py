from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "Editors"

# Exactly what an editor needs: write and publish guides with their FAQ and sources, and
# look up (not change) the places and practice areas a guide points at. No delete: a guide
# leaves the site by going back to draft, so its history stays.
EDITOR_PERMISSIONS = [
    ("guides", "add_guide"),
    ("guides", "change_guide"),
    ("guides", "view_guide"),
    ("guides", "publish_guide"),
    ("guides", "add_faqitem"),
    ("guides", "change_faqitem"),
    ("guides", "delete_faqitem"),
    ("guides", "view_faqitem"),
    ("guides", "add_guidesource"),
    ("guides", "change_guidesource"),
    ("guides", "delete_guidesource"),
    ("guides", "view_guidesource"),
    ("directory", "view_city"),
    ("directory", "view_region"),
    ("directory", "view_country"),
    ("directory", "view_practicearea"),
]


def create_editors_group(apps, schema_editor):
    # Permissions are normally created after all migrations ran; create them now so that
    # the group can be given them in a fresh database.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=EDITORS)
    permissions = [
        Permission.objects.get(content_type__app_label=app_label, codename=codename)
        for app_label, codename in EDITOR_PERMISSIONS
    ]
    group.permissions.set(permissions)


def remove_editors_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=EDITORS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("guides", "0001_initial"),
        ("directory", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_editors_group, remove_editors_group)]
