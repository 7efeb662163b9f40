"""Output folders are written whole or not at all, and never overwritten by accident."""

import pytest

from werkalliantie_stats.report import OutputExistsError, output_folder


def test_folder_appears_only_after_success(tmp_path):
    target = tmp_path / "out"
    with output_folder(target) as staging:
        (staging / "a.txt").write_text("x")
        assert not target.exists()
    assert (target / "a.txt").read_text() == "x"
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_failure_leaves_nothing_behind(tmp_path):
    target = tmp_path / "out"
    with pytest.raises(RuntimeError), output_folder(target) as staging:
        (staging / "half.txt").write_text("x")
        raise RuntimeError("boom")
    assert list(tmp_path.iterdir()) == []


def test_existing_folder_needs_force_and_survives_a_failed_replace(tmp_path):
    target = tmp_path / "out"
    target.mkdir()
    (target / "old.txt").write_text("old")
    with pytest.raises(OutputExistsError, match=r"already exists.*--force"):
        with output_folder(target):
            pass
    with pytest.raises(RuntimeError), output_folder(target, force=True):
        raise RuntimeError("boom")
    assert (target / "old.txt").read_text() == "old"
    with output_folder(target, force=True) as staging:
        (staging / "new.txt").write_text("new")
    assert [p.name for p in target.iterdir()] == ["new.txt"]
