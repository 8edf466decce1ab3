"""The keystroke-savings simulator and the two baseline keyboards, on hand-checked examples."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from keyboard_app.bench.baselines import FrequencyKeyboard, TrigramKeyboard
from keyboard_app.bench.ksr import read_texts, simulate
from keyboard_app.cli import main
from keyboard_app.paths import builtin_model_path


def never(_text: str) -> list[str]:
    return []


def test_without_suggestions_every_character_is_a_keystroke() -> None:
    score = simulate(never, [["Hello world, again."]], max_words=100)
    assert score.keystrokes == score.characters == len("Hello world, again.")
    assert score.as_dict()["ksr"] == 0.0


def test_a_perfect_keyboard_costs_one_key_per_word_and_saves_the_spaces() -> None:
    line = "the cat sat, then slept"
    words = ["the", "cat", "sat", "then", "slept"]
    asked: list[str] = []

    def oracle(text: str) -> list[str]:
        asked.append(text)
        at_word_start = text == "" or text.endswith(" ")
        return [words[len(text.replace(",", "").split())]] if at_word_start else []

    score = simulate(oracle, [[line]], max_words=100)
    # Asked once per word, at its start: each word is taken at once.
    assert asked == ["", "the ", "the cat ", "the cat sat, ", "the cat sat, then "]
    # 5 words (1 key each); "the " "cat " "then " spaces come with the word; "sat" then "," and " " typed.
    assert score.keystrokes == 5 + 2
    assert score.characters == len(line)
    assert score.top1 == score.top3 == score.words == 5


def test_a_word_found_after_two_letters() -> None:
    def keyboard(text: str) -> list[str]:
        return ["house"] if text.endswith("ho") else ["x", "y", "z"]

    score = simulate(keyboard, [["house"]], max_words=10)
    assert score.keystrokes == 3  # h, o, then the suggestion
    assert score.top3 == 0


def test_word_budget_stops_early() -> None:
    score = simulate(never, [["one two three"], ["four five"]], max_words=2)
    assert score.words == 2
    assert score.characters == len("one two")


def test_earlier_paragraphs_of_a_text_are_the_context_and_texts_start_afresh() -> None:
    asked: list[str] = []

    def recorder(text: str) -> list[str]:
        asked.append(text)
        return []

    score = simulate(recorder, [["one two", "three"], ["four"]], max_words=100)
    assert asked == [
        "",
        "o",
        "on",
        "one ",
        "one t",
        "one tw",
        "one two\n",
        "one two\nt",
        "one two\nth",
        "one two\nthr",
        "one two\nthre",
        "",
        "f",
        "fo",
        "fou",
    ]
    assert score.characters == score.keystrokes == len("one twothreefour")  # no newlines


def test_benchmark_files_are_texts_separated_by_blank_lines() -> None:
    content = "First paragraph.\nSecond one.\n\nAnother text.\n\n\nA third.\n"
    assert read_texts(content) == [
        ["First paragraph.", "Second one."],
        ["Another text."],
        ["A third."],
    ]
    assert read_texts(content.replace("\n", "\r\n")) == read_texts(content)


def test_frequency_keyboard_ranks_by_count() -> None:
    keyboard = FrequencyKeyboard(["the cat and the dog", "the end", "then"])
    assert keyboard.suggest("I saw th", k=3) == ["the", "then"]
    assert keyboard.suggest("", k=1) == ["the"]


def test_trigram_keyboard_backs_off() -> None:
    keyboard = TrigramKeyboard(["a big dog barked", "a big cat", "one big cat", "dog dog dog dog"])
    assert keyboard.suggest("a big ", k=2) == ["cat", "dog"]  # tie broken alphabetically
    assert keyboard.suggest("one big ", k=1) == ["cat"]  # trigram
    assert keyboard.suggest("my big ", k=1) == ["cat"]  # backs off to the bigram "big"
    assert keyboard.suggest("unknown words ", k=1) == ["dog"]  # backs off to frequency
    assert keyboard.suggest("a big d", k=3) == ["dog"]
    assert keyboard.suggest("one big\n", k=1) == ["a"]  # a paragraph starts afresh, not after "big"


def test_the_command_types_every_word_of_the_file_and_scores_four_keyboards(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    heldout = tmp_path / "heldout.txt"
    heldout.write_text("The United States of America.\nIt was a long day.\n\nThank you.\n", "utf-8")
    training = tmp_path / "train.txt"
    training.write_text("It was a good day.\nThank you very much.\n", "utf-8")
    argv = ["bench", "ksr", str(heldout), "--train-text", str(training), "--words", "all"]
    assert main([*argv, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    # The file as given, or the built-in model's name (not a path that depends on the install).
    assert report["model"]["file"] == f"built-in: {builtin_model_path().name}"
    keyboards = report["keyboards"]
    assert set(keyboards) == {"model", "model_without_dictionary", "word_frequency", "word_trigram"}
    for score in keyboards.values():
        assert score["words"] == 12
        assert score["characters"] == len(
            "The United States of America.It was a long day.Thank you."
        )
    assert keyboards["model"]["ksr"] > 0.2  # "America", "day", "you" come early
    # The frequency keyboard knows only the nine words of the tiny training text.
    assert keyboards["word_frequency"]["keystrokes"] > keyboards["model"]["keystrokes"]


def test_the_word_count_must_be_positive_or_all(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        main(["bench", "ksr", str(tmp_path / "x.txt"), "--words", "0"])
    assert "positive number of words or `all`" in capsys.readouterr().err


EMPTY_TEXTS = [
    ("", []),
    ("... !!!\n\n---\n", []),  # marks, no word
    ("Thank you.\n", ["--skip-words", "2"]),  # every text skipped
]


@pytest.mark.parametrize(
    ("bench", "content", "more"),
    [
        *(("ksr", *case) for case in EMPTY_TEXTS),
        *(("typos", *case) for case in EMPTY_TEXTS),
        ("ksr", "One paragraph only.\n", ["--min-paragraphs", "2"]),
    ],
)
def test_with_no_word_to_type_a_benchmark_says_so_and_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], bench: str, content: str, more: list[str]
) -> None:
    heldout = tmp_path / "heldout.txt"
    heldout.write_text(content, "utf-8")
    assert main(["bench", bench, str(heldout), *more, "--json"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""  # no score at all, rather than a perfect one
    assert (
        captured.err
        == f"error: {heldout}: there is no word to type (an empty text, or all of it skipped)\n"
    )


def test_a_right_inline_prediction_costs_one_keystroke_and_a_wrong_one_nothing() -> None:
    from keyboard_app.bench.ksr import Typist, run_typist

    line = "see you soon then"
    asked: list[str] = []

    def inline(text: str) -> str:
        asked.append(text)
        if text == "see y":
            return "ou soon"  # right: "you soon" up to a word boundary
        if text == "see you soon ":
            return "there"  # wrong: "then" comes next
        return ""

    typist = run_typist(Typist(never, inline), [[line]], max_words=100)
    # s, e, e, space, y, Tab (taking "ou soon" and the space after it), then "then" typed out.
    assert typist.score.keystrokes == 3 + 1 + 1 + 1 + 4
    assert typist.score.characters == len(line)
    assert typist.score.words == 4
    assert typist.spent == [("see", 3), ("you", 2), ("soon", 0), ("then", 4)]
    shown = typist.inline_score
    assert (shown.shown, shown.taken, shown.characters_taken) == (2, 1, len("ou soon"))
    assert shown.as_dict()["precision"] == 0.5
    assert shown.as_dict()["mean_characters_saved"] == len("ou soon") - 1
    assert "see you soon then" in asked  # asked once more when the last word is typed out


def test_without_inline_predictions_the_typist_is_unchanged() -> None:
    from keyboard_app.bench.ksr import Typist, run_typist

    def keyboard(text: str) -> list[str]:
        return ["house"] if text.endswith("ho") else []

    plain = simulate(keyboard, [["a house, a home"]], max_words=10)
    asking = run_typist(Typist(keyboard, asks_at_word_end=True), [["a house, a home"]], 10).score
    assert plain.keystrokes == asking.keystrokes
    assert asking.calls > plain.calls


def test_top_one_counts_only_the_first_suggestion_and_top_three_any_of_three() -> None:
    def keyboard(text: str) -> list[str]:
        return {"": ["a", "the", "an"], "the ": ["dog", "cat"], "the cat ": ["sat"]}.get(text, [])

    score = simulate(keyboard, [["the cat sat"]], max_words=10)
    assert (score.words, score.top1, score.top3) == (3, 1, 3)  # "the" and "cat" second
    assert score.as_dict()["top1_next_word"] == round(1 / 3, 4)
    assert score.as_dict()["top3_next_word"] == 1.0


def test_an_inline_prediction_that_ends_inside_a_word_is_not_taken() -> None:
    from keyboard_app.bench.ksr import Typist, run_typist

    def inline(text: str) -> str:
        return "ou so" if text == "see y" else ""  # right so far, but "soon" goes on

    typist = run_typist(Typist(never, inline), [["see you soon"]], max_words=100)
    assert (typist.inline_score.shown, typist.inline_score.taken) == (1, 0)
    assert typist.score.keystrokes == typist.score.characters == len("see you soon")
    assert typist.spent == [("see", 3), ("you", 3), ("soon", 4)]


def test_the_typist_takes_the_third_suggestion_but_never_a_fourth() -> None:
    """The strip shows three words: the third is taken, a fourth never (not even counted in
    top-3), and top-1/top-3 are read at the word's start only."""

    def keyboard(text: str) -> list[str]:
        return {"": ["a", "b", "cat"], "cat ": ["a", "b", "c", "dog"], "cat d": ["dog"]}.get(
            text, []
        )

    score = simulate(keyboard, [["cat dog"]], max_words=10)
    # "cat " taken at once (third, with its space); "dog": d, then taken.
    assert score.keystrokes == 1 + 2
    assert score.characters == len("cat dog")
    # "dog" was offered after its first letter, not at its start.
    assert (score.words, score.top1, score.top3) == (2, 0, 1)


