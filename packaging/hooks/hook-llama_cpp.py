"""llama-cpp-python loads llama.cpp's shared libraries with ctypes from `llama_cpp/lib`, which
PyInstaller's import analysis cannot see: collect them explicitly.

Its wheel holds each library three times, as copies, not links (libllama.so, libllama.so.0,
libllama.so.0.5.0), and libraries the app never loads (mtmd, for images). Only the file ctypes
opens is collected (libllama.so, llama.dll, libllama.dylib); PyInstaller's analysis of its
dependencies adds the others it needs, by the names it asks for (libggml.so.0, ...)."""

import re
from pathlib import Path

from PyInstaller.utils.hooks import collect_data_files, collect_dynamic_libs

SHARED_LIBRARY = re.compile(r"\.(so(\.\d+)*|dylib|dll)$")


def _opened_by_ctypes(entry: tuple[str, str]) -> bool:
    return re.fullmatch(r"(lib)?llama\.(so|dylib|dll)", Path(entry[0]).name) is not None


binaries = [
    entry
    for entry in collect_dynamic_libs("llama_cpp", destdir="llama_cpp/lib")
    if _opened_by_ctypes(entry)
]
datas = [entry for entry in collect_data_files("llama_cpp") if not SHARED_LIBRARY.search(entry[0])]
