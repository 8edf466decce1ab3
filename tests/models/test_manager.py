"""The model manager end to end: fake hub -> convert -> quantize -> store -> the app's default."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from keyboard_app import locking
from keyboard_app.engine.gguf_validate import validate_gguf
from keyboard_app.files import sha256_of
from keyboard_app.models import manager, store
from keyboard_app.models.download import DownloadOptions
from keyboard_app.models.errors import ModelManagerError, OperationCancelled
from keyboard_app.models.progress import Progress
from tests.models.hf_fixtures import FakeHub, hf_config, tiny_weights, write_checkpoint

FAST = DownloadOptions(retries=1, timeout_s=5.0, backoff_s=0.01, disk_margin_bytes=0)


def _files(folder: Path) -> set[str]:
    return {p.name for p in folder.rglob("*") if p.is_file()}


def test_download_installs_a_quantized_model(fake_hub: FakeHub) -> None:
    stages: list[str] = []
    model = manager.download_model(
        "tiny-gpt2", "q8_0", progress=lambda p: stages.append(p.stage), options=FAST
    )
    assert model.name == "tiny-gpt2-q8_0"
    assert model.source == "test-org/tiny-gpt2" and model.revision == fake_hub.entry.revision
    assert model.path.is_file() and model.size_bytes == model.path.stat().st_size
    assert model.sha256 == sha256_of(model.path)
    assert validate_gguf(model.path).quantization == "Q8_0"
    assert model.type_mix["Q8_0"] >= 8
    assert {"config.json", "model.safetensors", "convert", "quantize"} <= set(stages)
    # Only the model and the manifest remain: no f32 intermediate, no download, no staging.
    assert _files(store.store_dir()) == {"tiny-gpt2-q8_0.gguf", "manifest.json"}
    assert [m.name for m in manager.installed_models()] == ["tiny-gpt2-q8_0"]


def test_default_model_round_trip(fake_hub: FakeHub) -> None:
    assert store.default_model_path() is None
    model = manager.download_model("tiny-gpt2", "q4_0", options=FAST)
    manager.set_default_model(model.name)
    assert store.default_model_path() == model.path
    manifest = json.loads(store.manifest_path().read_text())
    assert manifest["default"] == model.name
    assert manifest["models"][model.name]["quantization"] == "q4_0"
    manager.remove_model(model.name)
    assert store.default_model_path() is None
    # Cleared in the manifest, not only unusable for want of the file (a model installed again
    # under that name must not become the default by itself).
    manifest = json.loads(store.manifest_path().read_text())
    assert manifest["default"] is None
    assert manifest["models"] == {}
    assert not model.path.exists()


def test_model_names_are_safe_file_names_of_at_most_80_characters() -> None:
    assert store.safe_model_name("my model/v2: final?") == "my-model-v2-final"
    assert store.safe_model_name("x" * 200) == "x" * 80
    with pytest.raises(ModelManagerError, match="cannot be used"):
        store.safe_model_name("../..")


def test_model_names_keep_the_letters_of_every_script() -> None:
    assert store.safe_model_name("modèle ünï") == "modèle-ünï"
    assert store.safe_model_name(unicodedata.normalize("NFD", "modèle")) == "modèle"  # macOS
    assert store.safe_model_name("Модель") == "Модель"
    assert store.safe_model_name("हिन्दी २") == "हिन्दी-२"  # vowel signs are marks, not letters
    assert store.safe_model_name("a\u202eb/c🙂d") == "a-b-c-d"  # no bidi controls, emoji, paths
    long = store.safe_model_name("語" * 100)  # 3 bytes each: cut to fit file names
    assert long == "語" * 40 and len(long.encode()) <= store.MAX_NAME_BYTES
    with pytest.raises(ModelManagerError, match="needs a letter or a digit"):
        store.safe_model_name("🙂 !")


def test_a_unicode_name_is_installed_found_and_removed(tiny_f32_gguf: Path, tmp_path: Path) -> None:
    model = manager.import_model(tiny_f32_gguf, "modèle ünï")
    assert model.name == "modèle-ünï" and model.path.name == "modèle-ünï.gguf"
    japanese = tmp_path / "日本語.gguf"
    japanese.write_bytes(tiny_f32_gguf.read_bytes())
    assert manager.import_model(japanese).name == "日本語"
    assert [m.name for m in manager.installed_models()] == ["modèle-ünï", "日本語"]
    manager.set_default_model("modèle ünï")  # the name as typed for the import finds it
    assert store.default_model_path() == model.path
    manager.remove_model("modèle ünï")
    assert [m.name for m in manager.installed_models()] == ["日本語"]
    assert not model.path.exists()


def test_a_file_name_that_makes_no_name_asks_for_one(tiny_f32_gguf: Path, tmp_path: Path) -> None:
    odd = tmp_path / "🙂.gguf"
    odd.write_bytes(tiny_f32_gguf.read_bytes())
    with pytest.raises(
        ModelManagerError, match=r"needs a letter or a digit.*choose one with --name"
    ):
        manager.import_model(odd)


def test_names_differing_only_in_case_are_refused(tiny_f32_gguf: Path) -> None:
    """On macOS and Windows `Mine.gguf` and `mine.gguf` are one file: a second install would
    replace the first one's file, and removing one would delete the other's."""
    first = manager.import_model(tiny_f32_gguf, "Modèle")
    with pytest.raises(ModelManagerError, match=r"'Modèle' is already installed.*only in case"):
        manager.import_model(tiny_f32_gguf, "MODÈLE")
    assert manager.installed_models() == [first]


def test_import_records_the_absolute_path(
    tiny_f32_gguf: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tiny_f32_gguf.parent)
    model = manager.import_model(Path(tiny_f32_gguf.name))
    assert model.source == f"imported from {tiny_f32_gguf.resolve()}"


def test_a_model_whose_file_is_gone_or_damaged_cannot_be_chosen(tiny_f32_gguf: Path) -> None:
    gone = manager.import_model(tiny_f32_gguf, "gone")
    damaged = manager.import_model(tiny_f32_gguf, "damaged")
    manager.set_default_model(gone.name)
    gone.path.unlink()
    with pytest.raises(ModelManagerError, match=r"Cannot use gone: Model file .* does not exist"):
        manager.set_default_model(gone.name)
    damaged.path.write_bytes(tiny_f32_gguf.read_bytes()[:-1000])
    with pytest.raises(ModelManagerError, match=r"Cannot use damaged: .*truncated"):
        manager.set_default_model(damaged.name, validate=True)
    chosen = store.chosen_model(validate=True)
    assert (chosen.label, chosen.path) == ("gone", None)
    assert chosen.problem == f"Model file {gone.path} does not exist."


def test_kept_download_is_reused_for_another_quantization(fake_hub: FakeHub) -> None:
    manager.download_model("tiny-gpt2", "q8_0", keep_download=True, options=FAST)
    fake_hub.behaviour.requests.clear()
    model = manager.download_model("tiny-gpt2", "f16", options=FAST)
    assert fake_hub.behaviour.requests == []
    assert validate_gguf(model.path).quantization == "F16"
    assert not manager.download_dir(fake_hub.entry).exists()


def test_another_install_of_the_same_model_waits_for_none_and_deletes_nothing(
    fake_hub: FakeHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another quantization of the model installed while the first is converting is refused at
    once: finished first, it would delete the download folder the first converts from."""
    refusals: list[str] = []
    real_convert = manager._convert_and_install

    def convert_after_another_install(*args: Any) -> store.InstalledModel:
        monkeypatch.setattr(manager, "_convert_and_install", real_convert)  # once
        try:
            manager.download_model("tiny-gpt2", "f16", options=FAST)
        except ModelManagerError as refusal:
            refusals.append(str(refusal))
        return real_convert(*args)

    monkeypatch.setattr(manager, "_convert_and_install", convert_after_another_install)
    model = manager.download_model("tiny-gpt2", "q8_0", options=FAST)
    assert refusals == [
        "tiny-gpt2 is already being installed by another keyboard-app (the app or `keyboard-app "
        "models download`); try again when it has finished."
    ]
    assert [m.name for m in manager.installed_models()] == [model.name]
    assert validate_gguf(model.path).quantization == "Q8_0"
    assert not manager.download_dir(fake_hub.entry).exists()
    assert not list(manager.download_dir(fake_hub.entry).parent.iterdir())  # nor its lock


