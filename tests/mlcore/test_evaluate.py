import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from .conftest import DATASETS

# Published bicubic PSNR on Set5 (RCAN's and CARN's tables): ×2, ×3, ×4.
PUBLISHED_SET5 = {2: 33.66, 3: 30.39, 4: 28.42}


def test_bicubic_reproduces_the_published_set5_rows(tmp_path, capsys):
    out = tmp_path / "rows.json"
    call_command(
        "evaluate",
        "--models",
        "bicubic",
        "--scales",
        "2",
        "3",
        "4",
        "--datasets",
        "Set5",
        "--data-root",
        str(DATASETS),
        "--json",
        str(out),
    )
    rows = json.loads(out.read_text())
    assert [(r["scale"], r["dataset"], r["images"]) for r in rows] == [(2, "Set5", 5), (3, "Set5", 5), (4, "Set5", 5)]
    for row in rows:
        assert row["psnr"] == pytest.approx(PUBLISHED_SET5[row["scale"]], abs=0.03)
        assert 0.8 < row["ssim"] < 0.95 and row["seconds_per_mp"] > 0
    table = capsys.readouterr().out
    assert "| bicubic | ×2 | Set5 | 33.6" in table


def test_missing_dataset_folder_fails_rather_than_skips(tmp_path):
    with pytest.raises(CommandError, match="No images in"):
        call_command(
            "evaluate", "--models", "bicubic", "--scales", "2", "--datasets", "Set5", "--data-root", str(tmp_path)
        )


def test_unknown_model_is_a_clear_command_error(empty_zoo):
    with pytest.raises(CommandError, match="Unknown model 'nope'"):
        call_command(
            "evaluate", "--models", "nope", "--scales", "2", "--datasets", "Set5", "--data-root", str(DATASETS)
        )


def test_data_root_comes_from_the_setting_and_a_missing_one_fails(settings, tmp_path):
    settings.SRSITE_DATA_ROOT = tmp_path / "elsewhere"
    with pytest.raises(CommandError, match=r"No images in .*elsewhere/Set5\. Set SRSITE_DATA_ROOT"):
        call_command("evaluate", "--models", "bicubic", "--scales", "2", "--datasets", "Set5")
