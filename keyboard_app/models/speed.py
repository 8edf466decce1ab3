"""How long the suggestions of one keystroke take with a model, from the model's shape alone.

Decoding reads every weight matrix once (the token embedding too: GPT-2's output matrix is tied to
it), and on a CPU that read is what a decode costs; a typical keystroke costs about one batched
decode (the median keystroke, inside a word, decodes one candidate; the first after a space decodes
the finished word and two next words, about three times as long) plus the Python around it.

The rule below was fitted to `keyboard-app bench latency` on 2 cores of an AMD EPYC server CPU
(its generation was not recorded), the app's default threads (one for the built-in model, two
otherwise), q8_0 files:

| model           | weights read | median keystroke (measured) | this rule |
|-----------------|--------------|-----------------------------|-----------|
| built-in 6x256  | 18.8 MB      | 1.63 ms                     | 1.65 ms   |
| GPT-2 small     | 131.7 MB     | 6.57 ms                     | 6.39 ms   |
| GPT-2 medium    | 376.8 MB     | 44 ms                       | 31 ms     |
| GPT-2 XL        | 1,656 MB     | 161 ms                      | 159 ms    |

Up to GPT-2 small the weights were read at about 25 GB/s, the larger models' at about 10 GB/s (the
CPU's caches and address translation serve a small model's working set better); so the first
`FAST_BYTES` are read at `FAST_BYTES_PER_MS`, the rest at `SLOW_BYTES_PER_MS`. Medium measured
slower than the rule (and than XL per byte); the rule matches the other three within 5%. Other
machines differ by their memory bandwidth; the order of the models and the factors between them
carry over.
"""

from __future__ import annotations

from keyboard_app.engine.gguf_validate import GgufInfo

#: The Python around a keystroke's decodes (word search, ranking), measured on the built-in model.
OVERHEAD_MS = 0.9
FAST_BYTES = 128_000_000
FAST_BYTES_PER_MS = 25e6  # 25 GB/s
SLOW_BYTES_PER_MS = 10e6  # 10 GB/s
_NOT_READ = "position_embd.weight"  # a decode reads one row of the position table


def keystroke_ms_for_bytes(read_bytes: int) -> float:
    """The median time of one keystroke's suggestions for a model whose decode reads `read_bytes`
    of weights (see the module's docstring for where the figures come from)."""
    fast = min(read_bytes, FAST_BYTES)
    slow = max(read_bytes - FAST_BYTES, 0)
    return OVERHEAD_MS + fast / FAST_BYTES_PER_MS + slow / SLOW_BYTES_PER_MS


def bytes_read_per_decode(tensor_bytes: dict[str, int]) -> int:
    """What one decode reads of a GPT-2 GGUF's tensors (name -> bytes): every matrix and vector,
    not the position table; the token embedding only when no separate output matrix exists."""
    skipped = {_NOT_READ, "token_embd.weight"} if "output.weight" in tensor_bytes else {_NOT_READ}
    return sum(size for name, size in tensor_bytes.items() if name not in skipped)


def file_keystroke_ms(info: GgufInfo) -> float:
    """The median keystroke time of an installed or opened GGUF (as validated)."""
    return keystroke_ms_for_bytes(bytes_read_per_decode(info.tensor_bytes))