def test_an_inline_prediction_up_to_punctuation_leaves_the_mark_to_type() -> None:
    from keyboard_app.bench.ksr import Typist, run_typist

    def inline(text: str) -> str:
        return "ou soon" if text == "see y" else ""

    typist = run_typist(Typist(never, inline), [["see you soon."]], max_words=100)
    # s, e, e, space, y, Tab (to the "."), then "." typed.
    assert typist.score.keystrokes == 3 + 1 + 1 + 1 + 1
    assert typist.spent == [("see", 3), ("you", 2), ("soon", 0)]
    assert typist.score.words == 3


def test_an_inline_prediction_after_a_word_typed_out_takes_the_next_words() -> None:
    from keyboard_app.bench.ksr import Typist, run_typist

    def inline(text: str) -> str:
        return " soon" if text == "see you" else ""

    typist = run_typist(Typist(never, inline), [["see you soon"]], max_words=100)
    # "see", space, "you" typed out, then Tab for " soon".
    assert typist.score.keystrokes == 3 + 1 + 3 + 1
    assert typist.spent == [("see", 3), ("you", 4), ("soon", 0)]
    assert typist.inline_score.taken == 1


def test_with_inline_predictions_the_strip_is_asked_once_more_when_a_word_is_typed_out() -> None:
    """As the app is, on every keystroke: the inline prediction is read from that answer."""
    from keyboard_app.bench.ksr import Typist, run_typist

    asked: list[str] = []

    def recorder(text: str) -> list[str]:
        asked.append(text)
        return []

    run_typist(Typist(recorder, lambda _text: ""), [["to be"]], max_words=10)
    assert asked == ["", "t", "to", "to ", "to b", "to be"]


