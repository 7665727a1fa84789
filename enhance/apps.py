from django.apps import AppConfig
from django.db.models.signals import post_migrate


class EnhanceConfig(AppConfig):
    name = "enhance"
    verbose_name = "Enhancements"

    def ready(self):
        from enhance import checks, signals  # noqa: F401  (signals: an enhancement's files go with its row)

        post_migrate.connect(checks.create_cache_table, sender=self)
