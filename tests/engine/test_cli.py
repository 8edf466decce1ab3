"""`keyboard-app suggest | explore | continue` as a user runs them."""

import json
import shutil
import subprocess
import sys

from keyboard_app.engine.tokenizer import token_bytes


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "keyboard_app.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_suggest_json(random_model):
    result = run_cli("suggest", "Thank you for your hel", "--model", str(random_model), "--json")
    assert result.returncode == 0, result.stderr
    words = json.loads(result.stdout)
    assert len(words) == 3
    # (a name the dictionary capitalises keeps its capital: Helen)
    assert all(w["word"].lower().startswith("hel") and 0 < w["probability"] <= 1 for w in words)


def test_explore_and_continue(random_model):
    explored = run_cli("explore", "Hello", "--k", "4", "--model", str(random_model), "--json")
    assert explored.returncode == 0, explored.stderr
    choices = json.loads(explored.stdout)
    assert len(choices) == 4
    for choice in choices:
        readable = token_bytes(choice["token_id"]).decode("utf-8", "backslashreplace")
        assert choice["token"] == readable
    first = run_cli(
        "continue", "Hello", "--tokens", "8", "--seed", "3", "--model", str(random_model)
    )
    second = run_cli(
        "continue", "Hello", "--tokens", "8", "--seed", "3", "--model", str(random_model)
    )
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("Hello") and len(first.stdout) > len("Hello\n")
    assert first.stdout == second.stdout


def test_bad_model_is_a_clear_error_not_a_crash(tmp_path):
    bad = tmp_path / "bad.gguf"
    bad.write_bytes(b"not a model at all, only some words " * 4)
    result = run_cli("suggest", "Hello", "--model", str(bad))
    assert result.returncode == 1
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
    assert "not a GGUF file" in result.stderr


def test_exploring_after_a_space_says_what_the_bars_are(random_model):
    spaced = run_cli("explore", "Hello ", "--k", "3", "--model", str(random_model))
    assert spaced.returncode == 0, spaced.stderr
    assert spaced.stdout.startswith("# after the trailing space")
    as_json = run_cli("explore", "Hello ", "--k", "3", "--model", str(random_model), "--json")
    assert as_json.returncode == 0, as_json.stderr
    assert all(choice["token"].startswith(" ") for choice in json.loads(as_json.stdout))
    plain = run_cli("explore", "Hello", "--k", "3", "--model", str(random_model))
    assert not plain.stdout.startswith("#")


def test_bad_sampling_settings_are_a_usage_error_naming_the_option(random_model):
    result = run_cli("continue", "Hello", "--temperature", "nan", "--model", str(random_model))
    assert result.returncode == 2
    assert result.stderr.startswith("usage: keyboard-app continue")
    assert "argument --temperature: expected a number of at least 0, not 'nan'" in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_top_k_0_means_no_limit(random_model):
    result = run_cli(
        "continue", "Hello", "--tokens", "3", "--top-k", "0", "--model", str(random_model)
    )
    assert result.returncode == 0, result.stderr


def test_suggest_explore_and_continue_on_a_server_as_on_the_model_here(
    random_model, random_model_server
):
    """`--server URL` gives the words of the model here (the CLI's suggest is exact), the same
    tokens and the same seeded continuation."""
    commands = [
        ("suggest", "Thank you for your hel", "--json"),
        ("explore", "Hello", "--k", "4", "--json"),
        ("continue", "Hello", "--tokens", "6", "--seed", "3", "--top-k", "1"),
    ]
    for command in commands:
        here = run_cli(*command, "--model", str(random_model))
        there = run_cli(*command, "--server", random_model_server.url)
        assert there.returncode == 0, there.stderr
        if command[0] == "continue":
            assert there.stdout == here.stdout
            continue
        key = "word" if command[0] == "suggest" else "token"
        assert [r[key] for r in json.loads(there.stdout)] == [
            r[key] for r in json.loads(here.stdout)
        ]


def test_the_model_chosen_with_models_use_answers_and_a_name_is_a_model(random_model):
    from keyboard_app.models import store

    staged = store.store_dir() / ".mine.staged"
    shutil.copyfile(random_model, staged)
    store.add_model("mine", staged, source="test", revision=None, quantization="f32", type_mix={})
    by_path = run_cli("suggest", "Thank you for your hel", "--model", str(random_model), "--json")
    builtin = run_cli("suggest", "Thank you for your hel", "--json")
    assert by_path.returncode == builtin.returncode == 0, by_path.stderr + builtin.stderr
    assert by_path.stdout != builtin.stdout  # the two models tell apart
    assert run_cli("suggest", "Thank you for your hel", "--model", "mine", "--json").stdout == (
        by_path.stdout
    )
    store.set_default_model("mine")  # what `keyboard-app models use mine` does
    assert run_cli("suggest", "Thank you for your hel", "--json").stdout == by_path.stdout
    assert run_cli("suggest", "Thank you for your hel", "--model", "builtin", "--json").stdout == (
        builtin.stdout
    )
    unknown = run_cli("suggest", "Hello", "--model", "nosuch")
    assert unknown.returncode == 1
    assert unknown.stderr == (
        "error: No installed model is called 'nosuch'; see `keyboard-app models list`.\n"
    )
    missing = run_cli("suggest", "Hello", "--model", "nosuch.gguf")
    assert (missing.returncode, missing.stderr) == (
        1,
        "error: There is no model file 'nosuch.gguf' here, nor an installed model of that name; "
        "see `keyboard-app models list`.\n",
    )
