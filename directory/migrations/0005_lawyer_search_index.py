from django.db import migrations

# PostgreSQL only, like 0003: lawyer search matches word prefixes with the 'simple'
# configuration (names are not English words to stem). The expression is exactly the one
# Django writes for SearchVector("search_text", config="simple"), so the planner uses it.
CREATE = (
    "CREATE INDEX IF NOT EXISTS lawyer_search_simple_gin ON directory_lawyer "
    "USING gin (to_tsvector('simple'::regconfig, COALESCE(search_text, ''::text)))"
)
DROP = "DROP INDEX IF EXISTS lawyer_search_simple_gin"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("directory", "0004_operators_group")]

    operations = [migrations.RunPython(create_index, drop_index)]
