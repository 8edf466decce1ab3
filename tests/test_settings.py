"""The settings store: typed, versioned JSON with defaults for anything missing or invalid."""

from __future__ import annotations

import json
import os
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from keyboard_app.engine.errors import ModelError
from keyboard_app.engine.sampling import SamplingParams
from keyboard_app.settings import (
    LEARNING_SWITCHES,
    MAX_RECENT_FILES,
    RANGES,
    SETTINGS_VERSION,
    Settings,
    SettingsStore,
    settings_from_dict,
)


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> SettingsStore:
    monkeypatch.setenv("KEYBOARD_APP_CONFIG_DIR", str(tmp_path / "config"))
    return SettingsStore()


@pytest.fixture
def usual_umask() -> Iterator[None]:
    """The umask most systems give users (022: new files readable to all)."""
    old = os.umask(0o022)
    yield
    os.umask(old)


@pytest.mark.usefixtures("usual_umask")
def test_the_file_holding_the_api_key_is_only_the_users(store: SettingsStore) -> None:
    store.save(Settings(server_url="http://gpu-box:8080", server_api_key="team-key"))
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    store.path.chmod(0o644)  # as earlier versions wrote it
    store.save(Settings(server_api_key="another-key"))
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert store.load().server_api_key == "another-key"


def test_missing_file_gives_defaults(store: SettingsStore) -> None:
    assert store.load() == Settings()


def test_round_trip_in_the_config_folder(store: SettingsStore, tmp_path: Path) -> None:
    settings = Settings(top_k=12, temperature=0.7, gpu_layers=0, font_family="Serif")
    settings.add_recent_file("/a.txt")
    store.save(settings)
    assert store.path == tmp_path / "config" / "settings.json"
    data = json.loads(store.path.read_text("utf-8"))
    assert data["version"] == SETTINGS_VERSION
    assert SettingsStore().load() == settings


def test_save_leaves_no_temporary_files(store: SettingsStore) -> None:
    store.save(Settings())
    store.save(Settings(top_k=3))
    assert [p.name for p in store.path.parent.iterdir()] == ["settings.json"]


@pytest.mark.parametrize("content", ["", "{not json", "[1, 2]", "\xff\xfe", "null"])
def test_corrupt_file_falls_back_to_defaults(store: SettingsStore, content: str) -> None:
    store.path.write_bytes(content.encode("latin-1"))
    assert store.load() == Settings()


def test_invalid_values_fall_back_one_by_one() -> None:
    settings = settings_from_dict(
        {
            "version": SETTINGS_VERSION,
            "top_k": 0,  # out of range
            "temperature": "hot",  # wrong type
            "top_p": 0.5,  # fine
            "filter_offensive": 1,  # not a bool
            "suggestion_count": True,  # a bool is not a count
            "gpu_layers": None,  # automatic
            "recent_files": ["/ok", 3],
            "unknown": "ignored",
        }
    )
    defaults = Settings()
    assert settings.top_k == defaults.top_k
    assert settings.temperature == defaults.temperature
    assert settings.top_p == 0.5
    assert settings.filter_offensive is True
    assert settings.suggestion_count == 3
    assert settings.gpu_layers is None
    assert settings.recent_files == []


def test_integers_are_accepted_for_floats() -> None:
    settings = settings_from_dict({"temperature": 1})
    assert settings.temperature == 1.0
    assert isinstance(settings.temperature, float)


def test_newer_version_keeps_known_fields(store: SettingsStore) -> None:
    store.path.write_text(json.dumps({"version": SETTINGS_VERSION + 1, "top_k": 7}), "utf-8")
    assert store.load().top_k == 7


def test_recent_files_are_unique_and_bounded() -> None:
    settings = Settings()
    for i in range(MAX_RECENT_FILES + 5):
        settings.add_recent_file(f"/file{i}")
    settings.add_recent_file("/file7")
    assert settings.recent_files[0] == "/file7"
    assert len(settings.recent_files) == MAX_RECENT_FILES
    assert len(set(settings.recent_files)) == MAX_RECENT_FILES


def test_sampling_is_built_from_the_stored_fields() -> None:
    settings = Settings(top_k=12, temperature=0.6, top_p=0.9, continuation_tokens=80)
    assert settings.sampling() == SamplingParams(
        max_tokens=80, top_k=12, temperature=0.6, top_p=0.9
    )
    assert settings.sampling(20).max_tokens == 20


def test_sampling_the_engine_refuses_is_a_model_error() -> None:
    with pytest.raises(ModelError, match="top-p"):
        Settings(top_p=1.5).sampling()


def test_every_range_is_one_the_engine_accepts() -> None:
    lowest = {name: low for name, (low, _high) in RANGES.items()}
    highest = {name: high for name, (_low, high) in RANGES.items()}
    for bound in (lowest, highest):
        settings = Settings(
            top_k=int(bound["top_k"]),
            temperature=bound["temperature"],
            top_p=bound["top_p"],
            continuation_tokens=int(bound["continuation_tokens"]),
        )
        settings.sampling()  # no ModelError


