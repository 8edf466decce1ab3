"""keyboard-app: a local predictive keyboard for the desktop, GPT-2 on llama.cpp."""

__version__ = "0.1.0"
APP_ID = "io.github.keyboard_app.KeyboardApp"
APP_NAME = "keyboard-app"
