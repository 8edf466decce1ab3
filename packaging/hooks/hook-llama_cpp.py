"""llama-cpp-python loads llama.cpp's shared libraries with ctypes from `llama_cpp/lib`, which
PyInstaller's import analysis cannot see: collect them (and the package data) explicitly."""

from PyInstaller.utils.hooks import collect_data_files, collect_dynamic_libs

binaries = collect_dynamic_libs("llama_cpp", destdir="llama_cpp/lib")
datas = collect_data_files("llama_cpp")
