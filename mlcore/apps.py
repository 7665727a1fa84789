from django.apps import AppConfig


class MlcoreConfig(AppConfig):
    name = "mlcore"
    verbose_name = "Super-resolution engine"

    def ready(self):
        from mlcore import checks  # noqa: F401  (registers the weights check)
