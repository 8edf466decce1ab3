"""Where the words learned lie: what a deletion, or text put in before them, takes back."""

from keyboard_app.ui.learned_run import MAX_KEPT, LearnedRun


def run_of(*chunks: tuple[int, int, str]) -> LearnedRun:
    run = LearnedRun()
    for start, end, word in chunks:
        run.add(start, end, (word, ""))
    return run


def test_a_deletion_takes_back_what_it_reaches_into_and_forgets_what_follows() -> None:
    run = run_of((0, 3, "We"), (3, 7, "met"), (7, 10, "in"), (10, 20, "Ljubljana"))
    assert run.take(19, 20) == [("Ljubljana", "")]  # the space that finished it
    assert run.take(4, 5) == [("met", "")]  # "in" is after it: its place changed
    assert run.take(0, 10) == [("We", "")]


def test_text_put_in_takes_back_the_word_it_goes_inside_of_and_forgets_those_after() -> None:
    run = run_of((0, 3, "We"), (3, 7, "met"), (7, 10, "in"))
    assert run.take(5, 5) == [("met", "")]
    assert run.take(3, 3) == []  # before "met": "We" stays
    assert run.take(0, 3) == [("We", "")]


def test_only_the_newest_are_kept() -> None:
    run = run_of(*((i, i + 1, str(i)) for i in range(MAX_KEPT + 5)))
    taken = run.take(0, MAX_KEPT + 5)
    assert len(taken) == MAX_KEPT and taken[-1] == ("5", "")


def test_a_deletion_of_a_words_finishing_space_alone_keeps_it_for_its_letters() -> None:
    """An undo of what was typed after a word may begin with the space that finished it: the
    word stays learned, and a later deletion of its letters still takes it back."""
    run = run_of((0, 6, "hello"), (6, 14, "zorblax"))
    assert run.take(13, 20, words_only=True) == []
    assert run.take(10, 13, words_only=True) == [("zorblax", "")]
    assert run.take(5, 6, words_only=True) == []  # "hello"'s space: kept again
    assert run.take(2, 3, words_only=True) == [("hello", "")]
