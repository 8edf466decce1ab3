"""Run keyboard-app from a source checkout: `python main.py` opens the editor."""

import sys

from keyboard_app.cli import main

if __name__ == "__main__":
    sys.exit(main())
