"""Connecting to a llama-server: is it up, does it run a GPT-2 with GPT-2's vocabulary, which slots.

The checks run once, when connecting: `/health`, `/props` (slots, the model file, each slot's
context), `/v1/models` (the vocabulary's size, the model's trained context) and `/tokenize` on a
probe text that GPT-2's merges split in a way few other vocabularies would. What `/props` said is
then the client's `identity`: every connection opened later checks it first (`remote.ServerClient`).
"""

from __future__ import annotations

import contextlib
import logging
import math
import random
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any

import numpy as np

from keyboard_app.engine import longlived
from keyboard_app.engine.backend import Entry, LlamaBackend
from keyboard_app.engine.errors import ModelError
from keyboard_app.engine.gguf_format import expected_shapes
from keyboard_app.engine.gguf_validate import validate_gguf
from keyboard_app.engine.numbers import is_whole
from keyboard_app.engine.remote import (
    REQUEST_TIMEOUT_S,
    ServerClient,
    ServerError,
    ServerIdentity,
)
from keyboard_app.engine.remote_backend import (
    MIN_TAIL,
    LogProbabilities,
    RemoteBackend,
    answer_timeout,
    answered_top_tokens,
    completion_body,
)
from keyboard_app.engine.sampling import log_softmax
from keyboard_app.engine.shapes import MAX_CONTEXT
from keyboard_app.engine.sources import standard_sources
from keyboard_app.engine.tokenizer import END_OF_TEXT_ID, N_VOCAB, encode_user_text
from keyboard_app.paths import builtin_model_path
from keyboard_app.personal import PersonalStore, PersonalStoreError

if TYPE_CHECKING:
    from keyboard_app.engine.predictor import Predictor

log = logging.getLogger(__name__)
SLOTS_PER_CLIENT = (
    2  # the context and one candidate in flight at once, on slots holding the context
)
PROBE = " Hello, world! The quick brown fox's naïve café costs $12.50\n\tdon't"
CONNECT_TIMEOUT_S = 3.0  # connecting waits for a busy server a little longer than a keystroke
# The same model on a server and here: the start distributions' likeliest tokens agree to within
# this (the built-in model on a llama-server of this machine: 4e-5 nats apart, a margin for
# another machine's kernels; with its output norm's weights halved, as a retraining would change
# them, 3.2 nats). See `same_distribution`.
SAME_MODEL_TOKENS = 20
SAME_MODEL_NATS = 0.05


@dataclass(frozen=True)
class ServerModel:
    """What the server says about itself and its model."""

    url: str
    model_path: str
    total_slots: int
    n_ctx: int  # per slot, at most the model's own
    n_ctx_train: int
    size_bytes: int
    round_trip_ms: float
    prior: LogProbabilities  # the model's distribution at the start of a text
    identity: ServerIdentity  # what a restart with another model or other slots changes
    shape: ModelShape  # with `prior`, what tells the built-in model wherever the server keeps it

    @property
    def name(self) -> str:
        return PurePath(self.model_path).stem or "server model"

    @property
    def is_builtin(self) -> bool:
        """Whether the server runs the built-in model (under any path, on any machine): its
        shape, and its distribution at the start of a text (a model retrained in that shape has
        another)."""
        if self.shape != builtin_model_shape():
            return False
        builtin_prior = builtin_start_distribution()
        return builtin_prior is not None and same_distribution(self.prior, builtin_prior)


@dataclass(frozen=True)
class ModelShape:
    """A model as `/v1/models` describes it: the vocabulary, the trained context, the width, the
    parameters and the tensors' bytes. The server's path to its file says nothing of the file
    (another machine, another folder, the bundle), and it reports no hash of it."""

    n_vocab: object
    n_ctx_train: object
    n_embd: object
    n_params: object
    size: object

    @classmethod
    def of(cls, meta: dict[str, Any]) -> ModelShape:
        return cls(*(meta.get(key) for key in SHAPE_KEYS))


SHAPE_KEYS = ("n_vocab", "n_ctx_train", "n_embd", "n_params", "size")


