import uuid

from django.db import migrations


def fill_public_ids(apps, schema_editor):
    # Adding the column gave every existing row the same default; give each its own.
    Match = apps.get_model("intake", "Match")
    for pk in Match.objects.values_list("pk", flat=True).iterator():
        Match.objects.filter(pk=pk).update(public_id=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [("intake", "0002_portal")]

    operations = [migrations.RunPython(fill_public_ids, migrations.RunPython.noop)]
