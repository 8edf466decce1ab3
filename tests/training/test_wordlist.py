from keyboard_app import paths
from keyboard_app.training.wordlist import PER, build_wordlist, read_counts, spell_checker_words


def listed(frequencies, training=None, real_words=frozenset()):
    return read_counts(build_wordlist(frequencies, training or {}, real_words))


def test_a_common_misspelling_is_dropped_and_the_word_it_misspells_kept():
    counts = listed({"the": 0.05, "teh": 1e-6, "receive": 3e-5, "recieve": 5e-7})
    assert set(counts) == {"the", "receive"}
    assert counts["the"] == round(0.05 * PER)


def test_a_rare_real_word_near_a_frequent_one_stays_when_the_training_text_has_it():
    frequencies = {"first": 1e-3, "fist": 1e-5}
    assert "fist" not in listed(frequencies)
    assert "fist" in listed(frequencies, {"fist": 35, "first": 900})


def test_a_real_word_near_a_frequent_one_stays_when_a_spell_checker_has_it():
    frequencies = {"charged": 2e-5, "charmed": 1e-6, "the": 0.05, "teh": 1e-6}
    counts = listed(frequencies, real_words=spell_checker_words())
    assert "charmed" in counts and "teh" not in counts


def test_the_spell_checker_knows_words_and_no_common_misspelling():
    words = spell_checker_words()
    assert {"charmed", "receive", "the", "oases"} <= words
    assert not {"teh", "recieve", "becuase", "untill", "thier"} & words


def test_a_word_that_only_lacks_an_apostrophe_is_dropped_even_if_the_training_text_has_it():
    counts = listed({"don't": 1.6e-3, "dont": 5e-5}, {"dont": 70, "don't": 400})
    assert "dont" not in counts and "don't" in counts


def test_junk_offensive_words_and_lone_letters_are_left_out():
    counts = listed(
        {"hello": 1e-4, "0.00": 1e-4, "u.s": 1e-4, "shit": 1e-4, "b": 1e-4, "a": 1e-2, "alll": 1e-4}
    )
    assert set(counts) == {"hello", "a"}


def test_spellings_come_from_the_training_text_and_its_missing_words_are_added():
    counts = listed({"i": 1e-2, "john": 1e-4}, {"I": 900, "i": 10, "John": 90, "Jorda": 10})
    assert set(counts) == {"I", "John", "Jorda"}
    assert counts["Jorda"] == round(10 / 1010 * PER)


def test_everyday_words_of_the_offensive_list_are_kept_and_names_among_them_capitalised():
    counts = listed({"kill": 1e-4, "god": 1e-4, "hitler": 1e-5, "shit": 1e-4}, {"Kill": 3})
    assert set(counts) == {"Kill", "God", "Hitler"}  # the training text's spelling comes first


def test_a_misspelling_of_double_letters_two_edits_away_is_dropped_unless_a_real_word():
    frequencies = {"tomorrow": 1e-4, "tommorow": 2e-7, "carribean": 2e-7, "caribbean": 1.3e-5}
    counts = listed(frequencies, real_words={"tomorrow", "caribbean"})
    assert set(counts) == {"tomorrow", "caribbean"}
    assert "tommorow" in listed(frequencies, real_words={"tomorrow", "tommorow"})


def test_a_capitalised_spelling_only_for_a_word_nearly_always_written_so():
    training = {"London": 300, "london": 7, "Convention": 162, "convention": 45}
    counts = listed({"london": 1e-4, "convention": 3e-5}, training)
    assert set(counts) == {"London", "convention"}


def test_a_short_word_is_never_taken_for_a_misspelling_of_double_letters():
    # "tato" is two double letters from "tattoo" but shorter than five letters: kept; "ocurr",
    # five letters, is not.
    frequencies = {"tattoo": 1e-5, "tato": 1e-7, "occur": 1e-5, "ocurr": 1e-7}
    counts = listed(frequencies, real_words={"tattoo", "occur"})
    assert set(counts) == {"tattoo", "tato", "occur"}


