"""The model manager's API for the CLI and the app's dialog (called from a worker thread; no Qt).

`download_model` runs the whole pipeline: download (resumable, verified), convert to an f32 GGUF,
quantize with llama.cpp, validate, and install into the store; the f32 intermediate is removed.
`import_model` validates a GGUF, trial-loads it in a child process, and copies it into the store.
"""

from __future__ import annotations

import contextlib
import logging
import shutil
import threading
from collections.abc import Callable
from pathlib import Path

from keyboard_app.engine.errors import ModelError
from keyboard_app.engine.gguf_validate import GgufInfo, validate_gguf
from keyboard_app.files import NotEnoughSpace, check_free_space
from keyboard_app.models import store
from keyboard_app.models.catalog import CHECKPOINT_FILES, CatalogEntry, catalog, catalog_entry
from keyboard_app.models.convert import check_config, check_safetensors, convert_checkpoint
from keyboard_app.models.download import DEFAULT_OPTIONS, DownloadOptions, download_file, file_url
from keyboard_app.models.errors import ModelManagerError
from keyboard_app.models.leftovers import install_files
from keyboard_app.models.locking import exclusive_lock
from keyboard_app.models.progress import Progress, ProgressCallback, RateMeter, check_cancel
from keyboard_app.models.quantize import QUANT_KINDS, quantize_gguf
from keyboard_app.models.store import (
    InstalledModel,
    installed_models,
    remove_model,
    set_default_model,
    store_dir,
)
from keyboard_app.models.trial_load import trial_load

__all__ = [
    "catalog",
    "download_model",
    "import_model",
    "installed_models",
    "remove_model",
    "set_default_model",
]

log = logging.getLogger(__name__)

COPY_BLOCK = 8 << 20  # bytes copied between two looks at the cancel button


def download_dir(entry: CatalogEntry) -> Path:
    return store_dir() / "downloads" / f"{entry.name}-{entry.revision[:12]}"


def _check_free_space(needed: int) -> None:
    try:
        check_free_space(store_dir(), needed)
    except NotEnoughSpace as exc:
        raise ModelManagerError(str(exc)) from exc


def _validated(path: Path) -> GgufInfo:
    try:
        return validate_gguf(path)
    except ModelError as exc:
        raise ModelManagerError(str(exc)) from exc


def fetch_checkpoint(
    entry: CatalogEntry,
    *,
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
    endpoint: str | None = None,
    options: DownloadOptions = DEFAULT_OPTIONS,
) -> Path:
    """Download (or resume) the checkpoint files of `entry`, each checked as soon as it is there
    (`_check_downloaded`: config.json before the weights, which may be gigabytes); return their
    folder."""
    folder = download_dir(entry)
    for filename in CHECKPOINT_FILES:
        dest = folder / filename
        if not dest.is_file():  # only verified downloads are ever renamed into place
            sha = entry.safetensors_sha256 if filename == "model.safetensors" else None
            url = file_url(entry.repo, entry.revision, filename, endpoint)
            download_file(url, dest, sha256=sha, progress=progress, cancel=cancel, options=options)
        _check_downloaded(dest, entry)
    return folder


def _check_downloaded(path: Path, entry: CatalogEntry) -> None:
    """Refuse, and delete, a downloaded checkpoint file that cannot be read: a web page served
    in its place, a file damaged after it was verified or by an older version's concurrent
    downloads (kept, it would fail every later install of the model without ever being
    downloaded again). config.json must describe the catalog's shape: the hub announces no hash
    for it, and a mirror may serve another model."""
    try:
        if path.name == "config.json":
            check_config(path.parent, entry.config)
        else:
            check_safetensors(path)
    except ModelManagerError as exc:
        path.unlink(missing_ok=True)
        raise ModelManagerError(
            f"The downloaded checkpoint cannot be used: {exc} Its {path.name} was deleted; "
            "download the model again."
        ) from exc


def _estimated_need(entry: CatalogEntry, quant: str) -> int:
    have = sum(f.stat().st_size for f in download_dir(entry).glob("*") if f.is_file())
    f32_size = entry.parameters * 4
    return max(entry.download_bytes - have, 0) + f32_size + entry.estimate(quant).size_bytes


def download_model(
    name: str,
    quant: str = "q8_0",
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
    *,
    endpoint: str | None = None,
    keep_download: bool = False,
    n_threads: int | None = None,
    options: DownloadOptions = DEFAULT_OPTIONS,
) -> InstalledModel:
    """Download, convert, quantize, verify and install catalog model `name` as `quant`."""
    entry = catalog_entry(name)
    quant = quant.lower()
    if quant not in QUANT_KINDS:
        raise ModelManagerError(f"Unknown quantization {quant!r}; choose one of {QUANT_KINDS}.")
    model_name = f"{entry.name}-{quant}"
    store.check_new_name(model_name)
    with _checkpoint_in_use(entry):
        _check_free_space(_estimated_need(entry, quant))
        folder = fetch_checkpoint(
            entry, progress=progress, cancel=cancel, endpoint=endpoint, options=options
        )
        with install_files(store_dir(), model_name) as temporary:
            model = _convert_and_install(
                entry, folder, quant, temporary, progress, cancel, n_threads
            )
        if not keep_download:
            shutil.rmtree(folder, ignore_errors=True)
    return model


