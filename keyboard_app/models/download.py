"""Resumable, verified HTTPS downloads from the Hugging Face Hub (or a mirror: `HF_ENDPOINT`).

A file is fetched into `NAME.part`, continued with an HTTP Range request after a dropped connection
or a restart, checked on disk against the expected size and SHA-256 (the hub's LFS ETag or a pinned
hash), and only then renamed to `NAME`. A half-finished download therefore never looks finished.
One process at a time downloads a file (a lock on `NAME.lock`): two appending to one `.part` file
would corrupt it.
"""

from __future__ import annotations

import errno
import http.client
import logging
import os
import re
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from typing import IO, Any

from keyboard_app import __version__
from keyboard_app.files import NotEnoughSpace, check_free_space, move_into_place, sha256_of
from keyboard_app.models.errors import ModelManagerError
from keyboard_app.models.locking import exclusive_lock
from keyboard_app.models.progress import ProgressCallback, RateMeter, check_cancel

log = logging.getLogger(__name__)

DEFAULT_ENDPOINT = "https://huggingface.co"
# The most one read takes. A read returns whatever has arrived (`read1`), at most this much, so
# Cancel is seen after every piece even on a connection that trickles a few KB a second.
CHUNK = 64 << 10
_SHA256 = re.compile(r"[0-9a-f]{64}")
_NETWORK_ERRORS = (OSError, http.client.HTTPException)  # URLError, timeouts, resets are OSErrors
_REDIRECTS = (301, 302, 303, 307, 308)
_CANCEL_POLL_S = 0.2  # how often a read that waits on a silent connection looks at Cancel


@dataclass(frozen=True)
class DownloadOptions:
    retries: int = 5
    timeout_s: float = 30.0
    backoff_s: float = 1.0
    #: Room left free on the disk beyond the download itself.
    disk_margin_bytes: int = 64 << 20


DEFAULT_OPTIONS = DownloadOptions()


@dataclass(frozen=True)
class RemoteFile:
    url: str
    size: int | None
    sha256: str | None


class _Retry(Exception):
    """A transient failure: try again (after a pause) from wherever the .part file got to."""

    def __init__(self, reason: str, status: int | None = None) -> None:
        super().__init__(reason)
        self.status = status  # the HTTP status of a server error; None for a network failure


def hub_endpoint() -> str:
    return os.environ.get("HF_ENDPOINT", DEFAULT_ENDPOINT).rstrip("/")


def _check_endpoint(endpoint: str) -> None:
    """A ModelManagerError, one line, for an endpoint (HF_ENDPOINT) that is not a web address."""
    try:
        parts = urllib.parse.urlsplit(endpoint)
        usable = parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:  # e.g. an unclosed IPv6 bracket
        usable = False
    if not usable:
        raise ModelManagerError(
            f"The hub address {endpoint!r} (HF_ENDPOINT) is not an http:// or https:// address "
            "with a host; it should look like https://huggingface.co."
        )


def file_url(repo: str, revision: str, filename: str, endpoint: str | None = None) -> str:
    base = (endpoint or hub_endpoint()).rstrip("/")
    _check_endpoint(base)
    return f"{base}/{repo}/resolve/{revision}/{filename}"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _request(url: str, method: str = "GET", headers: dict[str, str] | None = None) -> Any:
    try:
        return urllib.request.Request(
            url,
            method=method,
            headers={"User-Agent": f"keyboard-app/{__version__}", **(headers or {})},
        )
    except ValueError as exc:
        raise ModelManagerError(f"{url} is not a usable web address ({exc}).") from exc


def _http_error_message(url: str, code: int) -> str:
    if code == 404:
        return f"The file {url} was not found on the server (404). Check the model name and mirror."
    if code in (401, 403):
        return f"The server refused access to {url} ({code}); the repository may be private."
    if code in _REDIRECTS:
        return f"The server redirects {url} in a loop (or too many times); check HF_ENDPOINT."
    return f"The server answered {code} for {url}."


def _offline_message(url: str, exc: BaseException) -> str:
    host = urllib.parse.urlparse(url).netloc
    reason = getattr(exc, "reason", exc)
    return f"Cannot reach {host} ({reason}). Are you offline? The download can be resumed later."


def _is_transient(code: int) -> bool:
    return code in (408, 429) or code >= 500


def _unreachable(exc: BaseException) -> bool:
    """No server at all (refused, unknown host): retrying would only delay the message."""
    reason = getattr(exc, "reason", exc)
    return isinstance(reason, ConnectionRefusedError | socket.gaierror)


