"""Training's own packages (requirements-train.txt, not the site's): the commands that need them check
before any work, rather than fail at the first progress bar or plot."""

import importlib

from django.core.management.base import CommandError


def require(*packages: str) -> None:
    """CommandError naming what to install when one of ``packages`` cannot be imported."""
    missing = [name for name in packages if not _importable(name)]
    if missing:
        raise CommandError(
            f"Not installed: {', '.join(missing)} (progress bars and plots). "
            "Install training's packages with: .venv/bin/pip install -r requirements-train.txt"
        )


def _importable(name: str) -> bool:
    try:
        importlib.import_module(name)
    except ImportError:
        return False
    return True
