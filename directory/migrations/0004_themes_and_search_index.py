from django.db import migrations

from directory.search import gin_index_operation


def load(apps, schema_editor):
    from directory.reference import THEMES

    Theme = apps.get_model("directory", "Theme")
    for order, (code, ja, en) in enumerate(THEMES, start=1):
        Theme.objects.update_or_create(code=code, defaults={"name_ja": ja, "name_en": en, "order": order})


class Migration(migrations.Migration):
    dependencies = [("directory", "0003_places_resources_themes")]
    operations = [
        migrations.RunPython(load, migrations.RunPython.noop),
        gin_index_operation("directory_resource"),
    ]
