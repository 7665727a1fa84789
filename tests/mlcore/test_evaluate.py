import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from mlcore import zoo

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


def test_merge_replaces_the_rows_it_measured_and_keeps_the_others(tmp_path):
    out = tmp_path / "rows.json"
    other = {"model": "espcn", "scale": 4, "dataset": "Set14", "psnr": 27.0, "ssim": 0.7, "seconds_per_mp": 0.1}
    stale = {"model": "bicubic", "scale": 2, "dataset": "Set5", "psnr": 1.0, "ssim": 0.1, "seconds_per_mp": 9.0}
    out.write_text(json.dumps([other, stale]))  # rows written before degradations were recorded
    args = ["--models", "bicubic", "--scales", "2", "--datasets", "Set5", "--data-root", str(DATASETS)]
    call_command("evaluate", *args, "--degradation", "clean", "jpeg:75", "--json", str(out), "--merge")
    rows = json.loads(out.read_text())
    assert [(r["model"], r.get("degradation")) for r in rows] == [
        ("espcn", None),
        ("bicubic", "clean"),
        ("bicubic", "jpeg:75"),
    ]
    assert rows[0] == other and rows[1]["psnr"] == pytest.approx(PUBLISHED_SET5[2], abs=0.03)
    assert rows[2]["psnr"] < rows[1]["psnr"]


def test_merge_refuses_a_file_it_cannot_read_and_leaves_it_alone(tmp_path):
    args = ["--models", "bicubic", "--scales", "2", "--datasets", "Set5", "--data-root", str(DATASETS)]
    with pytest.raises(CommandError, match="--merge needs --json"):
        call_command("evaluate", *args, "--merge")
    out = tmp_path / "rows.json"
    for text in ("{not json", '{"model": "bicubic"}', '[{"psnr": 30}]'):
        out.write_text(text)
        with pytest.raises(CommandError, match=f"Cannot merge into {out}"):
            call_command("evaluate", *args, "--json", str(out), "--merge")
        assert out.read_text() == text


def test_validation_is_the_split_train_holds_out_so_it_reproduces_a_card(tmp_path):
    """fsrcnn ×2 serves one float32 view, so evaluate on the held-out images gives its card's validation number."""
    out = tmp_path / "rows.json"
    args = ["--models", "fsrcnn", "--scales", "2", "--datasets", "validation", "--data-root", str(DATASETS)]
    zoo_file = zoo.WEIGHTS_DIR / zoo.ZOO_FILE
    measured = zoo_file.read_text()
    try:
        call_command("evaluate", *args, "--json", str(out), "--record")
    finally:
        recorded = zoo_file.read_text()
        if recorded != measured:  # put the shipped file back before failing below
            zoo_file.write_text(measured)
    [row] = json.loads(out.read_text())
    assert recorded == measured  # --record keeps test-set numbers only
    card = zoo.cards()[("fsrcnn", 2)]
    assert "self_ensemble" not in card and row["images"] == 29  # 10 % of T91 (91) + BSD200 (200)
    assert row["psnr"] == pytest.approx(card["validation"]["psnr"], abs=0.001)
    assert row["ssim"] == pytest.approx(card["validation"]["ssim"], abs=0.0001)
