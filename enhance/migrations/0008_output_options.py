from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("enhance", "0006_display_images"),
    ]

    operations = [
        migrations.AddField(
            model_name="enhancement",
            name="fit",
            field=models.CharField(
                choices=[("scale", "By scale"), ("width", "Fit width"), ("height", "Fit height"), ("box", "Fit in box")],
                default="scale",
                help_text="scale: × scale; width, height, box: resized down to the target (aspect kept) after the "
                "model scale that reaches it.",
                max_length=8,
            ),
        ),
        migrations.AddField(
            model_name="enhancement",
            name="target_width",
            field=models.PositiveIntegerField(blank=True, help_text="As asked (fit width or box).", null=True),
        ),
        migrations.AddField(
            model_name="enhancement",
            name="target_height",
            field=models.PositiveIntegerField(blank=True, help_text="As asked (fit height or box).", null=True),
        ),
        migrations.AddField(
            model_name="enhancement",
            name="output_format",
            field=models.CharField(
                choices=[("png", "PNG (lossless)"), ("jpeg", "JPEG"), ("webp", "WebP")],
                default="png",
                help_text="The result's default download.",
                max_length=8,
            ),
        ),
        migrations.AddField(
            model_name="enhancement",
            name="output_quality",
            field=models.PositiveSmallIntegerField(default=92, help_text="JPEG/WebP quality, 1–100."),
        ),
    ]