def test_failed_download_leaves_the_previous_model_in_use(fake_hub: FakeHub) -> None:
    model = manager.download_model("tiny-gpt2", "q8_0", options=FAST)
    manager.set_default_model(model.name)
    fake_hub.behaviour.corrupt = True
    with pytest.raises(ModelManagerError, match="corrupt"):
        manager.download_model("tiny-gpt2", "q4_0", options=FAST)
    assert store.default_model_path() == model.path
    # The corrupt download is gone; the verified config.json stays for the next try.
    assert _files(store.store_dir()) == {"tiny-gpt2-q8_0.gguf", "manifest.json", "config.json"}


def test_cancelled_install_leaves_nothing_that_looks_finished(fake_hub: FakeHub) -> None:
    cancel = threading.Event()

    def cancel_while_converting(p: Progress) -> None:
        if p.stage == "convert":
            cancel.set()

    with pytest.raises(OperationCancelled):
        manager.download_model("tiny-gpt2", "q8_0", cancel_while_converting, cancel, options=FAST)
    assert manager.installed_models() == []
    assert not list(store.store_dir().glob("*.gguf")) and not list(store.store_dir().glob(".*"))


def test_already_installed_and_unknown_names(fake_hub: FakeHub) -> None:
    manager.download_model("tiny-gpt2", "q8_0", options=FAST)
    with pytest.raises(ModelManagerError, match="already installed"):
        manager.download_model("tiny-gpt2", "q8_0", options=FAST)
    with pytest.raises(ModelManagerError, match="no model 'gpt5'"):
        manager.download_model("gpt5")
    with pytest.raises(ModelManagerError, match="Unknown quantization"):
        manager.download_model("tiny-gpt2", "q3_k")
    with pytest.raises(ModelManagerError, match="No installed model"):
        manager.set_default_model("nope")


