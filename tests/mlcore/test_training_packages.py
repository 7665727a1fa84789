"""Training's packages (requirements-train.txt) are checked before a command starts any work."""

import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

HINT = r"Install training's packages with: \.venv/bin/pip install -r requirements-train\.txt"


def test_train_names_the_missing_packages_and_what_to_install(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "tqdm", None)  # an import of it now fails, as when it is not installed
    with pytest.raises(CommandError, match=rf"^Not installed: tqdm \(progress bars and plots\)\. {HINT}$"):
        call_command("train", "srcnn", "--scale", "2", "--run-dir", str(tmp_path / "run"))
    assert not (tmp_path / "run").exists()


def test_compare_optimizers_needs_matplotlib(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(CommandError, match=rf"^Not installed: matplotlib .*{HINT}$"):
        call_command("compare_optimizers", "--out", str(tmp_path / "out"))
    assert not (tmp_path / "out").exists()
