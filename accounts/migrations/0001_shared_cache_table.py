"""The table of the "shared" cache (settings.CACHES): rate-limit counters and render locks shared by
every worker and app server. Created by `createcachetable`, here so that `migrate` is enough."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = []

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
