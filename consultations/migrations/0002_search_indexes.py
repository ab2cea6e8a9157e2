from django.db import migrations

from directory.search import gin_index_operation


class Migration(migrations.Migration):
    dependencies = [("consultations", "0001_initial")]

    operations = [
        gin_index_operation("consultations_consultation"),
        gin_index_operation("consultations_tsunagusheet"),
    ]
