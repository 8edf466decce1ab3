"""An install that is not editable (`pip install .`, a wheel) carries what the app needs at run time
(the built-in model, GPT-2's vocabulary, the word lists) and finds it (paths.resources_dir)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytest.importorskip("setuptools", reason="building the wheel without isolation needs setuptools")


def pip(*args: str | Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", *map(str, args), "--quiet"], check=True, timeout=600
    )


def test_a_wheel_install_finds_the_built_in_model(tmp_path):
    pip("wheel", ROOT, "--no-deps", "--no-build-isolation", "--wheel-dir", tmp_path / "wheel")
    wheel = next((tmp_path / "wheel").glob("keyboard_app-*.whl"))
    prefix = tmp_path / "prefix"
    # --ignore-installed: without it pip uninstalls the environment's own keyboard-app first.
    pip("install", "--no-deps", "--no-index", "--ignore-installed", "--prefix", prefix, wheel)
    site_packages = next(prefix.glob("lib/python*/site-packages"))

    environment = {**os.environ, "PYTHONPATH": str(site_packages)}
    environment.pop("KEYBOARD_APP_RESOURCES", None)
    environment["KEYBOARD_APP_DATA_DIR"] = str(tmp_path / "data")
    where = subprocess.run(
        [sys.executable, "-c", "import keyboard_app, keyboard_app.paths as p;"
         "print(keyboard_app.__file__); print(p.resources_dir())"],
        cwd=tmp_path, env=environment, capture_output=True, text=True, check=True,
    )  # fmt: skip
    package, resources = where.stdout.splitlines()
    assert Path(package).is_relative_to(site_packages)
    assert (Path(package).parent / "py.typed").is_file()  # type checkers read its hints
    assert Path(resources) == (prefix / "share" / "keyboard-app" / "resources").resolve()

    suggest = subprocess.run(
        [sys.executable, "-m", "keyboard_app.cli", "suggest", "Thank you for your he", "--json"],
        cwd=tmp_path, env=environment, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert suggest.returncode == 0, suggest.stderr
    words = [entry["word"] for entry in json.loads(suggest.stdout)]
    assert words and all(word.lower().startswith("he") for word in words)  # Helen: a name
