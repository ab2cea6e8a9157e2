from django.db import migrations

from directory.search import gin_index_operation


class Migration(migrations.Migration):
    dependencies = [("projects", "0001_initial")]

    operations = [
        gin_index_operation("projects_idea"),
        gin_index_operation("projects_project"),
    ]
