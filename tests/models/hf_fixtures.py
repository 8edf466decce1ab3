"""A tiny random GPT-2 in Hugging Face layout, and a fake Hugging Face Hub serving it.

The hub is a real `http.server` on 127.0.0.1. Like huggingface.co it redirects LFS files
(model.safetensors) to a "CDN" path and announces their SHA-256 and size in `X-Linked-Etag` and
`X-Linked-Size`. Tests can make it drop connections, ignore Range, corrupt a byte, answer 404, fail
HEAD requests, redirect like a mirror or in a loop, or send slowly.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
from safetensors.numpy import save_file

from keyboard_app.models.catalog import CatalogEntry, gpt2_entry

TINY = {"n_layer": 2, "n_embd": 32, "n_head": 2, "n_ctx": 128, "n_vocab": 50257}
TINY_REPO = "test-org/tiny-gpt2"
TINY_REVISION = "0123456789abcdef0123456789abcdef01234567"


def tiny_weights(seed: int = 0, scale: float = 0.2) -> dict[str, np.ndarray]:
    """Random GPT-2 weights with Hugging Face names and shapes (Conv1D weights are (in, out))."""
    rng = np.random.default_rng(seed)
    e, f, ctx = TINY["n_embd"], 4 * TINY["n_embd"], TINY["n_ctx"]

    def rand(*shape: int, s: float = scale) -> np.ndarray:
        return (rng.standard_normal(shape) * s).astype(np.float32)

    weights = {
        "wte.weight": rand(TINY["n_vocab"], e),
        "wpe.weight": rand(ctx, e, s=0.05),
        "ln_f.weight": 1 + rand(e, s=0.1),
        "ln_f.bias": rand(e, s=0.1),
    }
    for i in range(TINY["n_layer"]):
        p = f"h.{i}."
        weights.update(
            {
                p + "ln_1.weight": 1 + rand(e, s=0.1),
                p + "ln_1.bias": rand(e, s=0.1),
                p + "attn.c_attn.weight": rand(e, 3 * e),
                p + "attn.c_attn.bias": rand(3 * e, s=0.05),
                p + "attn.c_proj.weight": rand(e, e),
                p + "attn.c_proj.bias": rand(e, s=0.05),
                p + "ln_2.weight": 1 + rand(e, s=0.1),
                p + "ln_2.bias": rand(e, s=0.1),
                p + "mlp.c_fc.weight": rand(e, f),
                p + "mlp.c_fc.bias": rand(f, s=0.05),
                p + "mlp.c_proj.weight": rand(f, e),
                p + "mlp.c_proj.bias": rand(e, s=0.05),
            }
        )
    return weights


def hf_config(**overrides: object) -> dict[str, object]:
    config: dict[str, object] = {
        "model_type": "gpt2",
        "architectures": ["GPT2LMHeadModel"],
        "activation_function": "gelu_new",
        "n_layer": TINY["n_layer"],
        "n_embd": TINY["n_embd"],
        "n_head": TINY["n_head"],
        "n_positions": TINY["n_ctx"],
        "n_ctx": TINY["n_ctx"],
        "vocab_size": TINY["n_vocab"],
        "layer_norm_epsilon": 1e-5,
    }
    config.update(overrides)
    return config


def write_checkpoint(
    folder: Path,
    weights: dict[str, np.ndarray],
    *,
    prefix: str = "",
    config: dict[str, object] | None = None,
    buffers: bool = True,
) -> Path:
    """Save `weights` as a Hugging Face checkpoint, with the causal-mask buffers GPT-2 carries."""
    folder.mkdir(parents=True, exist_ok=True)
    tensors = {prefix + k: v for k, v in weights.items()}
    if buffers:
        ctx = TINY["n_ctx"]
        mask = np.tril(np.ones((ctx, ctx), np.float32)).reshape(1, 1, ctx, ctx)
        for i in range(TINY["n_layer"]):
            tensors[f"{prefix}h.{i}.attn.bias"] = mask
            tensors[f"{prefix}h.{i}.attn.masked_bias"] = np.array(-1e4, np.float32)
    save_file(tensors, str(folder / "model.safetensors"))
    (folder / "config.json").write_text(json.dumps(config or hf_config()), "utf-8")
    return folder


def to_bfloat16(weights: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """`weights` as bfloat16 bit patterns (uint16: the upper halves of their float32s)."""
    return {k: (v.view(np.uint32) >> 16).astype(np.uint16) for k, v in weights.items()}


def write_bfloat16_checkpoint(folder: Path, weights: dict[str, np.ndarray]) -> Path:
    """A checkpoint of bfloat16 weights, as PyTorch saves them (NumPy cannot write bfloat16, so
    the safetensors file is written here: a JSON header, then the raw little-endian data)."""
    folder.mkdir(parents=True, exist_ok=True)
    header: dict[str, object] = {}
    offset = 0
    for name, bits in to_bfloat16(weights).items():
        header[name] = {
            "dtype": "BF16",
            "shape": list(bits.shape),
            "data_offsets": [offset, offset + bits.nbytes],
        }
        offset += bits.nbytes
    raw_header = json.dumps(header).encode()
    raw_header += b" " * (-len(raw_header) % 8)
    data = b"".join(bits.astype("<u2").tobytes() for bits in to_bfloat16(weights).values())
    with (folder / "model.safetensors").open("wb") as out:
        out.write(len(raw_header).to_bytes(8, "little") + raw_header + data)
    (folder / "config.json").write_text(json.dumps(hf_config()), "utf-8")
    return folder


@dataclass
class HubBehaviour:
    """What the fake hub does wrong; tests set these before a request."""

    drop_after: int | None = None  # close the connection after this many body bytes (once)
    drop_every: int | None = None  # close every connection after this many body bytes
    ignore_range: bool = False
    corrupt: bool = False  # flip one byte of model.safetensors (the announced hash stays)
    missing: set[str] = field(default_factory=set)  # file names answered with 404
    requests: list[tuple[str, str, str | None]] = field(default_factory=list)
    head_errors: list[int] = field(default_factory=list)  # answers to the next HEADs; 0: hang up
    plain_redirect: bool = False  # redirect LFS files like a mirror: no X-Linked-* headers
    redirect_loop: bool = False  # redirect every request to itself
    pause_s: float = 0.0  # pause between pieces of a body (a slow connection)
    piece_bytes: int = 64 << 10  # the size of those pieces
    stall_after: int | None = None  # send this many body bytes, then nothing for a minute
    stalled: threading.Event = field(default_factory=threading.Event)  # set when it stalls


@dataclass
class FakeHub:
    url: str
    files: dict[str, bytes]
    behaviour: HubBehaviour

    @property
    def entry(self) -> CatalogEntry:
        return gpt2_entry(
            "tiny-gpt2", "Tiny GPT-2", TINY_REPO, TINY_REVISION, 2, 32, 0, head_width=16, n_ctx=128
        )


def hub_handler(hub: FakeHub) -> type[BaseHTTPRequestHandler]:
    prefix = f"/{TINY_REPO}/resolve/{TINY_REVISION}/"

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_HEAD(self) -> None:
            self._serve(body=False)

        def do_GET(self) -> None:
            self._serve(body=True)

        def _serve(self, body: bool) -> None:
            b = hub.behaviour
            b.requests.append((self.command, self.path, self.headers.get("Range")))
            name = self.path.rsplit("/", 1)[-1]
            if self.command == "HEAD" and b.head_errors:
                self._fail(b.head_errors.pop(0))
                return
            if b.redirect_loop:
                self._redirect(self.path, b"")
                return
            if name in b.missing or name not in hub.files:
                self.send_error(404)
                return
            data = hub.files[name]
            if self.path.startswith(prefix) and name == "model.safetensors" and b.plain_redirect:
                self._redirect(f"/cdn/{name}", b"<html>Found: <a href=...>the file</a></html>")
                return
            if self.path.startswith(prefix) and name == "model.safetensors":
                self.send_response(302)
                self.send_header("Location", f"/cdn/{name}")
                self.send_header("X-Linked-Etag", f'"{hashlib.sha256(data).hexdigest()}"')
                self.send_header("X-Linked-Size", str(len(data)))
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if b.corrupt and name == "model.safetensors":
                data = data[:100] + bytes([data[100] ^ 0xFF]) + data[101:]
            self._send(data, body)

        def _fail(self, code: int) -> None:
            if code:
                self.send_error(code)
            else:
                self.close_connection = True  # no answer at all: the client sees a reset

        def _redirect(self, location: str, page: bytes) -> None:
            self.send_response(302)
            self.send_header("Location", location)
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            if self.command == "GET":
                self.wfile.write(page)

        def _send(self, data: bytes, body: bool) -> None:
            b = hub.behaviour
            start = 0
            header = self.headers.get("Range")
            if header and not b.ignore_range:
                start = int(header.removeprefix("bytes=").split("-")[0])
                if start >= len(data):
                    self.send_error(416)
                    return
                self.send_response(206)
                self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
            else:
                self.send_response(200)
            self.send_header("Content-Length", str(len(data) - start))
            self.send_header("Accept-Ranges", "bytes")
            self.end_headers()
            if not body:
                return
            chunk = data[start:]
            if b.drop_after is not None and self.path.startswith("/cdn/"):
                chunk, b.drop_after = chunk[: b.drop_after], None
                self.wfile.write(chunk)
                self.close_connection = True
                return
            if b.drop_every is not None and self.path.startswith("/cdn/"):
                self.wfile.write(chunk[: b.drop_every])
                self.close_connection = True
                return
            if b.stall_after is not None:
                self.wfile.write(chunk[: b.stall_after])
                self.wfile.flush()
                b.stalled.set()
                time.sleep(60)
                return
            for piece in range(0, len(chunk), b.piece_bytes):
                time.sleep(b.pause_s)
                self.wfile.write(chunk[piece : piece + b.piece_bytes])

    return Handler


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """Clients hanging up mid-transfer is part of the tests, not an error to print."""
