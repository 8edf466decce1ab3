"""The offensive-word filter reads better-profanity's word list with importlib.resources."""

from PyInstaller.utils.hooks import collect_data_files

datas = collect_data_files("better_profanity")
