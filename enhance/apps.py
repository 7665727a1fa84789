from django.apps import AppConfig


class EnhanceConfig(AppConfig):
    name = "enhance"
    verbose_name = "Enhancements"

    def ready(self):
        from enhance import signals  # noqa: F401  (deletes an enhancement's files with its row)