def test_each_author_learns_a_share_of_their_paragraphs_and_single_sentences_one_group() -> None:
    from keyboard_app.bench.ksr import learning_groups

    texts = [["a1", "a2", "a3"], ["s1"], ["s2"], ["b1", "b2"], ["s3"], ["s4"]]
    assert learning_groups(texts, 0.5) == [
        (["a1", "a2"], [["a3"]]),
        (["b1"], [["b2"]]),
        (["s1", "s2"], [["s3"], ["s4"]]),  # unrelated sentences: half learned, half typed
    ]
    # An author always learns one paragraph at least and types one at least.
    assert learning_groups([["a1", "a2", "a3"]], 0.1) == [(["a1"], [["a2", "a3"]])]
    assert learning_groups([["a1", "a2", "a3"]], 0.9) == [(["a1", "a2"], [["a3"]])]


def test_the_command_types_with_inline_predictions_beside_the_model_asked_as_often(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    heldout = tmp_path / "heldout.txt"
    heldout.write_text(
        "The United States of America.\n"
        "It was a long day, and the photosynthesis of chlorophyll.\n\n"
        "Thank you very much for your help.\n",
        "utf-8",
    )
    training = tmp_path / "train.txt"
    training.write_text("It was a good day.\nThank you very much.\n", "utf-8")
    argv = ["bench", "ksr", str(heldout), "--train-text", str(training), "--words", "all"]
    # No prediction is ever that sure: the typist with inline predictions types as the one
    # without, who is asked as often (once more at each word's end).
    assert main([*argv, "--inline", "--inline-threshold", "1", "--json"]) == 0
    keyboards = json.loads(capsys.readouterr().out)["keyboards"]
    with_inline, asked = keyboards["model_with_inline"], keyboards["model_asked_at_word_ends"]
    assert with_inline["inline_threshold"] == 1.0
    assert with_inline["inline"]["shown"] == 0
    assert with_inline["keystrokes"] == asked["keystrokes"]
    assert with_inline["ksr_gain"] == 0.0
    assert with_inline["characters"] == asked["characters"] == keyboards["model"]["characters"]
    # The dictionary spells the long words the network alone does not offer in time.
    assert keyboards["model_without_dictionary"]["keystrokes"] > keyboards["model"]["keystrokes"]