def test_the_bounds_of_every_range_are_kept_when_read(store: SettingsStore) -> None:
    """The ranges are inclusive: a value at either end, saved, reads back as it was."""
    for pick in (min, max):
        values = {name: pick(bounds) for name, bounds in RANGES.items()}
        chosen = Settings(
            **{
                name: value if isinstance(getattr(Settings(), name), float) else int(value)
                for name, value in values.items()
            }
        )
        store.save(chosen)
        assert SettingsStore(store.path).load() == chosen


def test_a_field_this_version_no_longer_has_can_still_be_read(store: SettingsStore) -> None:
    store.path.write_text(json.dumps({"version": 1, "model_path": "/m.gguf", "top_k": 7}), "utf-8")
    assert store.stored_value("model_path") == "/m.gguf"
    assert store.load().top_k == 7
    store.save(store.load())
    assert store.stored_value("model_path") is None


def test_a_hand_edited_list_of_recent_files_is_capped_on_load(store: SettingsStore) -> None:
    names = [f"/notes/{n}.txt" for n in range(20_004)]
    store.path.write_text(json.dumps({"recent_files": ["/a", "/a", *names]}), "utf-8")
    assert store.load().recent_files == ["/a", *names[: MAX_RECENT_FILES - 1]]


@pytest.mark.parametrize(
    "content",
    [
        "[" * 100_000 + "]" * 100_000,  # a RecursionError for json.loads
        '{"top_k": ' + "[" * 5000 + "]" * 5000 + "}",
        '{"top_k": 1' + "0" * 5000 + "}",  # an integer too long for Python to read
        '{"temperature": NaN, "top_p": Infinity}',
    ],
)
def test_hostile_json_gives_defaults(store: SettingsStore, content: str) -> None:
    store.path.write_text(content, "utf-8")
    assert store.load() == Settings()


@pytest.mark.parametrize(
    "content",
    [
        '{\n  "top_k": 7,\n  "recent_files": ["/home/ann/novel.txt"],\n}\n',  # a comma too many
        '["top_k", 7]',
        '{"top_k": 7, "pad": "' + "x" * (2 << 20) + '"}',  # too large to read
    ],
)
def test_a_file_that_cannot_be_read_is_kept_beside_the_new_one(
    store: SettingsStore, content: str
) -> None:
    """A hand edit gone wrong: the defaults are used, and the next save (opening any document
    saves the recent files) keeps what the file held rather than writing over it."""
    store.path.write_text(content, "utf-8")
    assert store.load() == Settings()
    store.save(Settings(top_k=3))
    (kept,) = store.path.parent.glob("settings.json.damaged-*")
    assert kept.read_text("utf-8") == content
    assert SettingsStore(store.path).load().top_k == 3
    store.save(Settings(top_k=4))  # a file that reads is written over, as always
    assert len(list(store.path.parent.glob("settings.json.damaged-*"))) == 1


def test_a_huge_file_is_not_read(store: SettingsStore) -> None:
    store.path.write_text('{"top_k": 7, "pad": "' + "x" * (2 << 20) + '"}', "utf-8")
    assert store.load() == Settings()


@pytest.mark.parametrize("kind", ["folder", "pipe"])
def test_a_folder_or_a_pipe_in_place_of_the_file_gives_defaults(
    store: SettingsStore, kind: str
) -> None:
    if kind == "folder":
        store.path.mkdir()
    else:
        os.mkfifo(store.path)  # reading it would wait for a writer for ever
    assert store.load() == Settings()
    with pytest.raises(OSError) as refused:  # neither is replaced by a file
        store.save(Settings(top_k=3))
    assert refused.value.filename == str(store.path)
    assert store.path.is_dir() if kind == "folder" else stat.S_ISFIFO(store.path.lstat().st_mode)


def test_two_copies_keep_each_others_changes(store: SettingsStore) -> None:
    first, second = SettingsStore(store.path), SettingsStore(store.path)
    a, b = first.load(), second.load()
    a.add_recent_file("/from-first.txt")
    a.temperature = 0.5
    first.save(a)
    b.add_recent_file("/from-second.txt")
    b.top_k = 7
    merged = second.save(b)  # the last to quit
    stored = SettingsStore(store.path).load()
    assert stored == merged
    assert (stored.temperature, stored.top_k) == (0.5, 7)
    assert stored.recent_files == ["/from-second.txt", "/from-first.txt"]
    # A field both changed: the last writer's value.
    a.top_k = 9
    first.save(a)
    assert SettingsStore(store.path).load().top_k == 9
    # A field this copy did not change since it last wrote stays as the other copy left it.
    b.font_size = 20
    second.save(b)
    assert SettingsStore(store.path).load().top_k == 9


def test_two_copies_saving_at_the_same_moment_keep_both_changes(tmp_path: Path) -> None:
    """As two windows do when a logout closes both; in threads, whose saves meet as processes'
    do (without the lock, most rounds lost one change)."""
    for round_number in range(30):
        path = tmp_path / f"{round_number}.json"
        SettingsStore(path).save(Settings())
        save_at_once(path, {"font_size": 20}, {"top_k": 7})
        stored = SettingsStore(path).load()
        assert (stored.font_size, stored.top_k) == (20, 7)
        assert sorted(file.name for file in tmp_path.iterdir()) == sorted(
            f"{done}.json" for done in range(round_number + 1)
        )  # no lock file or temporary file left behind


