"""llama.cpp's own log (a line per tensor quantized or loaded) stays off stderr unless asked for."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

# A line llama.cpp's quantizer writes for every run, through llama-cpp-python's logger.
QUANTIZE_LOG_LINE = "llama_model_quantize_impl"


def run_python(code: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "KEYBOARD_APP_DATA_DIR": str(tmp_path / "data")},
        timeout=120,
    )


def test_quantizing_from_a_script_keeps_llama_cpp_quiet(random_model: Path, tmp_path: Path) -> None:
    out = tmp_path / "q.gguf"
    code = (
        "from pathlib import Path\n"
        "from keyboard_app.models.quantize import quantize_gguf\n"
        f"quantize_gguf(Path({str(random_model)!r}), Path({str(out)!r}), 'q8_0')\n"
    )
    result = run_python(code, tmp_path)
    assert result.returncode == 0, result.stderr
    assert out.is_file()
    assert QUANTIZE_LOG_LINE not in result.stderr


def test_a_script_that_wants_the_log_gets_it(random_model: Path, tmp_path: Path) -> None:
    out = tmp_path / "q.gguf"
    code = (
        "from pathlib import Path\n"
        "from keyboard_app.engine.llama_log import show_llama_cpp_log\n"
        "from keyboard_app.models.quantize import quantize_gguf\n"
        "show_llama_cpp_log(True)\n"
        f"quantize_gguf(Path({str(random_model)!r}), Path({str(out)!r}), 'q8_0')\n"
    )
    result = run_python(code, tmp_path)
    assert result.returncode == 0, result.stderr
    assert QUANTIZE_LOG_LINE in result.stderr


@pytest.mark.parametrize("verbose", [False, True])
def test_the_command_line_shows_it_only_with_verbose(
    random_model: Path, tmp_path: Path, verbose: bool
) -> None:
    out = tmp_path / "q.gguf"
    flags = ["-v"] if verbose else []
    command = [sys.executable, "-m", "keyboard_app.cli", *flags, "models", "quantize"]
    result = subprocess.run(
        [*command, str(random_model), str(out), "--type", "q8_0"],
        capture_output=True,
        text=True,
        env={**os.environ, "KEYBOARD_APP_DATA_DIR": str(tmp_path / "data")},
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert (QUANTIZE_LOG_LINE in result.stderr) == verbose


@pytest.mark.parametrize("show", [False, True])
def test_bench_models_keeps_the_choice_for_the_next_quantization(
    random_model: Path, tmp_path: Path, show: bool
) -> None:
    """`bench models -v` quantizes each size after timing the one before in `llama_cpp.Llama`,
    which sets the log's level from its `verbose`: the choice holds for every quantization."""
    out = tmp_path / "q.gguf"
    code = (
        "from pathlib import Path\n"
        "from keyboard_app.commands.bench_models import _speed\n"
        "from keyboard_app.engine.llama_log import show_llama_cpp_log\n"
        "from keyboard_app.models.quantize import quantize_gguf\n"
        f"show_llama_cpp_log({show})\n"
        f"_speed(Path({str(random_model)!r}), 1)\n"
        f"quantize_gguf(Path({str(random_model)!r}), Path({str(out)!r}), 'q8_0')\n"
    )
    result = run_python(code, tmp_path)
    assert result.returncode == 0, result.stderr
    assert (QUANTIZE_LOG_LINE in result.stderr) == show