def test_import_validates_trial_loads_and_copies(tiny_f32_gguf: Path) -> None:
    model = manager.import_model(tiny_f32_gguf, "my model")
    assert model.name == "my-model" and model.quantization == "f32"
    assert model.path.read_bytes() == tiny_f32_gguf.read_bytes()
    assert model.source == f"imported from {tiny_f32_gguf}"


@pytest.mark.parametrize("stage", ["loading", "copying"])
def test_a_cancelled_import_installs_nothing_and_leaves_nothing(
    tiny_f32_gguf: Path, stage: str
) -> None:
    cancel = threading.Event()
    stages: list[str] = []

    def cancel_at(p: Progress) -> None:
        stages.append(p.stage)
        if p.stage.startswith(stage):
            cancel.set()

    with pytest.raises(OperationCancelled, match=r"Importing tiny-f32\.gguf was cancelled"):
        manager.import_model(tiny_f32_gguf, progress=cancel_at, cancel=cancel)
    assert stages[-1].startswith(stage)
    assert manager.installed_models() == []
    assert not list(store.store_dir().glob("*.gguf")) and not list(store.store_dir().glob(".*"))


def test_import_refuses_a_truncated_file(tiny_f32_gguf: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.gguf"
    broken.write_bytes(tiny_f32_gguf.read_bytes()[:-1000])
    with pytest.raises(ModelManagerError, match="truncated"):
        manager.import_model(broken)
    assert manager.installed_models() == []


def test_missing_default_file_falls_back_to_builtin(tiny_f32_gguf: Path) -> None:
    model = manager.import_model(tiny_f32_gguf)
    manager.set_default_model(model.name)
    model.path.unlink()
    assert store.default_model_path() is None


def test_unreadable_manifest_is_treated_as_empty() -> None:
    store.manifest_path().write_text("{broken")
    assert manager.installed_models() == []
    assert store.default_model_path() is None


def test_catalog_lists_the_four_gpt2_sizes() -> None:
    entries = {e.name: e for e in manager.catalog()}
    assert list(entries) == ["gpt2", "gpt2-medium", "gpt2-large", "gpt2-xl"]
    small = entries["gpt2"]
    assert small.download_bytes == pytest.approx(548_105_171, rel=1e-3)
    sizes = {q.kind: q.size_bytes for q in small.estimates()}
    assert sizes["q4_0"] < sizes["q4_k_m"] < sizes["q8_0"] < sizes["f16"]
    xl = {q.kind: q.size_bytes for q in entries["gpt2-xl"].estimates()}
    assert xl["q4_k_m"] > xl["q4_0"] * 1.1  # 1,600-wide rows: k-quants fall back to bigger types


def test_installed_model_runs_in_the_predictor(fake_hub: FakeHub) -> None:
    """What the app does with the default model: Predictor.load, then the next-token ranking."""
    from keyboard_app.engine import Predictor
    from keyboard_app.engine.tokenizer import END_OF_TEXT_ID, encode_user_text
    from tests.models.gpt2_reference import gpt2_logits
    from tests.models.hf_fixtures import TINY, tiny_weights

    model = manager.download_model("tiny-gpt2", "f16", options=FAST)
    manager.set_default_model(model.name)
    predictor = Predictor.load(
        store.default_model_path(), n_threads=1, n_gpu_layers=0, filter_offensive=False
    )
    try:
        assert predictor.info.quantization == "F16" and predictor.info.n_layer == TINY["n_layer"]
        text = "The quick brown fox jumps over the lazy"
        choices = predictor.explore(text, k=5)
    finally:
        predictor.close()
    tokens = [END_OF_TEXT_ID, *encode_user_text(text)]  # the engine starts every context so
    reference = gpt2_logits(tiny_weights(), tokens, TINY["n_head"])[-1]
    assert choices[0].token_id == int(reference.argmax())


def test_import_survives_a_file_that_aborts_llama_cpp(tiny_f32_gguf: Path, tmp_path: Path) -> None:
    """A duplicate token string makes llama.cpp abort; only the trial-load child dies."""
    from tests.models.llama_helpers import patched_gguf

    crafted = patched_gguf(tiny_f32_gguf, tmp_path / "crafted.gguf", "tokenizer.ggml.tokens", b'"')
    with pytest.raises(ModelManagerError, match=r"crashed|cannot be used"):
        manager.import_model(crafted)
    assert manager.installed_models() == []


def test_one_record_of_the_chosen_model(tiny_f32_gguf: Path, tmp_path: Path) -> None:
    """A store model (`models use`) and a file opened from elsewhere replace each other."""
    model = manager.import_model(tiny_f32_gguf, "stored")
    outside = tmp_path / "outside.gguf"
    outside.write_bytes(tiny_f32_gguf.read_bytes())
    store.set_default_file(outside)
    assert store.default_model_path() == outside and store.default_model_name() is None
    store.set_default_model(model.name)
    assert store.default_model_path() == model.path and store.default_model_file() is None
    store.set_default_file(outside)
    outside.unlink()
    assert store.default_model_path() is None  # gone: the built-in model
    store.set_default_model(None)
    assert store.default_model_file() is None
    with pytest.raises(ModelManagerError, match="not a model file"):
        store.set_default_file(tmp_path)


def test_a_path_is_never_taken_for_an_installed_models_name(tmp_path: Path) -> None:
    """`--model` takes a name or a file: with a path separator it is a file, even a missing one
    whose name, cleaned, is an installed model's (a mistyped path never loads another model)."""
    staged = store.store_dir() / ".staged.gguf"
    staged.write_bytes(b"GGUF")
    installed = store.add_model(
        "elsewhere-tiny", staged, source="test", revision=None, quantization="f32", type_mix={}
    )
    assert store.model_file("elsewhere-tiny") == installed.path
    assert store.model_file("elsewhere/tiny") == Path("elsewhere/tiny")
    assert store.model_file(f"{tmp_path}/missing.gguf") == tmp_path / "missing.gguf"


def test_the_space_needed_counts_what_is_already_downloaded() -> None:
    """A download resumed on a nearly full disk needs room only for what is still to come."""
    from keyboard_app.models.catalog import catalog_entry

    entry = catalog_entry("gpt2")
    before = manager._estimated_need(entry, "q8_0")
    folder = manager.download_dir(entry)
    folder.mkdir(parents=True)
    (folder / "model.safetensors.part").write_bytes(b"x" * 100_000)
    assert before - manager._estimated_need(entry, "q8_0") == 100_000


def _valid_entry() -> dict[str, object]:
    return {
        "name": "evil",
        "file": "evil.gguf",
        "source": "hand-written",
        "revision": None,
        "quantization": "f32",
        "size_bytes": 4,
        "sha256": "0" * 64,
        "installed": "2024-01-01T00:00:00+00:00",
    }


@pytest.mark.parametrize(
    "file",
    ["../../precious.txt", "ABSOLUTE", "manifest.json", "sub/x.gguf", ".hidden.gguf", "-x.gguf"],
)
def test_remove_deletes_nothing_a_bad_entry_names(tmp_path: Path, file: str) -> None:
    """A hand-edited or hostile manifest entry: `remove` drops it and deletes no file at all."""
    precious = tmp_path / "precious.txt"
    precious.write_text("precious")
    named = str(precious) if file == "ABSOLUTE" else file
    manifest = {"version": 1, "default": None, "default_file": None, "models": {}}
    manifest["models"] = {"evil": {**_valid_entry(), "file": named}}
    store.manifest_path().write_text(json.dumps(manifest))
    (store.store_dir() / "sub").mkdir()
    (store.store_dir() / "sub" / "x.gguf").write_bytes(b"GGUF")
    (store.store_dir() / ".hidden.gguf").write_bytes(b"GGUF")
    (store.store_dir() / "-x.gguf").write_bytes(b"GGUF")  # no model's name starts with "-"
    with pytest.raises(ModelManagerError, match=r"malformed.*no file was deleted"):
        manager.remove_model("evil")
    assert precious.read_text() == "precious"
    assert (store.store_dir() / "sub" / "x.gguf").exists()
    assert (store.store_dir() / ".hidden.gguf").exists()
    assert (store.store_dir() / "-x.gguf").exists()
    assert json.loads(store.manifest_path().read_text())["models"] == {}


def test_a_removed_model_s_file_is_deleted_before_another_change_of_the_store(
    tiny_f32_gguf: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Under the manifest's lock: else an install of the same name (by the app, while the CLI
    removes) could put its file in place in between, and lose it to the deletion."""
    manager.import_model(tiny_f32_gguf, "first")
    lock_file = store.manifest_path().with_name("manifest.json.lock")
    locked_while_deleting: list[bool] = []

    def delete(path: Path) -> OSError | None:
        try:
            with locking.exclusive_lock(lock_file, busy="held"):
                locked_while_deleting.append(False)
        except locking.LockUnavailable:
            locked_while_deleting.append(True)
        return real_delete(path)

    real_delete = store._delete
    monkeypatch.setattr(store, "_delete", delete)
    manager.remove_model("first")
    assert locked_while_deleting == [True]
    assert not (store.store_dir() / "first.gguf").exists()


def test_remove_of_an_entry_that_is_not_a_record(capsys: pytest.CaptureFixture[str]) -> None:
    from keyboard_app.cli import main

    manifest = {"version": 1, "default": None, "default_file": None, "models": {"num": 5}}
    store.manifest_path().write_text(json.dumps(manifest))
    assert main(["models", "remove", "num"]) == 1
    err = capsys.readouterr().err
    assert "malformed" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_a_damaged_manifest_is_never_replaced(tiny_f32_gguf: Path) -> None:
    manager.import_model(tiny_f32_gguf, "first")
    manager.set_default_model("first")
    damaged = store.manifest_path().read_text().rstrip().rstrip("}") + ",}"  # a trailing comma
    store.manifest_path().write_text(damaged)
    with pytest.raises(ModelManagerError, match=r"damaged \(it is not JSON.*nothing was changed"):
        manager.import_model(tiny_f32_gguf, "second")
    with pytest.raises(ModelManagerError, match="damaged"):
        manager.set_default_model(None)
    with pytest.raises(ModelManagerError, match="damaged"):
        manager.remove_model("first")
    assert store.manifest_path().read_text() == damaged
    assert {p.name for p in store.store_dir().iterdir()} == {"first.gguf", "manifest.json"}


def test_an_import_never_touches_another_installs_staging_file(tiny_f32_gguf: Path) -> None:
    """Two installs under one name at once each stage their own file."""
    theirs = store.store_dir() / ".same.staging.gguf"
    theirs.write_bytes(b"another install's file, still being written")
    manager.import_model(tiny_f32_gguf, "same")
    assert theirs.read_bytes() == b"another install's file, still being written"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_importing_a_named_pipe_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo.gguf"
    os.mkfifo(fifo)
    done = subprocess.run(
        [sys.executable, "-m", "keyboard_app.cli", "models", "import", str(fifo)],
        capture_output=True,
        text=True,
        timeout=30,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.returncode == 1
    assert done.stderr.strip() == f"error: {fifo} is a named pipe, not a model file."


def test_a_damaged_kept_download_is_not_trusted_forever(fake_hub: FakeHub) -> None:
    """A checkpoint kept after a download that cannot be read (damaged on disk, or by concurrent
    downloads of an older version) is deleted, and the next attempt downloads it again."""
    manager.download_model("tiny-gpt2", "q8_0", keep_download=True, options=FAST)
    weights = manager.download_dir(fake_hub.entry) / "model.safetensors"
    weights.write_bytes(weights.read_bytes() * 2)  # two downloads appended to one file
    with pytest.raises(ModelManagerError, match=r"cannot be used.*Its model.safetensors was del"):
        manager.download_model("tiny-gpt2", "q4_0", keep_download=True, options=FAST)
    assert _files(weights.parent) == {"config.json"}  # only the damaged file is deleted
    fake_hub.behaviour.requests.clear()
    model = manager.download_model("tiny-gpt2", "q4_0", options=FAST)
    assert ("GET", "/cdn/model.safetensors", None) in fake_hub.behaviour.requests
    assert validate_gguf(model.path).quantization == "Q4_0"


def test_a_web_page_served_as_config_json_is_refused_before_the_weights(fake_hub: FakeHub) -> None:
    """A mirror's login page, sent with 200 in place of config.json, is found before
    model.safetensors (up to 6.4 GB) is downloaded, and only config.json is deleted."""
    fake_hub.files["config.json"] = b"<html><body>Please log in</body></html>"
    with pytest.raises(ModelManagerError) as caught:
        manager.download_model("tiny-gpt2", "q8_0", options=FAST)
    assert str(caught.value) == (
        f"The downloaded checkpoint cannot be used: {manager.download_dir(fake_hub.entry)}"
        "/config.json cannot be read as JSON: it is not JSON (Expecting value, line 1). Its "
        "config.json was deleted; download the model again."
    )
    assert not any("model.safetensors" in path for _, path, _ in fake_hub.behaviour.requests)
    assert _files(manager.download_dir(fake_hub.entry)) == set()


def test_a_checkpoint_of_another_shape_is_refused(fake_hub: FakeHub, tmp_path: Path) -> None:
    """A mirror that serves another GPT-2 (here one layer, not the catalog's two) under the
    model's name: config.json has no announced hash, so its shape is compared with the catalog."""
    weights = {k: v for k, v in tiny_weights().items() if not k.startswith("h.1.")}
    other = write_checkpoint(tmp_path / "other", weights, config=hf_config(n_layer=1))
    fake_hub.files.update({n: (other / n).read_bytes() for n in fake_hub.files})
    with pytest.raises(ModelManagerError, match=r"describes 1 layers x 32 .*, not 2 layers x 32"):
        manager.download_model("tiny-gpt2", "q8_0", keep_download=True, options=FAST)
    assert manager.installed_models() == []
    assert _files(manager.download_dir(fake_hub.entry)) == set()


def test_something_there_by_a_models_file_name_is_taken_as_that_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder called `x.gguf` in the current folder is that folder (opening it then says it is
    one), not an installed model's name that no model has."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "x.gguf").mkdir()
    assert store.model_file("x.gguf") == Path("x.gguf")
    with pytest.raises(ModelManagerError, match=r"no model file 'y\.gguf' here"):
        store.model_file("y.gguf")
    (tmp_path / "y").mkdir()  # a folder by a model's name is no path to a model
    with pytest.raises(ModelManagerError, match="No installed model is called 'y'"):
        store.model_file("y")
