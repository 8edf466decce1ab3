"""Two processes at once on one model store or one file: the app and `keyboard-app models ...`
(or the command run twice). Real processes, a real HTTP server on 127.0.0.1, real files."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from keyboard_app.models import manager, store
from keyboard_app.models.download import DownloadOptions, download_file, file_url
from keyboard_app.models.errors import ModelManagerError
from tests.models.hf_fixtures import TINY_REPO, TINY_REVISION, FakeHub

FAST = DownloadOptions(retries=2, timeout_s=5.0, backoff_s=0.01, disk_margin_bytes=0)
ROOT = Path(__file__).resolve().parents[2]


def _python(code: str, *args: str) -> subprocess.Popen[str]:
    """A child Python running `code` from the repository (it inherits HF_ENDPOINT and the data
    folder the test fixtures set)."""
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _wait_for(condition: Callable[[], bool], timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_a_second_download_of_the_same_file_is_refused(fake_hub: FakeHub, tmp_path: Path) -> None:
    url = file_url(TINY_REPO, TINY_REVISION, "model.safetensors")
    dest = tmp_path / "model.safetensors"
    fake_hub.behaviour.pause_s = 0.02  # the first download takes a few seconds
    first = _python(
        """
        import sys
        from pathlib import Path
        from keyboard_app.models.download import DownloadOptions, download_file
        download_file(sys.argv[1], Path(sys.argv[2]), options=DownloadOptions(backoff_s=0.01))
        """,
        url,
        str(dest),
    )
    part = tmp_path / "model.safetensors.part"
    _wait_for(lambda: part.exists() and part.stat().st_size > 0)
    with pytest.raises(ModelManagerError, match="already being downloaded"):
        download_file(url, dest, options=FAST)
    output, _ = first.communicate(timeout=60)
    assert first.returncode == 0, output
    assert dest.read_bytes() == fake_hub.files["model.safetensors"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.safetensors"]


def test_validating_a_file_that_is_rewritten_meanwhile(random_model: Path, tmp_path: Path) -> None:
    """Another program rewriting the file (truncating it first) gives a ModelError at worst, never
    a crash (a memory map of the file died with SIGBUS)."""
    path = tmp_path / "rewritten.gguf"
    shutil.copyfile(random_model, path)
    validator = _python(
        """
        import sys, time
        from keyboard_app.engine.errors import ModelError
        from keyboard_app.engine.gguf_validate import validate_gguf
        end = time.monotonic() + 3
        while time.monotonic() < end:
            try:
                validate_gguf(sys.argv[1])
            except ModelError:
                pass
        """,
        str(path),
    )
    while validator.poll() is None:
        shutil.copyfile(random_model, path)
    output, _ = validator.communicate()
    assert validator.returncode == 0, output


def test_manifest_changes_from_processes_at_once_are_all_kept() -> None:
    adders = [
        _python(
            """
            import sys
            from keyboard_app.models import store
            for i in range(10):
                name = f"p{sys.argv[1]}-{i}"
                staged = store.store_dir() / f".{name}.staging.gguf"
                staged.write_bytes(b"GGUF " + name.encode())
                store.add_model(
                    name, staged, source="test", revision=None, quantization="f32", type_mix={}
                )
            """,
            str(process),
        )
        for process in range(4)
    ]
    for adder in adders:
        output, _ = adder.communicate(timeout=60)
        assert adder.returncode == 0, output
    names = {m.name for m in store.installed_models()}
    assert names == {f"p{p}-{i}" for p in range(4) for i in range(10)}
    assert not list(store.store_dir().glob(".*"))


def test_adding_a_name_that_is_taken_meanwhile_is_refused(tmp_path: Path) -> None:
    """The name is checked again when the model is recorded: another process may have taken it
    since the install began."""
    first = store.store_dir() / ".first.staging.gguf"
    first.write_bytes(b"GGUF first")
    store.add_model("same", first, source="a", revision=None, quantization="f32", type_mix={})
    second = store.store_dir() / ".second.staging.gguf"
    second.write_bytes(b"GGUF second")
    with pytest.raises(ModelManagerError, match="already installed"):
        store.add_model("same", second, source="b", revision=None, quantization="f32", type_mix={})
    assert store.get_model("same").path.read_bytes() == b"GGUF first"
    assert store.get_model("same").source == "a"


_HALF_DONE_INSTALL = """
    import sys
    from keyboard_app.files import atomic_path
    from keyboard_app.models.leftovers import install_files
    from keyboard_app.models.store import store_dir
    with install_files(store_dir(), sys.argv[1]) as temporary:
        temporary("f32").write_bytes(b"f32 weights")
        with atomic_path(temporary("staging")) as part:
            part.write_bytes(b"half quantized")
            print("written", flush=True)
            sys.stdin.readline()  # killed here, or told to finish
"""


def _hidden_files() -> set[str]:
    return {p.name for p in store.store_dir().iterdir() if p.name.startswith(".")}


def _half_done_install(model_name: str) -> subprocess.Popen[str]:
    child = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(_HALF_DONE_INSTALL), model_name],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None and child.stdout.readline() == "written\n"
    return child


def test_the_files_of_a_killed_install_are_removed_by_the_next(tiny_f32_gguf: Path) -> None:
    """SIGKILL (or a closed terminal) runs no cleanup; the next install removes what was left,
    but never the files of an install that is still running."""
    killed = _half_done_install("killed")
    running = _half_done_install("running")
    killed.kill()
    killed.wait()
    left = _hidden_files()
    assert {n for n in left if n.startswith((".killed.", "..killed."))} != set()
    try:
        manager.import_model(tiny_f32_gguf, name="next")
        after = _hidden_files()
    finally:
        assert running.stdin is not None
        running.stdin.close()
        running.wait(timeout=30)
    assert not any("killed" in name for name in after)
    assert {n for n in left if "running" in n} <= after
    assert sum(".running." in n for n in after) == 2  # its f32 file and its staging's .part
    assert sum(n.startswith(".install-") for n in after) == 1  # its lock; the killed one's is gone
    assert [m.name for m in manager.installed_models()] == ["next"]
