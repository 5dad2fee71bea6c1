from django.db import migrations, models


def mark_current_key(apps, schema_editor):
    # Every entry so far was hashed under the key the site runs with now.
    from directory.conflicts import current_key_id

    apps.get_model("directory", "ConflictEntry").objects.filter(key_id="").update(key_id=current_key_id())


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0018_conflict_check"),
    ]

    operations = [
        migrations.AddField(
            model_name="conflictentry",
            name="key_id",
            field=models.CharField(default="", editable=False, max_length=12, verbose_name="key"),
        ),
        migrations.RunPython(mark_current_key, migrations.RunPython.noop, elidable=True),
    ]