def save_at_once(path: Path, *changes: dict[str, object]) -> None:
    """One copy of the settings store per change, loading first, then all saving at once."""
    start = threading.Barrier(len(changes))
    copies = [(SettingsStore(path), change) for change in changes]
    loaded = [(store, store.load(), change) for store, change in copies]

    def save(store: SettingsStore, settings: Settings, change: dict[str, object]) -> None:
        for name, value in change.items():
            setattr(settings, name, value)
        start.wait()
        store.save(settings)

    threads = [threading.Thread(target=save, args=copy) for copy in loaded]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def test_merged_recent_files_stay_capped(store: SettingsStore) -> None:
    first, second = SettingsStore(store.path), SettingsStore(store.path)
    a, b = first.load(), second.load()
    for n in range(MAX_RECENT_FILES):
        a.add_recent_file(f"/a{n}")
        b.add_recent_file(f"/b{n}")
    first.save(a)
    merged = second.save(b)
    assert len(merged.recent_files) == MAX_RECENT_FILES
    assert merged.recent_files[0] == f"/b{MAX_RECENT_FILES - 1}"


def test_a_recent_file_taken_out_stays_out_while_another_copys_stay(store: SettingsStore) -> None:
    first, second = SettingsStore(store.path), SettingsStore(store.path)
    a = first.load()
    a.add_recent_file("/gone.txt")
    first.save(a)
    b = second.load()
    b.add_recent_file("/theirs.txt")  # another copy opens a file meanwhile
    second.save(b)
    a.forget_recent_file("/gone.txt")
    assert first.save(a).recent_files == ["/theirs.txt"]
    assert SettingsStore(store.path).load().recent_files == ["/theirs.txt"]


def test_learning_and_inline_settings_round_trip_and_are_checked(store: SettingsStore) -> None:
    chosen = Settings(
        learning_enabled=False, learning_paused=True, inline_predictions=False, inline_threshold=0.9
    )
    store.save(chosen)
    assert SettingsStore(store.path).load() == chosen
    loaded = settings_from_dict({"inline_threshold": 0.2, "learning_paused": "yes"})
    assert loaded.inline_threshold == Settings().inline_threshold  # below the range: the default
    assert loaded.learning_paused is False


def test_the_inline_threshold_starts_at_the_engines_default() -> None:
    from keyboard_app.engine.inline import DEFAULT_THRESHOLD

    assert Settings().inline_threshold == DEFAULT_THRESHOLD


def test_recent_file_names_no_file_can_have_are_dropped(store: SettingsStore) -> None:
    names = ["", "/a\0b.txt", "/notes.txt", "/notes.txt", "/c.txt"]
    store.path.write_text(json.dumps({"recent_files": names}), "utf-8")
    assert store.load().recent_files == ["/notes.txt", "/c.txt"]


def test_saving_keeps_the_keys_of_a_newer_version(store: SettingsStore) -> None:
    """Two versions sharing the file (or a downgrade) must not erase each other's settings."""
    newer = {"version": 2, "top_k": 9, "theme": "dark", "future": {"a": [1, 2]}, "model_path": "/m"}
    store.path.write_text(json.dumps(newer), "utf-8")
    settings = store.load()
    settings.top_k = 12
    store.save(settings)
    written = json.loads(store.path.read_text("utf-8"))
    assert written["theme"] == "dark" and written["future"] == {"a": [1, 2]}
    assert written["top_k"] == 12 and written["version"] == SETTINGS_VERSION
    assert "model_path" not in written  # retired by this version, not a newer one's


def test_a_copy_follows_the_learning_switches_another_copy_saved(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    first_store, second_store = SettingsStore(path), SettingsStore(path)
    first, second = first_store.load(), second_store.load()
    first.learning_paused = True
    first.font_size = 20
    first_store.save(first)
    assert second_store.follow(second, LEARNING_SWITCHES)
    assert second.learning_paused and second.font_size != 20  # the switches alone
    assert not second_store.follow(second, LEARNING_SWITCHES)  # nothing new
    first.learning_paused = False
    first_store.save(first)
    second.font_size = 9
    second_store.save(second)  # followed the pause, so it did not change it: the resume stays
    assert not SettingsStore(path).load().learning_paused


@pytest.mark.parametrize("damage", ["deleted", "damaged"])
def test_a_copy_follows_no_learning_switch_from_a_file_gone_or_damaged(
    tmp_path: Path, damage: str
) -> None:
    """Its defaults would turn learning back on."""
    path = tmp_path / "settings.json"
    store = SettingsStore(path)
    settings = store.load()
    settings.learning_enabled = False
    store.save(settings)
    if damage == "deleted":
        path.unlink()
    else:
        path.write_text('{"version": 1, "learning_enabled": "yes", "learning_pa', "utf-8")
    assert not store.follow(settings, LEARNING_SWITCHES)
    assert not settings.learning_enabled
