"""Benchmarks behind `keyboard-app bench ...`: each prints JSON, comparing side by side in one run.

Also the developer tools they share: random-weight models (`random_model`), the statistics they
report (`stats`), and, driving the real window with Qt, synthetic key typing (`key_typing`), the UI
benchmark (`ui_typing`) and the screenshot demo (`demo`). The engine imports none of them, and the
desktop bundle leaves the Qt ones out.
"""