def _head(url: str, options: DownloadOptions, *, follow: bool) -> tuple[int, Message]:
    """The status and headers of a HEAD request; with `follow`, of the redirect's final target.

    Raises _Retry for what may pass (a timeout, a reset, 408, 429, 5xx)."""
    opener = urllib.request.build_opener() if follow else urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(_request(url, "HEAD"), timeout=options.timeout_s) as response:
            return response.status, response.headers
    except urllib.error.HTTPError as exc:
        if exc.code in _REDIRECTS and not follow:
            return exc.code, exc.headers
        if _is_transient(exc.code):
            raise _Retry(f"server error {exc.code}", exc.code) from exc
        raise ModelManagerError(_http_error_message(url, exc.code)) from exc
    except _NETWORK_ERRORS as exc:
        if _unreachable(exc):
            raise ModelManagerError(_offline_message(url, exc)) from exc
        raise _Retry(str(exc)) from exc


def _sha256_header(headers: Message, *names: str) -> str | None:
    for name in names:
        etag = (headers.get(name) or "").strip('W/"').lower()
        if _SHA256.fullmatch(etag):
            return etag
    return None


def _size_header(headers: Message, name: str) -> int | None:
    value = headers.get(name) or ""
    return int(value) if value.isdigit() else None


def _probe_once(url: str, options: DownloadOptions) -> RemoteFile:
    status, headers = _head(url, options, follow=False)
    if status not in _REDIRECTS:
        sha256 = _sha256_header(headers, "X-Linked-Etag", "ETag")
        return RemoteFile(url, _size_header(headers, "Content-Length"), sha256)
    # A redirect's own Content-Length and ETag describe the redirect, not the file.
    size = _size_header(headers, "X-Linked-Size")
    sha256 = _sha256_header(headers, "X-Linked-Etag")
    if size is None:
        _, final = _head(url, options, follow=True)
        size = _size_header(final, "Content-Length")
        sha256 = sha256 or _sha256_header(final, "ETag")
    return RemoteFile(url, size, sha256)


def probe(
    url: str, options: DownloadOptions = DEFAULT_OPTIONS, cancel: threading.Event | None = None
) -> RemoteFile:
    """Size and SHA-256 the hub announces for `url`, read before following its CDN redirect (a
    mirror that announces no size there: from the redirect's target). Retried like the download."""
    failures = 0
    while True:
        try:
            return _probe_once(url, options)
        except _Retry as exc:
            failures += 1
            _pause_before_retry(url, exc, failures, cancel, options)


def _pause_before_retry(
    url: str,
    exc: _Retry,
    failures: int,
    cancel: threading.Event | None,
    options: DownloadOptions,
) -> None:
    """Wait a growing pause after the `failures`-th failure in a row, or give up after too many."""
    if failures > options.retries and exc.status is not None:
        raise ModelManagerError(
            f"{_http_error_message(url, exc.status)} It kept failing; try again later "
            "(the download will resume)."
        ) from exc
    if failures > options.retries:
        raise ModelManagerError(_offline_message(url, exc)) from exc
    delay = min(options.backoff_s * 2 ** max(failures - 1, 0), 30.0)
    log.warning("download of %s interrupted (%s); retrying in %.1fs", url, exc, delay)
    if cancel is not None:
        cancel.wait(delay)
    else:
        time.sleep(delay)
    check_cancel(cancel, "The download")


def _check_disk(folder: Path, needed: int, options: DownloadOptions) -> None:
    try:
        check_free_space(folder, needed, options.disk_margin_bytes)
    except NotEnoughSpace as exc:
        raise ModelManagerError(str(exc)) from exc


def _start_offset(response: Any, have: int) -> int:
    """Where the body of `response` starts: `have` for a honoured Range, 0 if it was ignored."""
    if response.status != 206:
        return 0
    match = re.match(r"bytes (\d+)-", response.headers.get("Content-Range", ""))
    if not match or int(match.group(1)) != have:
        raise _Retry("the server sent a different byte range than asked for")
    return have


class _Transfer:
    """One file's download state across attempts: the .part file and how much of it is there."""

    def __init__(
        self,
        remote: RemoteFile,
        part: Path,
        meter: RateMeter,
        cancel: threading.Event | None,
        options: DownloadOptions,
    ) -> None:
        self.remote, self.part, self.meter = remote, part, meter
        self.cancel, self.options = cancel, options
        self.done = part.stat().st_size if part.exists() else 0

    def attempt(self) -> None:
        headers = {"Range": f"bytes={self.done}-"} if self.done else {}
        try:
            with (
                urllib.request.urlopen(
                    _request(self.remote.url, headers=headers), timeout=self.options.timeout_s
                ) as response,
                _hung_up_on_cancel(response, self.cancel),
            ):
                self._receive(response)
        except urllib.error.HTTPError as exc:
            if exc.code == 416 and self.done == self.remote.size:
                return  # the .part file already holds the whole file
            if exc.code == 416:
                self._restart()
                raise _Retry("the server refused the byte range") from exc
            if _is_transient(exc.code):
                raise _Retry(f"server error {exc.code}", exc.code) from exc
            raise ModelManagerError(_http_error_message(self.remote.url, exc.code)) from exc
        except _NETWORK_ERRORS as exc:
            if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
                self.part.unlink(missing_ok=True)
                raise ModelManagerError(
                    f"The disk is full: {self.part.parent} has no room left for the download."
                ) from exc
            raise _Retry(str(exc)) from exc

    def _restart(self) -> None:
        self.done = 0
        self.part.write_bytes(b"")

    def _receive(self, response: Any) -> None:
        if _start_offset(response, self.done) == 0 and self.done:
            log.info("server ignored the Range request; restarting %s", self.part.name)
            self._restart()
        length = response.headers.get("Content-Length")
        expected_end = self.done + int(length) if length and length.isdigit() else None
        with self.part.open("ab") as out:
            self._copy(response, out)
        if expected_end is not None and self.done < expected_end:
            raise _Retry(f"the connection closed after {self.done} of {expected_end} bytes")

    def _copy(self, response: Any, out: IO[bytes]) -> None:
        while True:
            check_cancel(self.cancel, "The download")
            block = response.read1(CHUNK)
            if not block:
                check_cancel(self.cancel, "The download")  # the end may be Cancel's hang-up
                return
            out.write(block)
            self.done += len(block)
            self.meter.update(self.done)


