"""Whether llama.cpp's own log reaches stderr.

llama-cpp-python passes every line of llama.cpp's log (one for each tensor it loads or quantizes,
the devices it found) to its logger, and prints each line while that logger has no level of its
own. Only the logger is touched here, so the command line can choose before llama.cpp is loaded.
"""

from __future__ import annotations

import logging

_LLAMA_CPP_LOG = logging.getLogger("llama-cpp-python")


def show_llama_cpp_log(show: bool) -> None:
    """Show llama.cpp's whole log, or only its errors (the command line's --verbose chooses)."""
    _LLAMA_CPP_LOG.setLevel(logging.DEBUG if show else logging.ERROR)


def llama_cpp_log_shown() -> bool:
    """Whether llama.cpp's whole log was chosen: what `llama_cpp.Llama(verbose=...)` must be
    given, as it sets the logger's level again."""
    return _LLAMA_CPP_LOG.isEnabledFor(logging.DEBUG)


def quiet_llama_cpp_unless_chosen() -> None:
    """Keep llama.cpp's log to its errors, unless `show_llama_cpp_log` chose already."""
    if _LLAMA_CPP_LOG.level == logging.NOTSET:
        show_llama_cpp_log(False)
