"""`keyboard-app models ...` end to end, in process, against the fake hub."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from keyboard_app.cli import main
from keyboard_app.engine.gguf_validate import validate_gguf
from keyboard_app.models import store
from tests.models.hf_fixtures import FakeHub


def test_list_shows_catalog_and_installed(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["models", "list"]) == 0
    out = capsys.readouterr().out
    for name in ("gpt2", "gpt2-medium", "gpt2-large", "gpt2-xl", "q4_k_m", "download 548 MB"):
        assert name in out
    assert "(none)" in out and "the built-in model" in out


def test_download_use_list_remove(fake_hub: FakeHub, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["models", "download", "tiny-gpt2", "--quant", "q4_0", "--use"]) == 0
    captured = capsys.readouterr()
    assert "Installed tiny-gpt2-q4_0" in captured.out and "Q4_0" in captured.out
    # Not a terminal: each stage once on a line of its own, no bar redrawn with carriage returns.
    stages = captured.err.splitlines()
    assert stages and "\r" not in captured.err and len(stages) == len(set(stages))
    assert store.default_model_path() == store.get_model("tiny-gpt2-q4_0").path
    assert main(["models", "list"]) == 0
    assert "*tiny-gpt2-q4_0" in capsys.readouterr().out
    assert main(["models", "use", "builtin"]) == 0
    assert store.default_model_path() is None
    assert main(["models", "remove", "tiny-gpt2-q4_0"]) == 0
    assert store.installed_models() == []


def test_convert_quantize_import(
    tiny_checkpoint: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f32 = tmp_path / "tiny.gguf"
    assert main(["models", "convert", str(tiny_checkpoint), "--out", str(f32)]) == 0
    q4 = tmp_path / "tiny-q4_k_m.gguf"
    assert main(["models", "quantize", str(f32), str(q4), "--type", "q4_k_m"]) == 0
    assert "Wrote" in capsys.readouterr().out
    assert validate_gguf(q4).size < validate_gguf(f32).size
    assert main(["models", "import", str(q4)]) == 0
    assert [m.name for m in store.installed_models()] == ["tiny-q4_k_m"]


def test_errors_are_one_clear_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    foreign = tmp_path / "foreign.gguf"
    foreign.write_bytes(b"not a gguf at all, just some text padding it out")
    assert main(["models", "import", str(foreign)]) == 1
    assert main(["models", "convert", str(tmp_path), "--out", str(tmp_path / "x.gguf")]) == 1
    assert main(["models", "remove", "nothing"]) == 1
    assert main(["models", "download", "gpt5"]) == 1
    err = capsys.readouterr().err
    assert "wrong magic bytes" in err and "has no config.json" in err
    assert "No installed model" in err and "no model 'gpt5'" in err
    assert "Traceback" not in err


def test_use_and_remove_say_the_name_the_model_was_installed_under(
    tiny_f32_gguf: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["models", "import", str(tiny_f32_gguf), "--name", "my model"]) == 0
    capsys.readouterr()
    assert main(["models", "use", "my model"]) == 0
    assert capsys.readouterr().out == "The app now uses my-model.\n"
    assert main(["models", "remove", "../my model"]) == 0
    assert capsys.readouterr().out == "Removed my-model.\n"
    assert store.installed_models() == []


@pytest.mark.parametrize("endpoint", ["http://[::1", "127.0.0.1:8000"])
def test_a_bad_hf_endpoint_is_one_clear_line(
    fake_hub: FakeHub,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    endpoint: str,
) -> None:
    monkeypatch.setenv("HF_ENDPOINT", endpoint)
    assert main(["models", "download", "tiny-gpt2"]) == 1
    err = capsys.readouterr().err.strip()
    assert err == (
        f"error: The hub address {endpoint!r} (HF_ENDPOINT) is not an http:// or https:// "
        "address with a host; it should look like https://huggingface.co."
    )


@pytest.mark.parametrize("damage", ["delete", "truncate"])
def test_use_refuses_a_model_whose_file_is_gone_or_damaged(
    tiny_f32_gguf: Path, capsys: pytest.CaptureFixture[str], damage: str
) -> None:
    assert main(["models", "import", str(tiny_f32_gguf), "--name", "mine"]) == 0
    path = store.get_model("mine").path
    if damage == "delete":
        path.unlink()
        problem = f"Model file {path} does not exist."
    else:
        path.write_bytes(tiny_f32_gguf.read_bytes()[:-1000])
        reason = "tensor token_embd.weight runs past the end of the file (truncated?)"
        problem = f"Model file {path} cannot be used: {reason}."
    capsys.readouterr()
    assert main(["models", "use", "mine"]) == 1
    assert capsys.readouterr().err.strip() == (
        f"error: Cannot use mine: {problem} Remove it and install it again."
    )
    assert store.default_model_name() is None


@pytest.mark.parametrize("damage", ["delete", "truncate", "malformed entry"])
def test_list_says_the_built_in_model_is_used_instead_of_an_unusable_choice(
    tiny_f32_gguf: Path, capsys: pytest.CaptureFixture[str], damage: str
) -> None:
    assert main(["models", "import", str(tiny_f32_gguf), "--name", "mine"]) == 0
    assert main(["models", "use", "mine"]) == 0
    path = store.get_model("mine").path
    if damage == "delete":
        path.unlink()
        problem, state = f"Model file {path} does not exist.", "missing"
    elif damage == "truncate":
        path.write_bytes(tiny_f32_gguf.read_bytes()[:-1000])
        reason = "tensor token_embd.weight runs past the end of the file (truncated?)"
        problem, state = f"Model file {path} cannot be used: {reason}.", "unusable"
    else:
        manifest = json.loads(store.manifest_path().read_text())
        manifest["models"]["mine"]["file"] = "../elsewhere.gguf"
        store.manifest_path().write_text(json.dumps(manifest))
        problem, state = "No installed model is called 'mine'.", ""
    capsys.readouterr()
    assert main(["models", "list"]) == 0
    out = capsys.readouterr().out
    assert out.endswith(
        f"The app uses: the built-in model\n  (mine is chosen, but cannot be used: {problem})\n"
    )
    assert (" *mine " in out and state in out) if state else "(none)" in out