def _checkpoint_in_use(entry: CatalogEntry) -> contextlib.AbstractContextManager[None]:
    """The lock of `entry`'s download folder, held from its download to its deletion: two
    installs of one model (two quantizations, by the app and the CLI) share the folder, and the
    first to finish would delete it under the other. The second is refused at once."""
    folder = download_dir(entry)
    folder.parent.mkdir(parents=True, exist_ok=True)
    busy = (
        f"{entry.name} is already being installed by another keyboard-app (the app or "
        "`keyboard-app models download`); try again when it has finished."
    )
    return exclusive_lock(folder.with_name(folder.name + ".lock"), busy=busy)


def _convert_and_install(
    entry: CatalogEntry,
    folder: Path,
    quant: str,
    temporary: Callable[[str], Path],
    progress: ProgressCallback | None,
    cancel: threading.Event | None,
    n_threads: int | None,
) -> InstalledModel:
    """Convert the checkpoint in `folder`, quantize it and add it to the store, through hidden
    files named by `temporary` (an install's own: two at once never share one)."""
    model_name = f"{entry.name}-{quant}"
    staged, intermediate = temporary("staging"), temporary("f32")
    try:
        check_cancel(cancel, "The installation")
        if quant == "f16":
            convert_checkpoint(
                folder, staged, out_type="f16", name=entry.name, progress=progress, cancel=cancel
            )
        else:
            convert_checkpoint(
                folder,
                intermediate,
                out_type="f32",
                name=entry.name,
                progress=progress,
                cancel=cancel,
            )
            check_cancel(cancel, "The installation")
            _report(progress, "quantize", 0)
            quantize_gguf(intermediate, staged, quant, n_threads=n_threads)
            _report(progress, "quantize", 1)
        info = _validated(staged)
        check_cancel(cancel, "The installation")
        return store.add_model(
            model_name,
            staged,
            source=entry.repo,
            revision=entry.revision,
            quantization=quant,
            type_mix=info.type_mix(),
        )
    finally:
        intermediate.unlink(missing_ok=True)
        staged.unlink(missing_ok=True)


def _report(progress: ProgressCallback | None, stage: str, done: int) -> None:
    if progress is not None:
        progress(Progress(stage, done, 1))


def import_model(
    path: Path,
    name: str | None = None,
    *,
    timeout_s: float = 120.0,
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
) -> InstalledModel:
    """Validate `path`, trial-load it in a child process, then copy it into the store (its source
    is recorded as the absolute path, which names the same file from any folder). `cancel` stops
    it at any step (OperationCancelled), nothing installed and nothing left behind."""
    path = Path(path).resolve()
    info = _validated(path)
    model_name = _import_name(path, name)
    store.check_new_name(model_name)
    _report(progress, f"loading {path.name} once to check it", 0)
    trial_load(path, timeout_s=timeout_s, cancel=cancel)
    _check_free_space(info.size)
    with install_files(store_dir(), model_name) as temporary:
        staged = temporary("staging")
        return _copy_and_install(path, model_name, staged, progress, cancel)


def _copy(
    path: Path, staged: Path, progress: ProgressCallback | None, cancel: threading.Event | None
) -> None:
    """Copy `path` to `staged` a block at a time, reporting and checking `cancel` after each
    block and at the end (a cancel at the last report still installs nothing)."""
    meter = RateMeter(f"copying {path.name}", progress, path.stat().st_size)
    done = 0
    with path.open("rb") as source, staged.open("wb") as target:
        while block := source.read(COPY_BLOCK):
            target.write(block)
            done += len(block)
            meter.update(done, force=done == meter.total)
            check_cancel(cancel, f"Importing {path.name}")


def _import_name(path: Path, name: str | None) -> str:
    """The name to install `path` under: `name`, else the file's name."""
    if name:
        return store.safe_model_name(name)
    try:
        return store.safe_model_name(path.stem)
    except ModelManagerError as exc:
        raise ModelManagerError(
            f"{exc} The name comes from the file {path.name!r}; choose one with --name."
        ) from exc


def _copy_and_install(
    path: Path,
    model_name: str,
    staged: Path,
    progress: ProgressCallback | None,
    cancel: threading.Event | None,
) -> InstalledModel:
    try:
        _copy(path, staged, progress, cancel)
        copied = _validated(staged)
        model = store.add_model(
            model_name,
            staged,
            source=f"imported from {path}",
            revision=None,
            quantization=copied.quantization.lower(),
            type_mix=copied.type_mix(),
        )
    except OSError as exc:
        raise ModelManagerError(
            f"Cannot copy {path} into the model store: {exc.strerror}."
        ) from exc
    finally:
        staged.unlink(missing_ok=True)
    return model
