"""The xcb check names the packages to install instead of letting Qt abort."""

import subprocess
import sys

import pytest

from keyboard_app import qt_check


def test_platform_choice():
    if not sys.platform.startswith("linux"):
        pytest.skip("Linux only")
    assert qt_check.uses_xcb({"QT_QPA_PLATFORM": "xcb"})
    assert not qt_check.uses_xcb({"QT_QPA_PLATFORM": "offscreen"})
    assert not qt_check.uses_xcb({"WAYLAND_DISPLAY": "wayland-0"})
    assert qt_check.uses_xcb({})


def test_hint_names_the_packages():
    hint = qt_check.install_hint(["libxcb-cursor.so.0", "libxkbcommon-x11.so.0"])
    assert "apt install libxcb-cursor0 libxkbcommon-x11-0" in hint
    assert "dnf install libxkbcommon-x11 xcb-util-cursor" in hint


def test_missing_libraries_give_a_message_and_exit_code(monkeypatch, capsys):
    monkeypatch.setattr(
        qt_check, "XCB_LIBRARIES", {"libdoes-not-exist.so.9": ("libdoes-not-exist9", "dne")}
    )
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    if not sys.platform.startswith("linux"):
        pytest.skip("Linux only")
    with pytest.raises(SystemExit) as stopped:
        qt_check.ensure_xcb_libraries()
    assert stopped.value.code == 3
    assert "apt install libdoes-not-exist9" in capsys.readouterr().err


def test_self_test_from_source(random_model):
    result = subprocess.run(
        [sys.executable, "-m", "keyboard_app.cli", "--self-test", "--model", str(random_model)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("self-test ok: random test model (F32")


def test_no_display_is_explained(monkeypatch, capsys):
    if not sys.platform.startswith("linux"):
        pytest.skip("Linux only")
    monkeypatch.setattr(qt_check, "XCB_LIBRARIES", {})
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    monkeypatch.delenv("DISPLAY", raising=False)
    with pytest.raises(SystemExit):
        qt_check.ensure_xcb_libraries()
    assert "QT_QPA_PLATFORM=offscreen" in capsys.readouterr().err
