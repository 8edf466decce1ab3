"""Before Qt starts on X11: check the system libraries its xcb platform plugin needs.

Without them Qt aborts with "Could not load the Qt platform plugin xcb", which tells a user nothing.
This check names the packages to install instead. It imports no Qt.
"""

from __future__ import annotations

import ctypes
import os
import sys

XCB_LIBRARIES = {
    "libxcb-cursor.so.0": ("libxcb-cursor0", "xcb-util-cursor"),
    "libxcb-icccm.so.4": ("libxcb-icccm4", "xcb-util-wm"),
    "libxcb-image.so.0": ("libxcb-image0", "xcb-util-image"),
    "libxcb-keysyms.so.1": ("libxcb-keysyms1", "xcb-util-keysyms"),
    "libxcb-randr.so.0": ("libxcb-randr0", "libxcb"),
    "libxcb-render-util.so.0": ("libxcb-render-util0", "xcb-util-renderutil"),
    "libxcb-shape.so.0": ("libxcb-shape0", "libxcb"),
    "libxcb-xkb.so.1": ("libxcb-xkb1", "libxcb"),
    "libxkbcommon-x11.so.0": ("libxkbcommon-x11-0", "libxkbcommon-x11"),
}


def uses_xcb(environ: dict[str, str] | os._Environ[str] = os.environ) -> bool:
    """Whether Qt will pick its X11 (xcb) platform plugin."""
    if not sys.platform.startswith("linux"):
        return False
    platform = environ.get("QT_QPA_PLATFORM", "")
    if platform:
        return platform.split(";")[0].startswith("xcb")
    return not environ.get("WAYLAND_DISPLAY")


def missing_xcb_libraries() -> list[str]:
    missing = []
    for library in XCB_LIBRARIES:
        try:
            ctypes.CDLL(library)
        except OSError:
            missing.append(library)
    return missing


def install_hint(missing: list[str]) -> str:
    debian = " ".join(XCB_LIBRARIES[lib][0] for lib in missing)
    fedora = " ".join(sorted({XCB_LIBRARIES[lib][1] for lib in missing}))
    return (
        f"keyboard-app needs system libraries that this desktop lacks: {', '.join(missing)}.\n"
        f"  Debian/Ubuntu: sudo apt install {debian}\n"
        f"  Fedora: sudo dnf install {fedora}\n"
        "(or run under Wayland, or with QT_QPA_PLATFORM=offscreen for the command-line checks)"
    )


def ensure_xcb_libraries() -> None:
    """Exit with a message naming the packages to install when Qt's xcb plugin could not load."""
    if not uses_xcb():
        return
    missing = missing_xcb_libraries()
    if missing:
        _fail(install_hint(missing))
    if not os.environ.get("DISPLAY"):
        _fail(
            "keyboard-app found no display (DISPLAY is not set). Run it in a desktop session, "
            "or set QT_QPA_PLATFORM=offscreen for headless use."
        )


def _fail(message: str) -> None:
    print(message, file=sys.stderr)  # noqa: T201 (no window can exist yet)
    raise SystemExit(3)