@lru_cache(maxsize=1)
def builtin_model_shape() -> ModelShape | None:
    """The built-in model's `ModelShape`, as llama-server would report it (None without a
    usable built-in model here); read once (0.2 s: the validator checks the vocabulary too)."""
    try:
        info = validate_gguf(builtin_model_path())
    except ModelError as error:
        log.info("no built-in model to compare a server's with: %s", error)
        return None
    assert info.config is not None  # a valid file's
    config = info.config
    n_params = sum(math.prod(shape) for shape in expected_shapes(config).values())
    size = sum(info.tensor_bytes.values())
    return ModelShape(config.n_vocab, config.n_ctx, config.n_embd, n_params, size)


@lru_cache(maxsize=1)
def builtin_start_distribution() -> LogProbabilities | None:
    """The built-in model's next-token log-probabilities after `<|endoftext|>`, computed here
    with llama.cpp (on the CPU, a tenth of a second, once), or None without a usable built-in
    model."""
    try:
        backend = LlamaBackend(builtin_model_path(), n_threads=1, n_gpu_layers=0, n_seq=1)
        try:
            backend.decode([Entry(END_OF_TEXT_ID, 0, 0, logits=True)])
            return log_softmax(backend.logits(0))
        finally:
            backend.close()
    except ModelError as error:
        log.info("no built-in model to compare a server's with: %s", error)
        return None


def same_distribution(
    server: LogProbabilities, here: LogProbabilities, tokens: int = SAME_MODEL_TOKENS
) -> bool:
    """Whether a server's distribution is the one computed here, but for floating-point noise:
    the log-probabilities of the `tokens` likeliest tokens here each within SAME_MODEL_NATS."""
    likeliest = np.argpartition(here, -tokens)[-tokens:]
    return bool(np.all(np.abs(server[likeliest] - here[likeliest]) <= SAME_MODEL_NATS))


def check_server(client: ServerClient) -> ServerModel:
    """The server's model, after checking it is a GPT-2 GGUF; ServerError otherwise."""
    started = time.perf_counter()
    health = client.get("/health")
    round_trip = (time.perf_counter() - started) * 1000
    if not isinstance(health, dict) or health.get("status") != "ok":
        raise ServerError(f"{client.address.url} is not a llama-server that is ready.")
    props = _as_dict(client.get("/props"), client)
    meta = _model_meta(client)
    n_vocab = _count(meta.get("n_vocab", 0), client, "a vocabulary")
    if n_vocab != N_VOCAB:
        raise ServerError(
            f"The server's model has a vocabulary of {n_vocab:,} tokens, not GPT-2's "
            f"{N_VOCAB:,}: keyboard-app needs a GPT-2 model."
        )
    tokens = _as_dict(client.post("/tokenize", {"content": PROBE}), client).get("tokens")
    if tokens != encode_user_text(PROBE):
        raise ServerError("The server's model does not tokenize text as GPT-2 does.")
    n_ctx_train = _count(meta.get("n_ctx_train", 0), client, "a context")
    settings = props.get("default_generation_settings", {})
    n_ctx_slot = (
        _count(settings.get("n_ctx", 0), client, "a slot size") if isinstance(settings, dict) else 0
    )
    sizes = [n for n in (n_ctx_train, n_ctx_slot) if n > 0]
    n_ctx = min([*sizes, MAX_CONTEXT]) if sizes else 0  # no GPT-2 has more positions
    if n_ctx < 16:
        raise ServerError(f"The server's slots hold {n_ctx} tokens: too few to suggest words.")
    return ServerModel(
        client.address.url,
        str(props.get("model_path", "")),
        max(1, _count(props.get("total_slots", 1), client, "a number of slots")),
        n_ctx,
        n_ctx_train,
        _count(meta.get("size", 0), client, "a model size"),
        round_trip,
        _start_distribution(client),
        ServerIdentity.of(props),
        ModelShape.of(meta),
    )


def _start_distribution(client: ServerClient) -> LogProbabilities:
    """The model's whole next-token distribution after `<|endoftext|>` alone: what the engine
    spreads the mass the server leaves out by. As the first completion of a fresh server, it also
    prepares the server's compute graphs (one to three seconds on a busy CPU, measured): done
    here, once, within a whole row's timeout, not on a keystroke."""
    body = completion_body([END_OF_TEXT_ID], 0, N_VOCAB)
    answer = client.post("/completion", body, answer_timeout(N_VOCAB))
    ids, logp = answered_top_tokens(client, body, answer)
    prior = np.full(N_VOCAB, math.log(MIN_TAIL), dtype=np.float32)
    prior[ids] = logp
    return prior


