"""`restoring` (a flag) becomes `route` (which of default's models ran), so a result's note no longer depends on
today's zoo roles: rows from before are routed once here, by the roles the zoo declares now."""

from django.db import migrations, models

import mlcore


def route_from_flag(apps, schema_editor):
    Enhancement = apps.get_model("enhance", "Enhancement")
    roles = mlcore.list_models()
    rows = Enhancement.objects.filter(model_requested="default").exclude(model_resolved="")
    for e in rows.only("id", "scale", "model_resolved", "restoring").iterator():
        route = "clean"
        if e.restoring:
            route = "photo"
            for role, name in (("jpeg", "jpeg"), ("denoising", "noise")):
                if e.model_resolved == roles[role].get(str(e.scale)):
                    route = name
        Enhancement.objects.filter(pk=e.pk).update(route=route)


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
