"""`restoring` (a flag) becomes `route` (which of default's models ran), so a result's note no longer depends on
today's zoo roles: rows from before are routed once here, by the roles the zoo declares now."""

from django.db import migrations, models

import mlcore


def route_from_flag(apps, schema_editor):
    Enhancement = apps.get_model("enhance", "Enhancement")
    roles = mlcore.list_models()
    ran = Enhancement.objects.filter(model_requested="default").exclude(model_resolved="")
    ran.filter(restoring=False).update(route="clean")
    ran.filter(restoring=True).update(route="photo")
    for role, route in (("jpeg", "jpeg"), ("denoising", "noise")):
        for scale, name in roles[role].items():  # None where the scale has no such model: matches nothing
            ran.filter(restoring=True, scale=int(scale), model_resolved=name).update(route=route)


def flag_from_route(apps, schema_editor):
    Enhancement = apps.get_model("enhance", "Enhancement")
    Enhancement.objects.filter(route__in=["photo", "jpeg", "noise"]).update(restoring=True)


class Migration(migrations.Migration):
    dependencies = [
        ("enhance", "0010_original_display"),
    ]

    operations = [
        migrations.AddField(
            model_name="enhancement",
            name="route",
            field=models.CharField(
                blank=True,
                choices=[("clean", "clean"), ("photo", "photo"), ("jpeg", "jpeg"), ("noise", "noise")],
                help_text="Which of `default`'s models ran: clean, photo, jpeg or noise (empty for a model chosen by "
                "name).",
                max_length=8,
            ),
        ),
        migrations.RunPython(route_from_flag, flag_from_route),
        migrations.RemoveField(
            model_name="enhancement",
            name="restoring",
        ),
    ]
