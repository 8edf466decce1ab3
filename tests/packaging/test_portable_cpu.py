"""The bundle's llama.cpp must run on any desktop CPU: packaging/portable_cpu.py refuses one built for
the build machine's instruction sets alone (build.sh runs it before PyInstaller)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "packaging" / "portable_cpu.py"
# llama.cpp's system info as printed by a native build on a server CPU, and by a portable one.
NATIVE = (
    "CPU : SSE3 = 1 | SSSE3 = 1 | AVX = 1 | AVX2 = 1 | F16C = 1 | FMA = 1 | BMI2 = 1 | AVX512 = 1 | "
    "AVX512_VBMI = 1 | AVX512_VNNI = 1 | AVX512_BF16 = 1 | LLAMAFILE = 1 | OPENMP = 1 | REPACK = 1 | "
)
PORTABLE = (
    "CPU : SSE3 = 1 | SSSE3 = 1 | AVX = 1 | AVX2 = 1 | F16C = 1 | FMA = 1 | BMI2 = 1 | AVX512 = 0 | "
    "LLAMAFILE = 1 | OPENMP = 1 | REPACK = 1 | "
)


def portable_cpu() -> ModuleType:
    spec = importlib.util.spec_from_file_location("portable_cpu", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("system_info", "found"),
    [
        (NATIVE, ["AVX512", "AVX512_VBMI", "AVX512_VNNI", "AVX512_BF16"]),
        (PORTABLE, []),
        ("CPU : AVX2 = 1 | AVX_VNNI = 1 | AMX_INT8 = 1 | ", ["AVX_VNNI", "AMX_INT8"]),
        ("CPU : NEON = 1 | ARM_FMA = 1 | SVE = 1 | ", ["SVE"]),
    ],
)
def test_instruction_sets_beyond_any_desktop_cpu_are_found(
    system_info: str, found: list[str]
) -> None:
    assert portable_cpu().beyond_portable(system_info) == found


def test_the_check_says_whether_this_llama_cpp_may_be_bundled() -> None:
    import llama_cpp

    found = portable_cpu().beyond_portable(llama_cpp.llama_print_system_info().decode())
    result = subprocess.run(
        [sys.executable, str(SCRIPT)], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == (1 if found else 0), result.stderr
    if found:
        assert "Illegal instruction" in result.stderr and "GGML_NATIVE=OFF" in result.stderr
