"""What the editor sends with a finished word for its phrases to reach into (`learning_context`):
the end of its paragraph, which a line ending in a comma carries on to the next line."""

from keyboard_app.engine.trigrams import BOUNDARY
from keyboard_app.personal.learning import learnable_after
from keyboard_app.ui.learning import learning_context, paragraph_tail


def test_a_sign_off_s_name_is_learned_after_the_sign_off() -> None:
    context = learning_context("Thanks for the notes.\n\nKind regards,\n")
    assert learnable_after(context, "Naledi") == [(["regards", ","], ["Naledi"])]
    assert paragraph_tail("Thanks.\n\nKind regards,\n") == "Kind regards,\n"


def test_a_secret_ending_in_a_comma_gives_the_next_line_no_history() -> None:
    """A label's line before it ("Password:") makes the line after it a secret, comma and all."""
    context = learning_context("Password:\nhunter,\n")
    assert learnable_after(context, "Thanks") == [([], ["Thanks"])]


def test_a_blank_line_starts_a_paragraph() -> None:
    context = learning_context("Kind regards,\n\n")
    assert learnable_after(context, "Naledi") == [([], [BOUNDARY, "Naledi"])]
