"""Refuse to bundle a llama.cpp built for the build machine's CPU alone.

llama-cpp-python builds llama.cpp with `GGML_NATIVE=ON` unless told otherwise: every instruction set
of the machine that builds it, with no check at run time, so that a bundle built on a CPU with
AVX-512 dies with "Illegal instruction" at the first suggestion on most desktops. A bundle's
llama.cpp must stop at x86-64-v3 (AVX2, FMA, F16C, BMI2: every x86 desktop CPU since 2013-2015);
`.ci/run` builds it so (docs/packaging.md). `KEYBOARD_APP_NATIVE_BUNDLE=1` builds one anyway, for
this machine only.

Usage: python packaging/portable_cpu.py (exit status 1, with the reason, if not portable).
"""

from __future__ import annotations

import os
import re
import sys

# What llama.cpp's system info names beyond x86-64-v3 (and Arm's optional extensions beyond
# what every 64-bit Arm CPU has).
BEYOND_PORTABLE = re.compile(r"\b(AVX512\w*|AVX_VNNI|AMX\w*|SVE\w*|SME\w*) = 1")
REBUILD = (
    'CMAKE_ARGS="-DGGML_NATIVE=OFF" pip install --no-cache-dir --force-reinstall --no-deps '
    '"llama-cpp-python==VERSION"'
)


def beyond_portable(system_info: str) -> list[str]:
    """The instruction sets in llama.cpp's system info that not every desktop CPU has."""
    return BEYOND_PORTABLE.findall(system_info)


def main() -> int:
    import llama_cpp

    found = beyond_portable(llama_cpp.llama_print_system_info().decode("utf-8", "replace"))
    if not found or os.environ.get("KEYBOARD_APP_NATIVE_BUNDLE") == "1":
        return 0
    print(  # noqa: T201 (a build script's message)
        f"build.sh: llama.cpp here is built for this CPU ({', '.join(found)}): the bundle would "
        "die with 'Illegal instruction' on CPUs without them. Rebuild it for any desktop CPU:\n"
        f"  {REBUILD.replace('VERSION', llama_cpp.__version__)}\n"
        "or set KEYBOARD_APP_NATIVE_BUNDLE=1 for a bundle for this machine only.",
        file=sys.stderr,
    )
    return 1


if __name__ == "__main__":
    sys.exit(main())
