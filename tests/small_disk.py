"""A small disk for tests of a full disk: a tmpfs mounted in a user and mount namespace of a child
shell (no privileges needed where unprivileged user namespaces are allowed)."""

from __future__ import annotations

import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

NO_TMPFS = 99  # the child's exit status when it could not mount its tmpfs


def run_on_small_disk(
    disk: Path, commands: str, program: str, size: str = "64k"
) -> subprocess.CompletedProcess[str]:
    """Run the shell `commands` with `disk` (made here) a tmpfs of `size`, and `program` as
    their `$0` (a Python program they may run with `-c "$0"`); the test is skipped where no such
    namespace can be made, or a command the shell needs is missing."""
    if shutil.which("unshare") is None:
        pytest.skip("no unshare(1) to mount a small tmpfs")
    disk.mkdir()
    script = f"mount -t tmpfs -o size={size} tmpfs {shlex.quote(str(disk))} || exit {NO_TMPFS}; "
    result = subprocess.run(
        ["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", script + commands, program],
        capture_output=True,
        text=True,
        timeout=120,
    )
    if result.returncode == NO_TMPFS or result.stderr.startswith(("unshare:", "setpriv:")):
        pytest.skip(f"cannot mount a tmpfs here: {result.stderr.strip()}")
    return result