def test_the_misspelling_ratio_and_the_protected_count_include_their_bounds():
    # Exactly 20 times rarer (binary fractions: no rounding) is a misspelling.
    assert "teh" not in listed({"the": 20 * 2**-10, "teh": 2**-10})
    assert "teh" in listed({"the": 19 * 2**-10, "teh": 2**-10})
    # Five times in the training text protects a word.
    frequencies = {"first": 1e-3, "fist": 1e-5}
    assert "fist" in listed(frequencies, {"fist": 5})
    assert "fist" not in listed(frequencies, {"fist": 4})


def test_a_capital_spelling_at_exactly_nine_uses_in_ten_is_kept():
    assert set(listed({"london": 1e-4}, {"London": 9, "london": 1})) == {"London"}
    assert set(listed({"london": 1e-4}, {"London": 8, "london": 2})) == {"london"}


def test_an_offensive_word_of_the_training_text_is_never_added():
    counts = listed({"hello": 1e-4}, {"shit": 30, "Jorda": 10})
    assert set(counts) == {"hello", "Jorda"}


def test_an_archaic_t_of_the_training_text_is_not_added_but_contractions_and_names_are():
    training = {
        "was't": 1,
        "is’t": 1,
        "o't": 3,
        "wasn't": 40,
        "O'Hara": 1,
        "y'all": 5,
        "Enron's": 9,
    }
    assert set(listed({"was": 1e-3}, training)) == {"was", "wasn't", "O'Hara", "y'all", "Enron's"}


def test_a_possessive_is_spelled_as_the_name_it_belongs_to():
    frequencies = {"sarah": 1e-5, "sarah's": 1e-6, "friday": 1e-5, "kid": 1e-5, "kid's": 1e-6}
    counts = listed(frequencies, {"Sarah": 50, "Friday": 40, "Friday’s": 3, "kid": 9})
    assert set(counts) == {"Sarah", "Sarah's", "Friday", "Friday’s", "kid", "kid's"}
    assert counts["Sarah's"] == round(1e-6 * PER)


def test_the_shipped_list_offers_no_archaic_t_after_a_word():
    words = read_counts(paths.lexicon_path().read_text("utf-8").splitlines())
    assert "was't" not in words and "o't" not in words
    assert "Obama's" in words and "obama's" not in words
    assert {"wasn't", "can't", "y'all", "o'clock"} <= set(words)


def test_the_training_dictionary_skips_lines_that_are_no_word_and_count():
    lines = ["the\t900", "broken line", "word\tmany", "\t5", "I\t12", "minus\t-3"]
    assert read_counts(lines) == {"the": 900, "I": 12}


def test_a_listed_common_misspelling_is_dropped_unless_it_is_a_real_word_or_a_name():
    frequencies = {"definitely": 1e-4, "definetly": 3e-7, "shepherd": 1e-5, "shepard": 4e-6}
    frequencies |= {"greatful": 1e-6, "grateful": 1e-5}  # not 20 times rarer: kept
    listed_pairs = {"definetly": "definitely", "shepard": "shepherd", "greatful": "grateful"}
    counts = read_counts(build_wordlist(frequencies, {}, listed=listed_pairs))
    assert "definetly" not in counts and "definitely" in counts
    assert {"greatful", "shepard"} <= set(counts)
    frequencies["shepard"] = 1e-7
    assert "shepard" not in read_counts(build_wordlist(frequencies, {}, listed=listed_pairs))
    kept = build_wordlist(frequencies, {"Shepard": 3}, listed=listed_pairs)  # a name in training
    assert "Shepard" in read_counts(kept)
    checked = build_wordlist(frequencies, {}, frozenset({"shepard"}), listed_pairs)
    assert "shepard" in read_counts(checked)


def test_a_listed_misspelling_the_training_text_alone_has_is_not_added_unless_frequent():
    frequencies = {"should": 1e-3}
    pairs = {"shuld": "should"}
    assert "shuld" not in read_counts(build_wordlist(frequencies, {"shuld": 2}, listed=pairs))
    assert "shuld" in read_counts(build_wordlist(frequencies, {"shuld": 5}, listed=pairs))


def test_the_shipped_list_holds_no_listed_misspelling_of_a_far_more_frequent_word():
    shipped = read_counts(paths.lexicon_path().read_text("utf-8").splitlines())
    words = {word.lower() for word in shipped}
    assert not {"definetly", "greatful", "accidently", "shuld"} & words
    assert {"definitely", "grateful", "accidentally", "should", "shepherd"} <= words
