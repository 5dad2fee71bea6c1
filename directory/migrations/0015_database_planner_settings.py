"""The planner settings of lawzana/settings.py, set on the database itself.

Behind PgBouncer (DATABASE_POOLER=pgbouncer) they cannot be sent when connecting: PgBouncer
refuses the "options" startup parameter. Set on the database, every new session starts with
them, whatever pooler or client it came through (a session's RESET ALL or DISCARD ALL returns
to them too). ALTER DATABASE ... SET needs the database's owner (or a superuser): in
docker-compose.yml the app's role owns it. Only new sessions see the change.
"""

from django.db import migrations

SETTINGS = {
    # See lawzana/settings.py: 4.0 (spinning disks) made search scan every firm's vector.
    "random_page_cost": "1.1",
    # Starting parallel workers cost a page's small queries more than they saved.
    "max_parallel_workers_per_gather": "0",
}


def _alter_database(statements):
    body = "\n".join(
        f"    EXECUTE format('ALTER DATABASE %I {statement}', current_database());" for statement in statements
    )
    return f"DO $$\nBEGIN\n{body}\nEND\n$$;"


def set_planner_settings(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            _alter_database(f"SET {name} = {value}" for name, value in SETTINGS.items()), params=None
        )


def reset_planner_settings(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(_alter_database(f"RESET {name}" for name in SETTINGS), params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0014_firm_page_cache_state"),
    ]

    operations = [
        migrations.RunPython(set_planner_settings, reset_planner_settings, elidable=False),
    ]