def _count(value: Any, client: ServerClient, what: str) -> int:
    """A whole number the server reports (a JSON integer, 0 or more); ServerError otherwise."""
    if not is_whole(value, 0):
        raise ServerError(
            f"{client.address.url} is not a llama-server ({what} of {value!r:.40} is not a count)."
        )
    return value


def _as_dict(answer: Any, client: ServerClient) -> dict[str, Any]:
    if not isinstance(answer, dict):
        raise ServerError(f"{client.address.url} is not a llama-server (unexpected answer).")
    return answer


def _model_meta(client: ServerClient) -> dict[str, Any]:
    try:
        meta = client.get("/v1/models")["data"][0]["meta"]
    except (KeyError, IndexError, TypeError) as error:
        raise ServerError(f"{client.address.url} does not describe its model.") from error
    return meta if isinstance(meta, dict) else {}


def client_slots(total_slots: int, group: int | None = None) -> list[int]:
    """The slots one client uses: a group of `SLOTS_PER_CLIENT` (fewer on a small server), the
    `group`-th (a random one by default; clients sharing a group only share their caches)."""
    width = min(SLOTS_PER_CLIENT, total_slots)
    groups = max(1, total_slots // width)
    chosen = random.randrange(groups) if group is None else group % groups
    return [chosen * width + i for i in range(width)]


def connect_backend(
    url: str,
    api_key: str | None = None,
    *,
    n_seq: int,
    slot_group: int | None = None,
) -> tuple[RemoteBackend, ServerModel]:
    """A backend on the server at `url`, checked; ServerError (a ModelError) if unusable."""
    client = ServerClient(url, api_key, timeout=CONNECT_TIMEOUT_S)
    try:
        model = check_server(client)
    except BaseException:
        client.close()
        raise
    client.timeout = REQUEST_TIMEOUT_S  # from now on, a keystroke's
    client.identity = model.identity  # and every new connection checks the server is the same
    slots = client_slots(model.total_slots, slot_group)
    log.info("connected to %s (%s), slots %s", model.url, model.name, slots)
    backend = RemoteBackend(
        client,
        n_ctx=model.n_ctx - 1,  # the server keeps a position for the token it samples
        n_vocab=N_VOCAB,
        n_seq=n_seq,
        slots=slots,
        prior=model.prior,
    )
    return backend, model


@longlived.loading()
def connect_predictor(
    url: str,
    api_key: str | None = None,
    *,
    slot_group: int | None = None,
    filter_offensive: bool = True,
    use_dictionary: bool = True,
    personal: str | Path | None = None,
) -> Predictor:
    """`Predictor.connect`, with what `Predictor.load` also takes (and the client's slot group)."""
    from keyboard_app.engine.predictor import N_SEQUENCES, ModelInfo, Predictor

    backend, model = connect_backend(url, api_key, n_seq=N_SEQUENCES, slot_group=slot_group)
    with contextlib.ExitStack() as on_failure:  # closes what is open if anything below fails
        on_failure.callback(backend.close)
        try:
            store = PersonalStore.open(personal) if personal is not None else None
        except PersonalStoreError as error:
            raise ServerError(str(error)) from error
        if store is not None:
            on_failure.callback(store.close)
        # The built-in model's trigrams count its training text: mixed in (with the dictionary)
        # when the server runs it.
        builtin = use_dictionary and model.is_builtin
        sources = standard_sources(Path(model.model_path), use_dictionary, store, builtin=builtin)
        on_failure.pop_all()
    info = ModelInfo(
        model.name,
        Path(model.model_path),
        model.size_bytes,
        "on server",
        0,
        0,
        model.n_ctx,
        backend.device,
        0,
        0,
        # A model in the built-in model's shape is one `keyboard-app train` made: it never saw
        # a blank line (`TRAINED_MODEL_NAME`; a server does not tell a model's name).
        knows_blank_lines=model.shape != builtin_model_shape(),
    )
    predictor = Predictor(backend, info, filter_offensive, sources)
    predictor.personal_store = store
    return predictor
