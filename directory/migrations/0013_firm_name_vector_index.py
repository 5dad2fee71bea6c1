from django.db import migrations

# PostgreSQL only, as firm_search_vector_gin (0003): search reads the firms named for the words
# in rank order (directory.selectors.FirmSearchResults); when few are, this index finds them
# without walking every firm.
CREATE = "CREATE INDEX IF NOT EXISTS firm_name_vector_gin ON directory_firm USING gin (name_vector)"
DROP = "DROP INDEX IF EXISTS firm_name_vector_gin"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("directory", "0012_firm_name_vector")]

    operations = [migrations.RunPython(create_index, drop_index)]
