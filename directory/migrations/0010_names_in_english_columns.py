from django.db import migrations
from django.db.models import F

# Every name, description and synonym list written so far is English: it becomes the English
# translation, the one every language falls back to (directory/translation.py).
COPIED = {
    "Country": ("name",),
    "Region": ("name",),
    "City": ("name",),
    "PracticeArea": ("name", "description", "synonyms"),
}


def copy_into_english(apps, schema_editor):
    for model_name, fields in COPIED.items():
        model = apps.get_model("directory", model_name)
        model.objects.update(**{f"{field}_en": F(field) for field in fields})


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0009_names_in_chinese"),
    ]

    operations = [
        migrations.RunPython(copy_into_english, migrations.RunPython.noop, elidable=True),
    ]
