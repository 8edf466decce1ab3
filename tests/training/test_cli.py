"""`keyboard-app train`'s mistakes are caught before any training: wrong usage exits 2 with
argparse's usage line, a corpus that is not there exits 1 with one line, never a traceback."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from keyboard_app.cli import main


def run(arguments: list[str]) -> int:
    try:
        return main(["train", *arguments])
    except SystemExit as exit_:  # argparse's own checks
        return int(exit_.code or 0)


@pytest.mark.parametrize(
    ("arguments", "complaint"),
    [
        ([], "--out FILE.gguf is required"),
        (["--out", "m.gguf", "--width", "250", "--heads", "3"], "--width 250 is not a multiple"),
        (["--steps", "0"], "argument --steps"),
        (["--minutes", "-1"], "argument --minutes"),
        (["--context", "4096"], "argument --context"),
        (["--learning-rate", "nan"], "argument --learning-rate"),
        (["--dropout", "2"], "argument --dropout"),
        (["--vocab", "1"], "argument --vocab"),
    ],
)
def test_wrong_usage_exits_2_before_the_corpus_is_read(
    arguments: list[str], complaint: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    missing = tmp_path / "no-corpus"  # never read: a read would be an exit 1
    assert run(["--corpus", str(missing), *arguments]) == 2
    err = capsys.readouterr().err
    assert complaint in err and "Traceback" not in err


@pytest.mark.parametrize("output", ["--out", "--write-heldout"])
def test_a_missing_corpus_is_one_line_and_exit_1(
    output: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    missing = tmp_path / "no-corpus"
    assert run(["--corpus", str(missing), output, str(tmp_path / "out")]) == 1
    assert capsys.readouterr().err == f"error: {missing}: No such file or directory\n"


@pytest.mark.parametrize(
    ("content", "complaint"),
    [
        ("{not json", "cannot be read as a corpus file: it is not JSON"),
        ('{"a": "dict"}', "is not a corpus file (a JSON list of sentences)."),
        ("[" * 100_000 + "]" * 100_000, "cannot be read as a corpus file: it is not usable JSON"),
    ],
)
def test_a_broken_corpus_file_is_one_line_and_exit_1(
    content: str, complaint: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    folder = tmp_path / "corpus" / "sentences"
    folder.mkdir(parents=True)
    (folder / "a.json").write_text('["A good sentence."]', "utf-8")
    (folder / "b.json").write_text(content, "utf-8")
    assert run(["--corpus", str(tmp_path / "corpus"), "--write-heldout", str(tmp_path / "h")]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: {folder / 'b.json'} ") and complaint in err
    assert err.count("\n") == 1


def test_training_without_pytorch_is_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in [m for m in sys.modules if m == "torch" or m.startswith("torch.")]:
        monkeypatch.delitem(sys.modules, name)
    for name in ("keyboard_app.training.trainer", "keyboard_app.training.export"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    monkeypatch.setitem(sys.modules, "torch", None)  # as without the train extra, or in the bundle
    assert run(["--corpus", str(tmp_path), "--out", str(tmp_path / "m.gguf")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: training needs PyTorch") and "Traceback" not in err


def test_a_folder_without_a_corpus_is_one_line_and_exit_1(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Rather than an empty held-out file: a folder of other files, or the wrong folder."""
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "readme.txt").write_text("not a corpus", "utf-8")
    heldout = tmp_path / "heldout.txt"
    assert run(["--corpus", str(tmp_path), "--write-heldout", str(heldout)]) == 1
    assert capsys.readouterr().err == f"error: no Brown or JSON corpus found under {tmp_path}\n"
    assert not heldout.exists()
