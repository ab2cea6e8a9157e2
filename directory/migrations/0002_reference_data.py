from django.db import migrations


def load(apps, schema_editor):
    from directory.reference import DISTRICTS, DOMAINS

    District = apps.get_model("directory", "District")
    Domain = apps.get_model("directory", "Domain")
    for order, (code, ja, en) in enumerate(DISTRICTS, start=1):
        District.objects.update_or_create(
            code=code, defaults={"name_ja": ja, "name_en": en, "order": order}
        )
    for order, (code, ja, en) in enumerate(DOMAINS, start=1):
        Domain.objects.update_or_create(
            code=code, defaults={"name_ja": ja, "name_en": en, "order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
