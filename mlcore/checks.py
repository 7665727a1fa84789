"""``manage.py check`` (and every server start) reports zoo models whose weights are missing or corrupt."""

from django.core.checks import Error, register


@register()
def weights_check(app_configs, **kwargs):
    from mlcore import weights_problems

    return [
        Error(problem, hint="Reinstall the weights (manage.py train --install).", id="mlcore.E001")
        for problem in weights_problems()
    ]
