import uuid

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("intake", "0003_match_public_id_fill")]

    operations = [
        migrations.AlterField(
            model_name="match",
            name="public_id",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
    ]
