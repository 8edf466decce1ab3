"""The command line: `keyboard-app FILE...` (the desktop file's `Exec=keyboard-app %F`) opens the
files; number arguments are checked up front, with a message and no traceback."""

from __future__ import annotations

import json
import os
import shlex
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from keyboard_app.cli import main

DESKTOP_FILE = Path(__file__).parent.parent / "packaging" / "linux"


def desktop_exec() -> list[str]:
    (entry,) = DESKTOP_FILE.glob("*.desktop")
    line = next(x for x in entry.read_text("utf-8").splitlines() if x.startswith("Exec="))
    return shlex.split(line.removeprefix("Exec="))


def test_the_desktop_file_opens_files(tmp_path: Path, random_model: Path) -> None:
    """Run as a file manager's Open With does: the files open, the first in the window, the
    others in Open Recent (which the settings file shows), then Ctrl+C closes the app."""
    command = desktop_exec()
    assert command == ["keyboard-app", "%F"]
    first, second = tmp_path / "first.txt", tmp_path / "second.txt"
    first.write_text("one", "utf-8")
    second.write_text("two", "utf-8")
    arguments = [str(first), str(second), "--model", str(random_model)]
    config = tmp_path / "config"
    process = subprocess.Popen(
        [sys.executable, "-m", "keyboard_app.cli", "-v", *arguments],
        stderr=subprocess.PIPE,
        text=True,
        env={
            **os.environ,
            "QT_QPA_PLATFORM": "offscreen",
            "KEYBOARD_APP_CONFIG_DIR": str(config),
            "KEYBOARD_APP_DATA_DIR": str(tmp_path / "data"),
        },
    )
    assert process.stderr is not None
    for line in iter(process.stderr.readline, ""):
        if "loading model" in line:
            break
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    stored = json.loads((config / "settings.json").read_text("utf-8"))
    assert stored["recent_files"][:2] == [str(first), str(second)]


