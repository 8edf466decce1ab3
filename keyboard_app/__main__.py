"""`python -m keyboard_app`: the same as the `keyboard-app` command."""

import sys

from keyboard_app.cli import main

if __name__ == "__main__":
    sys.exit(main())