@contextmanager
def _hung_up_on_cancel(response: Any, cancel: threading.Event | None) -> Iterator[None]:
    """Shut the response's connection down when Cancel is pressed: a read on a connection that
    went silent otherwise waits out the whole timeout (30 s) before Cancel is seen, and the
    models dialog waits for the download's thread when it closes."""
    if cancel is None:
        yield
        return
    finished = threading.Event()

    def watch() -> None:
        while not finished.wait(_CANCEL_POLL_S):
            if cancel.is_set():
                _shut_down(response)
                return

    watcher = threading.Thread(target=watch, name="download-cancel", daemon=True)
    watcher.start()
    try:
        yield
    finally:
        finished.set()
        watcher.join()


def _shut_down(response: Any) -> None:
    """End the connection under `response` at once; its blocked read returns."""
    try:
        connection = socket.socket(fileno=response.fileno())
    except (OSError, ValueError):
        return  # already closed
    try:
        connection.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass  # the peer was gone already
    finally:
        connection.detach()  # the response owns the descriptor


def _verify(transfer: _Transfer, expected_sha256: str | None) -> None:
    """Check the .part file on disk (not only the bytes received: what is renamed is the file)."""
    remote, part = transfer.remote, transfer.part
    on_disk = part.stat().st_size
    if on_disk != transfer.done or (remote.size is not None and on_disk != remote.size):
        part.unlink(missing_ok=True)
        raise ModelManagerError(
            f"The download of {remote.url} has {on_disk} bytes, expected "
            f"{remote.size if remote.size is not None else transfer.done}; it was deleted."
        )
    if not expected_sha256:
        return
    actual = sha256_of(part)
    if actual != expected_sha256.lower():
        part.unlink(missing_ok=True)
        raise ModelManagerError(
            f"The download of {remote.url} is corrupt (SHA-256 {actual[:12]}..., expected "
            f"{expected_sha256[:12]}...); it was deleted. Try again."
        )


def download_file(
    url: str,
    dest: Path,
    *,
    sha256: str | None = None,
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
    options: DownloadOptions = DEFAULT_OPTIONS,
) -> Path:
    """Download `url` to `dest`, resuming `dest.part`; verify size and hash; rename atomically.

    `sha256` pins the expected hash; without it the hub's LFS ETag is used when there is one.
    Cancelling keeps the .part file so the next call resumes it. One download of `dest` at a
    time: while another process (or thread) downloads it, this one is refused at once.
    """
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    busy = (
        f"{dest.name} is already being downloaded to {dest.parent} by another keyboard-app "
        "(the app or `keyboard-app models download`); try again when it has finished."
    )
    with exclusive_lock(dest.with_name(dest.name + ".lock"), busy=busy):
        return _download_locked(url, dest, sha256, progress, cancel, options)


def _download_locked(
    url: str,
    dest: Path,
    sha256: str | None,
    progress: ProgressCallback | None,
    cancel: threading.Event | None,
    options: DownloadOptions,
) -> Path:
    remote = probe(url, options, cancel)
    expected_sha = sha256 or remote.sha256
    part = dest.with_name(dest.name + ".part")
    have = part.stat().st_size if part.exists() else 0
    if remote.size is not None:
        _check_disk(dest.parent, max(remote.size - have, 0), options)
    meter = RateMeter(dest.name, progress, remote.size, start=have)
    transfer = _Transfer(remote, part, meter, cancel, options)
    failures = 0
    while True:
        before = transfer.done
        try:
            transfer.attempt()
            break
        except _Retry as exc:
            failures = 0 if transfer.done > before else failures + 1
            _pause_before_retry(url, exc, failures, cancel, options)
    meter.update(transfer.done, force=True)
    _verify(transfer, expected_sha)
    move_into_place(part, dest)
    log.info("downloaded %s (%d bytes)", dest, transfer.done)
    return dest