@pytest.mark.parametrize(
    ("arguments", "complaint"),
    [
        (["explore", "Hi", "--k", "-3"], "--k"),
        (["suggest", "Hi", "--k", "-1"], "--k"),
        (["suggest", "Hi", "--k", "many"], "--k"),
        (["continue", "Hi", "--tokens", "-5"], "--tokens"),
        (["continue", "Hi", "--tokens", "0"], "--tokens"),
        (["continue", "Hi", "--tokens", "4097"], "--tokens"),
        (["continue", "Hi", "--top-k", "-1"], "--top-k"),
        (["continue", "Hi", "--temperature", "inf"], "--temperature"),
        (["continue", "Hi", "--temperature", "nan"], "--temperature"),
        (["continue", "Hi", "--top-p", "2"], "--top-p"),
        (["continue", "Hi", "--top-p", "0"], "--top-p"),
        (["continue", "Hi", "--seed", "-1"], "--seed"),
        (["suggest", "Hi", "--threads", "-3"], "--threads"),
        (["suggest", "Hi", "--threads", "0"], "--threads"),
        (["explore", "Hi", "--threads", "99999999999"], "--threads"),  # llama.cpp would abort
        (["personal", "list", "--limit", "99999999999999999999"], "--limit"),
        (["bench", "typos", "text.txt", "--words", "-5"], "--words"),
        (["bench", "typos", "text.txt", "--rate", "2"], "--rate"),
        (["bench", "typos", "text.txt", "--skip-words", "x"], "--skip-words"),
        (["bench", "typos", "text.txt", "--seed", "-3"], "--seed"),
        (["bench", "models", "--kinds", "q8_0,q3"], "--kinds"),  # before the long conversion
        (["bench", "server", "--agreement-keystrokes", "-1"], "--agreement-keystrokes"),
        (["bench", "server", "--typists", "0"], "--typists"),
        (["bench", "server", "--seconds", "nan"], "--seconds"),
        (["bench", "ksr", "text.txt", "--chars-per-second", "0"], "--chars-per-second"),
        (["bench", "ksr", "text.txt", "--decode-delay-ms", "-1"], "--decode-delay-ms"),
        (["bench", "ksr", "text.txt", "--min-paragraphs", "0"], "--min-paragraphs"),
        (["bench", "latency", "--chars-per-second", "-15"], "--chars-per-second"),
        (["bench", "ui", "--seconds", "0"], "--seconds"),
        (["serve", "gpt2", "--port", "99999"], "--port"),
        (["serve", "gpt2", "--parallel", "0"], "--parallel"),
        (["personal", "list", "--limit", "0"], "--limit"),
    ],
)
def test_numbers_are_checked_before_anything_runs(
    arguments: list[str], complaint: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    missing = str(tmp_path / "no-model.gguf")  # the model is never opened
    try:
        code = main([*arguments, "--model", missing])
    except SystemExit as exit_:  # argparse's own checks
        code = int(exit_.code or 0)
    captured = capsys.readouterr()
    assert code == 2
    assert complaint in captured.err
    assert "Traceback" not in captured.err and captured.out == ""


EMPTY = "expected a value, not an empty one"
DASH = "give a file name: this writes a file, not standard output"


@pytest.mark.parametrize(
    ("arguments", "complaint"),
    [
        # An empty value (a shell variable left unset) quietly meant the local or default model.
        (["suggest", "Hi", "--server", ""], EMPTY),
        (["continue", "Hi", "--server", " "], EMPTY),
        (["explore", "Hi", "--model", ""], EMPTY),
        (["gui", "--model", ""], EMPTY),
        (["models", "import", "m.gguf", "--name", ""], EMPTY),
        # A model or a split is no text for a terminal (`personal export -` is JSON, and
        # writes it there): `-` was a file of that name.
        (["train", "--corpus", "c", "--write-heldout", "-"], DASH),
        (["train", "--corpus", "c", "--out", "-"], DASH),
        (["models", "quantize", "m.gguf", "-"], DASH),
        (["models", "convert", "folder", "--out", "-"], DASH),
    ],
)
def test_an_empty_value_or_a_dash_for_a_file_to_write_is_a_usage_error(
    arguments: list[str], complaint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(arguments)
    assert exit_.value.code == 2
    assert complaint in capsys.readouterr().err


@pytest.mark.parametrize(
    ("arguments", "complaint"),
    [
        (["bench", "ksr", "t.txt", "--learn-online"], "--learn-online needs --personal-split"),
        (
            ["train", "--corpus", "c", "--write-heldout", "x.txt", "--write-train", "./x.txt"],
            "two --write-* options name the same file",
        ),
    ],
)
def test_options_that_cannot_go_together_are_a_usage_error_before_anything_runs(
    arguments: list[str],
    complaint: str,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)  # nothing is read or written: t.txt and c do not exist
    with pytest.raises(SystemExit) as exit_:
        main(arguments)
    assert exit_.value.code == 2
    assert complaint in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("arguments", "parsed"),
    [
        (["suggest", "Hi", "--k", "1", "--threads", "256"], {"k": 1, "threads": 256}),
        (
            ["continue", "Hi", "--tokens", "4096", "--top-k", "0", "--top-p", "1"],
            {"tokens": 4096, "top_k": 0, "top_p": 1.0},
        ),
        (["continue", "Hi", "--temperature", "0", "--seed", str(2**64 - 1)], {"seed": 2**64 - 1}),
        (
            ["bench", "typos", "t.txt", "--rate", "1", "--words", "1", "--skip-words", "0"],
            {"rate": 1.0, "words": 1, "skip_words": 0},
        ),
        (
            ["bench", "ksr", "t.txt", "--personal-split", "1", "--inline-threshold", "1"],
            {"personal_split": 1.0, "inline_threshold": 1.0},
        ),
        (["bench", "ksr", "t.txt", "--words", "1", "--decode-delay-ms", "0"], {"words": 1}),
        (["serve", "gpt2", "--port", "65535", "--parallel", "256"], {"port": 65535}),
        (["serve", "gpt2", "--port", "1", "--parallel", "1"], {"parallel": 1}),
        (["personal", "list", "--limit", str(10**9)], {"limit": 10**9}),
        (
            ["train", "--corpus", "c", "--context", "1024", "--layers", "128", "--dropout", "1"],
            {"context": 1024, "layers": 128, "dropout": 1.0},
        ),
        (
            ["train", "--corpus", "c", "--context", "32", "--vocab", "2"],
            {"context": 32, "vocab": 2},
        ),
    ],
)
def test_the_bounds_themselves_are_accepted(
    arguments: list[str], parsed: dict[str, object]
) -> None:
    """Each range includes its ends (`--top-p 1` is the default, all the tokens)."""
    from keyboard_app.cli import build_parser

    args = vars(build_parser().parse_args(arguments))
    assert {key: args[key] for key in parsed} == parsed


@pytest.mark.parametrize(
    "arguments",
    [
        ["suggest", "Hi"],
        ["explore", "Hi"],
        ["continue", "Hi"],
        ["serve"],
        ["bench", "latency"],
        ["bench", "ksr", "{text}", "--train-text", "{text}"],
    ],
)
def test_a_missing_model_is_one_line_and_exit_1(
    arguments: list[str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    text = tmp_path / "text.txt"
    text.write_text("Some words to type.\n", "utf-8")
    missing = str(tmp_path / "no-model.gguf")
    given = [a.format(text=text) for a in arguments]
    code = main([*given, missing] if given == ["serve"] else [*given, "--model", missing])
    assert (code, capsys.readouterr().err) == (1, f"error: Model file {missing} does not exist.\n")


@pytest.mark.parametrize(
    "arguments",
    [
        ["bench", "ksr", "{missing}", "--skip-words", "0"],  # 0, the default, may be given too
        ["bench", "ksr", "{text}", "--train-text", "{missing}"],
        ["bench", "typos", "{missing}"],
    ],
)
def test_a_missing_input_file_is_one_line_and_exit_1(
    arguments: list[str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    text, missing = tmp_path / "text.txt", tmp_path / "missing.txt"
    text.write_text("Some words to type.\n", "utf-8")
    code = main([a.format(text=text, missing=missing) for a in arguments])
    err = capsys.readouterr().err
    assert (code, err) == (1, f"error: cannot read {missing}: No such file or directory\n")


def test_verbose_adds_the_traceback_of_a_failure_for_a_report(tmp_path: Path) -> None:
    missing = str(tmp_path / "missing.txt")
    for verbose in ([], ["-v"]):
        result = subprocess.run(
            [sys.executable, "-m", "keyboard_app.cli", *verbose, "bench", "typos", missing],
            capture_output=True,
            text=True,
            env={**os.environ, "KEYBOARD_APP_DATA_DIR": str(tmp_path / "data")},
            timeout=60,
        )
        assert result.returncode == 1
        assert result.stderr.endswith(f"error: cannot read {missing}: No such file or directory\n")
        assert ("Traceback (most recent call last)" in result.stderr) == bool(verbose)


@pytest.mark.parametrize(
    ("arguments", "instead"),
    [
        (["bench", "typos"], "give FILE"),
        (["bench", "ksr", "{text}"], "give --train-text FILE or --corpus FOLDER"),
    ],
)
def test_without_the_corpora_the_benchmarks_ask_for_a_file(
    arguments: list[str],
    instead: str,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A packaged app has no resources/corpora."""
    text = tmp_path / "text.txt"
    text.write_text("Some words to type.\n", "utf-8")
    monkeypatch.setenv("KEYBOARD_APP_RESOURCES", str(tmp_path / "bundle"))
    code = main([a.format(text=text) for a in arguments])
    err = capsys.readouterr().err
    assert code == 1 and err.startswith("error: this copy of keyboard-app has no corpora")
    assert instead in err and err.count("\n") == 1


def test_continue_help_says_what_each_option_does_and_its_default(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        main(["continue", "--help"])
    shown = " ".join(capsys.readouterr().out.split())
    for told in ("(default 60)", "(default 40; 0: no limit; 1: greedy)", "(default 1: all)"):
        assert told in shown
    assert "(default 1; 0: greedy)" in shown and "(default: a new one each time)" in shown


@pytest.mark.parametrize("before", [[], ["-v"]])
def test_self_test_as_a_flag_goes_where_the_command_goes(
    before: list[str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    missing = str(tmp_path / "no-model.gguf")
    assert main([*before, "--self-test", "--model", missing]) == 1
    assert "self-test FAILED: Model file" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "--self-test" in capsys.readouterr().out


def test_an_argument_that_is_not_utf8_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    # The bytes "caf\xe9" (Latin-1) as Python passes them on: a lone surrogate.
    assert main(["personal", "list", "--search", "caf\udce9"]) == 2
    err = capsys.readouterr().err
    assert "the argument caf\\xe9 is not UTF-8" in err


@pytest.mark.skipif(os.name != "posix", reason="SIGPIPE")
def test_a_reader_that_stops_reading_ends_the_command_quietly(random_model: Path) -> None:
    """`keyboard-app explore --k 50000 Hello | head -1`: more than a pipe holds."""
    command = [sys.executable, "-m", "keyboard_app.cli", "explore", "--k", "50000", "Hello"]
    process = subprocess.Popen(
        [*command, "--model", str(random_model)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    assert process.stdout.readline()
    process.stdout.close()
    err = process.stderr.read().decode()
    assert process.wait(timeout=60) == 141
    assert "Traceback" not in err and "BrokenPipe" not in err


@pytest.mark.parametrize(("typed", "meant"), [("sugest", "suggest"), ("modles", "models")])
def test_a_mistyped_command_is_a_usage_error_not_a_new_document(
    capsys: pytest.CaptureFixture[str], typed: str, meant: str
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main([typed, "hello world"])
    assert exit_.value.code == 2
    assert f"there is no command {typed!r}; did you mean {meant!r}?" in capsys.readouterr().err


def test_a_file_named_like_a_mistyped_command_is_still_opened(tmp_path: Path) -> None:
    from keyboard_app.cli import _mistyped_command

    named = tmp_path / "sugest"
    named.write_text("a note", encoding="utf-8")
    assert _mistyped_command([str(named)], {"suggest", "gui"}) is None
    assert _mistyped_command(["letter-to-anna.txt"], {"suggest", "gui"}) is None
    assert _mistyped_command(["sugest"], {"suggest", "gui"}) == ("sugest", "suggest")


@pytest.mark.parametrize(
    ("arguments", "complaint"),
    [
        (["suggest", "Hi", "--model", "x.gguf"], "--model cannot be used with --server"),
        (["explore", "Hi", "--threads", "2"], "--threads cannot be used with --server"),
        (
            ["continue", "Hi", "--model", "x.gguf", "--threads", "2"],
            "--model and --threads cannot be used with --server",
        ),
    ],
)
def test_a_local_models_options_with_a_server_are_a_usage_error(
    arguments: list[str], complaint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """They would be ignored: the server runs its own model (nothing is sent anywhere)."""
    with pytest.raises(SystemExit) as exit_:
        main([*arguments, "--server", "http://127.0.0.1:9"])
    assert exit_.value.code == 2
    assert complaint in capsys.readouterr().err


def test_an_api_key_without_a_server_is_a_usage_error_but_the_variable_is_not(
    random_model: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`--api-key` alone would be ignored; `LLAMA_API_KEY` may be set for `serve` in the same
    shell, and the local model answers."""
    with pytest.raises(SystemExit) as exit_:
        main(["suggest", "Hi", "--api-key", "team-key"])
    assert exit_.value.code == 2
    assert "--api-key needs --server" in capsys.readouterr().err
    monkeypatch.setenv("LLAMA_API_KEY", "team-key")
    assert main(["suggest", "Hi", "--model", str(random_model)]) == 0


def run_cli(arguments: list[str], stdin: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "keyboard_app.cli", *arguments],
        input=stdin,
        capture_output=True,
        text=True,
        env={**os.environ, "KEYBOARD_APP_DATA_DIR": str(tmp_path / "data")},
        timeout=60,
    )


def test_a_dash_learns_from_standard_input(tmp_path: Path) -> None:
    store = str(tmp_path / "store.sqlite3")
    learned = run_cli(
        ["personal", "learn", "-", "--store", store], "Ottoline wrote to Ottoline.\n", tmp_path
    )
    assert learned.returncode == 0, learned.stderr
    assert learned.stdout == "Learned 4 words from standard input.\n"
    listed = run_cli(["personal", "list", "--json", "--store", store], "", tmp_path)
    words = {entry["text"]: entry["count"] for entry in json.loads(listed.stdout)}
    assert words["Ottoline"] == 2


@pytest.mark.parametrize(
    ("text", "why"),
    [
        (b"caf\xe9\n", "(byte 3 is not UTF-8)"),
        ("Kind regards\n".encode("utf-16-le"), "(it is UTF-16 text: save it as UTF-8)"),  # no BOM
    ],
)
def test_a_dash_that_is_not_utf8_is_refused_like_a_file(
    tmp_path: Path, text: bytes, why: str
) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "keyboard_app.cli", "bench", "typos", "-", "--words", "5"],
        input=text,
        capture_output=True,
        env={**os.environ, "KEYBOARD_APP_DATA_DIR": str(tmp_path / "data")},
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr.decode().endswith(f"error: standard input is not UTF-8 text {why}\n")


def test_a_dash_given_twice_is_the_same_text_twice(tmp_path: Path) -> None:
    store = str(tmp_path / "store.sqlite3")
    learned = run_cli(["personal", "learn", "-", "-", "--store", store], "Ottoline.\n", tmp_path)
    assert learned.stdout == "Learned 1 words from standard input.\n" * 2
    listed = run_cli(["personal", "list", "--json", "--store", store], "", tmp_path)
    assert {entry["text"]: entry["count"] for entry in json.loads(listed.stdout)}["Ottoline"] == 2


def test_a_dash_exports_to_standard_output_and_imports_from_standard_input(
    tmp_path: Path,
) -> None:
    first, second = (str(tmp_path / name) for name in ("a.sqlite3", "b.sqlite3"))
    run_cli(["personal", "learn", "-", "--store", first], "Ottoline wrote.\n", tmp_path)
    exported = run_cli(["personal", "export", "-", "--store", first], "", tmp_path)
    assert exported.returncode == 0, exported.stderr
    assert exported.stderr == "Exported 7 words and phrases.\n"
    assert {word["word"] for word in json.loads(exported.stdout)["words"]} == {"Ottoline", "wrote"}
    assert not (tmp_path / "-").exists()
    imported = run_cli(["personal", "import", "-", "--store", second], exported.stdout, tmp_path)
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.startswith("Imported 7 words and phrases from standard input")
    listed = run_cli(["personal", "list", "--json", "--store", second], "", tmp_path)
    assert {entry["text"] for entry in json.loads(listed.stdout)} >= {"Ottoline", "wrote"}


def test_an_export_to_standard_output_is_utf8_whatever_its_encoding(tmp_path: Path) -> None:
    """Windows gives a redirected standard output its ANSI code page: the export is UTF-8 still,
    as `import -` reads it."""
    store = str(tmp_path / "a.sqlite3")
    run_cli(["personal", "learn", "-", "--store", store], "Zażółć 東京.\n", tmp_path)
    exported = subprocess.run(
        [sys.executable, "-m", "keyboard_app.cli", "personal", "export", "-", "--store", store],
        capture_output=True,
        env={**os.environ, "PYTHONIOENCODING": "cp1252"},
        timeout=60,
    )
    assert exported.returncode == 0, exported.stderr
    words = {word["word"] for word in json.loads(exported.stdout.decode("utf-8"))["words"]}
    assert words == {"Zażółć", "東京"}


def test_a_file_named_dash_is_reached_as_dot_slash_dash(tmp_path: Path) -> None:
    (tmp_path / "-").write_text("Ottoline wrote.\n", "utf-8")
    store = str(tmp_path / "store.sqlite3")
    learned = subprocess.run(
        [sys.executable, "-m", "keyboard_app.cli", "personal", "learn", "./-", "--store", store],
        input="Standard input is not read.\n",
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "KEYBOARD_APP_DATA_DIR": str(tmp_path / "data")},
        timeout=60,
    )
    assert learned.returncode == 0, learned.stderr
    assert learned.stdout == f"Learned 2 words from {tmp_path / '-'}.\n"


def test_an_empty_file_to_import_is_said_to_be_empty(tmp_path: Path) -> None:
    store = tmp_path / "store.sqlite3"
    result = run_cli(["personal", "import", "-", "--store", str(store)], "\n", tmp_path)
    assert (result.returncode, result.stderr) == (
        1,
        "error: standard input is not a JSON file of learned words: it is empty.\n",
    )
    assert not store.exists()


def test_a_dash_that_is_no_export_is_refused_and_makes_no_store(tmp_path: Path) -> None:
    store = tmp_path / "store.sqlite3"
    result = run_cli(["personal", "import", "-", "--store", str(store)], "Dear Ottoline", tmp_path)
    assert (result.returncode, result.stderr) == (
        1,
        "error: standard input is not a JSON file of learned words: it is not JSON (Expecting "
        "value, line 1).\n",
    )
    assert not store.exists()


@pytest.mark.skipif(os.name != "posix", reason="a closed file descriptor 0")
def test_a_dash_without_standard_input_is_one_line(tmp_path: Path) -> None:
    store = str(tmp_path / "store.sqlite3")
    result = subprocess.run(
        [sys.executable, "-m", "keyboard_app.cli", "personal", "learn", "-", "--store", store],
        capture_output=True,
        text=True,
        env={**os.environ, "KEYBOARD_APP_DATA_DIR": str(tmp_path / "data")},
        timeout=60,
        preexec_fn=lambda: os.close(0),
    )
    assert (result.returncode, result.stderr) == (
        1,
        "error: standard input cannot be learned from: there is none.\n",
    )


def test_a_new_document_named_like_a_command_with_an_extension_opens() -> None:
    """`keyboard-app personal.txt`, a file not written yet: a new document, not a mistyped
    `personal`; so are names in a folder."""
    from keyboard_app.cli import _command_names, _mistyped_command, build_parser

    commands = _command_names(build_parser())
    assert {"train", "gui", "personal"} <= commands
    for name in ("train.txt", "gui.py", "personal.txt", "models.md", "notes/suggest"):
        assert _mistyped_command([name], commands) is None
    assert _mistyped_command(["-v", "traim"], commands) == ("traim", "train")


def test_without_a_command_the_app_starts() -> None:
    from keyboard_app.cli import _with_command

    commands = {"gui", "suggest", "self-test"}
    assert _with_command([], commands) == ["gui"]
    assert _with_command(["-v"], commands) == ["-v", "gui"]
    assert _with_command(["-v", "notes.txt"], commands) == ["-v", "gui", "notes.txt"]
    assert _with_command(["suggest", "Hi"], commands) == ["suggest", "Hi"]


def test_progress_is_logged_only_with_verbose(tmp_path: Path) -> None:
    folder = tmp_path / "corpus" / "sentences"
    folder.mkdir(parents=True)
    (folder / "a.json").write_text('["A good sentence.", "Another one."]', "utf-8")
    arguments = ["train", "--corpus", str(tmp_path / "corpus")]
    quiet = run_cli([*arguments, "--write-heldout", str(tmp_path / "held.txt")], "", tmp_path)
    assert (quiet.returncode, quiet.stderr) == (0, "")
    told = run_cli(["-v", *arguments, "--write-train", str(tmp_path / "train.txt")], "", tmp_path)
    assert told.returncode == 0
    assert "sentences: 1 documents, 2 lines" in told.stderr


@pytest.mark.skipif(os.name != "posix", reason="a pseudo-terminal")
@pytest.mark.parametrize(("answer", "cleared"), [(b"\n", False), (b"n\n", False), (b" Y \n", True)])
def test_clear_asks_first_and_enter_alone_is_no(
    answer: bytes,
    cleared: bool,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`personal clear` in a terminal asks "[y/N]": only yes forgets everything."""
    import pty

    from keyboard_app.personal import PersonalStore

    notes = tmp_path / "notes.txt"
    notes.write_text("Ottoline wrote to Ottoline.\n", "utf-8")
    store = ["--store", str(tmp_path / "s.sqlite3")]
    assert main(["personal", "learn", str(notes), *store]) == 0
    controller, terminal = pty.openpty()
    with os.fdopen(terminal, "r") as tty:
        os.write(controller, answer)
        monkeypatch.setattr(sys, "stdin", tty)
        assert main(["personal", "clear", *store]) == 0
    os.close(controller)
    out = capsys.readouterr().out
    assert ("Everything learned was forgotten." in out) == cleared
    assert ("Nothing was cleared." in out) == (not cleared)
    with PersonalStore.open(tmp_path / "s.sqlite3") as opened:
        assert (opened.stats().entries == 0) == cleared


def test_python_dash_m_runs_the_command() -> None:
    """`python -m keyboard_app` is the `keyboard-app` command (it failed: no `__main__`)."""
    result = subprocess.run(
        [sys.executable, "-m", "keyboard_app", "suggest", "--help"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: keyboard-app suggest")
