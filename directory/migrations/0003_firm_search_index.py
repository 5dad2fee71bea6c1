from django.db import migrations

# PostgreSQL only: SQLite has no GIN indexes and searches with a plain fallback
# (directory/selectors.py). Declared here rather than in Meta.indexes so that the model
# stays portable and makemigrations stays clean on both databases.
CREATE = "CREATE INDEX IF NOT EXISTS firm_search_vector_gin ON directory_firm USING gin (search_vector)"
DROP = "DROP INDEX IF EXISTS firm_search_vector_gin"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("directory", "0002_firms")]

    operations = [migrations.RunPython(create_index, drop_index)]
