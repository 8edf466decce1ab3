"""The engine and every package beside it (the personal store, the corrector, the model manager,
training, the command line, the benchmarks) import no Qt: each module of keyboard_app outside `ui/`
is imported in one interpreter where PySide6 cannot be imported. The only exceptions are the
developer tools that drive the window (the bundle's DEVELOPER_TOOLS)."""

import subprocess
import sys
from pathlib import Path

import keyboard_app

PACKAGE = Path(keyboard_app.__file__).parent
WINDOW_DRIVERS = {
    "keyboard_app.bench.demo",
    "keyboard_app.bench.key_typing",
    "keyboard_app.bench.ui_typing",
}
BLOCK_QT_AND_IMPORT = """
import importlib, sys
for name in ("PySide6", "shiboken6"):
    sys.modules[name] = None  # any import of it now fails
for module in sys.argv[1:]:
    importlib.import_module(module)
"""


def modules_outside_the_ui() -> list[str]:
    names = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = ["keyboard_app", *path.relative_to(PACKAGE).with_suffix("").parts]
        if "ui" in parts[1:2]:
            continue
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        if name not in WINDOW_DRIVERS:
            names.append(name)
    return names


def test_no_module_outside_the_ui_imports_qt():
    modules = modules_outside_the_ui()
    assert {"keyboard_app.engine.predictor", "keyboard_app.personal.store"} <= set(modules)
    result = subprocess.run(
        [sys.executable, "-c", BLOCK_QT_AND_IMPORT, *modules],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]


def test_the_window_drivers_are_the_bundles_developer_tools():
    from tests.bench.test_ui_tools import _bundle_developer_tools

    assert set(_bundle_developer_tools()) == WINDOW_DRIVERS
