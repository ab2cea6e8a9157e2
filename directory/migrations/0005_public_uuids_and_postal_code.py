"""Stable public identifiers (UUIDs) for the rows the HSDS API publishes, and a postal code
for places (issue 14). Existing rows get a random UUID each; reversible."""

import uuid

from django.core.validators import RegexValidator
from django.db import migrations, models

MODELS = ("district", "domain", "theme", "organization", "place", "resource")
FIELDS = [(name, "uuid", "公開用ID") for name in MODELS] + [
    ("resource", "service_at_location_uuid", "場所での提供の公開用ID")
]


def fill_uuids(apps, schema_editor):
    for name, field, _label in FIELDS:
        model = apps.get_model("directory", name)
        for pk in model.objects.filter(**{f"{field}__isnull": True}).values_list("pk", flat=True):
            model.objects.filter(pk=pk).update(**{field: uuid.uuid4()})


def uuid_field(label: str) -> models.UUIDField:
    return models.UUIDField(default=uuid.uuid4, editable=False, unique=True, verbose_name=label)


class Migration(migrations.Migration):
    dependencies = [("directory", "0004_themes_and_search_index")]

    operations = [
        *[
            migrations.AddField(
                model_name=name,
                name=field,
                field=models.UUIDField(editable=False, null=True, verbose_name=label),
            )
            for name, field, label in FIELDS
        ],
        migrations.RunPython(fill_uuids, migrations.RunPython.noop),
        *[
            migrations.AlterField(model_name=name, name=field, field=uuid_field(label))
            for name, field, label in FIELDS
        ],
        migrations.AddField(
            model_name="place",
            name="postal_code",
            field=models.CharField(
                blank=True,
                max_length=8,
                validators=[
                    RegexValidator("^\\d{3}-\\d{4}$", "郵便番号は 123-4567 の形で入力してください。")
                ],
                verbose_name="郵便番号",
            ),
        ),
        migrations.AlterField(
            model_name="place",
            name="address",
            field=models.CharField(
                blank=True,
                help_text="町田市より後（例: 原町田4-9-8）",
                max_length=200,
                verbose_name="所在地",
            ),
        ),
    ]
