"""Every file the app reads at start may be garbage: each reader is fed random JSON, JSON nested
far too deep, byte flips of a good file, a huge file, a folder and a named pipe, and must give its
defaults (with a warning), never raise. Seeded, and fast enough for every run."""

from __future__ import annotations

import json
import os
import random
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from keyboard_app.models import store
from keyboard_app.settings import Settings, SettingsStore, settings_from_dict, settings_to_dict
from keyboard_app.ui.recovery import Recovered, read_recovery

CASES = 150
SETTINGS_KEYS = list(settings_to_dict(Settings(recent_files=["/a.txt"])))
RECOVERY_KEYS = ["version", "saved_at", "path", "newline", "bom", "text"]
MANIFEST_KEYS = ["version", "default", "default_file", "models"]
MODEL_KEYS = [
    "name",
    "file",
    "source",
    "revision",
    "quantization",
    "size_bytes",
    "sha256",
    "installed",
    "type_mix",
]


def random_value(rng: random.Random, keys: list[str], depth: int = 0) -> Any:
    """A JSON value of any type, objects mostly with the reader's own keys."""
    kinds = ["null", "bool", "int", "float", "str"] + ["list", "object"] * (depth < 4)
    kind = rng.choice(kinds)
    if kind == "null":
        return None
    if kind == "bool":
        return rng.random() < 0.5
    if kind == "int":
        return rng.choice([0, 1, -1, 7, 2**63, -(2**70), rng.randint(-1000, 1000)])
    if kind == "float":
        return rng.choice([0.5, -0.0, 1e308, float("nan"), float("inf"), rng.random()])
    if kind == "str":
        return rng.choice(
            ["", "x", "\n", "\r\n", "\ud800", "/a.txt", "/a\0.txt", "builtin", "é" * 50]
        )
    if kind == "list":
        return [random_value(rng, keys, depth + 1) for _ in range(rng.randint(0, 4))]
    names = rng.sample(keys, rng.randint(0, len(keys))) + ["unknown"] * (rng.random() < 0.2)
    return {name: random_value(rng, keys, depth + 1) for name in names}


def hostile_files(good: bytes, keys: list[str], seed: int) -> Iterator[bytes | str]:
    """Byte strings to write at the reader's path; `"folder"` / `"pipe"` for those."""
    rng = random.Random(seed)
    yield b"[" * 100_000 + b"]" * 100_000
    yield b'{"models": ' + b"{" * 5000 + b"}" * 5000 + b"}"
    yield b" " * (2 << 20) + b"{}"  # larger than any real settings file
    yield b"\xff\xfe\x00\x00"
    yield "folder"
    yield "pipe"
    for _ in range(CASES):
        yield json.dumps(random_value(rng, keys)).encode("utf-8", "surrogatepass")
    for _ in range(CASES):
        flipped = bytearray(good)
        for _ in range(rng.randint(1, 4)):
            flipped[rng.randrange(len(flipped))] ^= 1 << rng.randrange(8)
        yield bytes(flipped)


def damaged_records(record: dict[str, Any], seed: int) -> Iterator[bytes]:
    """Manifests whose one model has a few fields of the wrong type (or missing)."""
    rng = random.Random(seed)
    for _ in range(CASES):
        damaged = dict(record)
        for name in rng.sample(MODEL_KEYS, rng.randint(1, 3)):
            if rng.random() < 0.2:
                del damaged[name]
            else:
                damaged[name] = random_value(rng, MODEL_KEYS, depth=3)
        manifest = {"version": 1, "default": "gpt2", "models": {"gpt2": damaged}}
        yield json.dumps(manifest).encode("utf-8", "surrogatepass")


def feed(path: Path, content: bytes | str, read: Callable[[], object]) -> object:
    if path.is_dir():
        path.rmdir()
    else:
        path.unlink(missing_ok=True)
    if content == "folder":
        path.mkdir()
    elif content == "pipe":
        os.mkfifo(path)
    else:
        assert isinstance(content, bytes)
        path.write_bytes(content)
    return read()


def test_the_settings_reader(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    good = json.dumps(settings_to_dict(Settings(top_k=7, recent_files=["/a.txt"]))).encode()
    for content in hostile_files(good, SETTINGS_KEYS, seed=1):
        settings = feed(path, content, SettingsStore(path).load)
        assert isinstance(settings, Settings)
        # What was read is valid: reading it back changes nothing.
        assert settings_from_dict(settings_to_dict(settings)) == settings
        # Every recent file can be opened or refused (a NUL made os.stat raise ValueError).
        assert all(name and "\0" not in name for name in settings.recent_files)


def test_the_recovery_reader(tmp_path: Path) -> None:
    path = tmp_path / "recovery-1-0.json"
    good = json.dumps({"version": 1, "path": "/a.txt", "newline": "\r\n", "text": "hi"}).encode()
    for content in hostile_files(good, RECOVERY_KEYS, seed=2):
        found = feed(path, content, lambda: read_recovery(path))
        assert found is None or (isinstance(found, Recovered) and found.text)
        if isinstance(found, Recovered):
            assert isinstance(found.path, str) and found.format.newline in ("\n", "\r\n", "\r")


@pytest.fixture
def manifest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("KEYBOARD_APP_DATA_DIR", str(tmp_path / "data"))
    return store.manifest_path()


def test_the_model_store_manifest_reader(manifest: Path) -> None:
    record: dict[str, Any] = {
        "name": "gpt2",
        "file": "gpt2-q8_0.gguf",
        "source": "openai-community/gpt2",
        "revision": None,
        "quantization": "q8_0",
        "size_bytes": 1,
        "sha256": "0" * 64,
        "installed": "2025-01-01T00:00:00+00:00",
        "type_mix": {},
    }
    good = json.dumps({"version": 1, "default": "gpt2", "models": {"gpt2": record}}).encode()
    for content in [
        *hostile_files(good, MANIFEST_KEYS + MODEL_KEYS, seed=3),
        *damaged_records(record, seed=4),
    ]:
        models = feed(manifest, content, store.installed_models)
        assert isinstance(models, list)
        assert all(isinstance(m, store.InstalledModel) for m in models)
        chosen = store.default_model_path()
        assert chosen is None or isinstance(chosen, Path)
