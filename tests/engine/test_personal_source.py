"""The personal store as a suggestion source: learning through the Predictor, and its mixture."""

from pathlib import Path

import pytest

from keyboard_app.engine import Predictor, mixer
from keyboard_app.engine import lexicon as lexicon_module
from keyboard_app.engine.lexicon import Lexicon
from keyboard_app.engine.mixer import Mixed, evidence_weight, mix, personal_weight
from keyboard_app.engine.sources import Habit, Proposal, Query
from keyboard_app.engine.sources.dictionary import DictionarySource
from keyboard_app.engine.sources.personal import PersonalSource, personal_history
from keyboard_app.engine.words import split_typed_word
from keyboard_app.personal import PersonalStore, learnable
from tests.personal.helpers import TYPED_SECRETS

# After " met" the network is sure of " Xavier"; it never offers "Xanthippe" by itself (the
# dictionary does not know it either).
SPEC = {" met": {" Xavier": 6.0}}
# At a paragraph's start, "Kind" is followed by " of" for the network.
PHRASE_SPEC = {"Kind": {" of": 6.0}, " Kind": {" of": 6.0}}


def _words(predictor: Predictor, text: str) -> list[str]:
    return [s.word for s in predictor.suggest(text, k=3, exact=True)]


@pytest.mark.parametrize(
    ("boundary", "expected"),
    [
        ("", ["<s>"]),
        ("Dear", ["<s>", "Dear"]),
        ("Kind regards,\nDear John, ", ["John", ","]),
        ("Thanks.\nKind regards,\n", ["regards", ","]),  # a line after a comma goes on
        ("Kind regards, \n  ", ["regards", ","]),
        ("Kind regards,\n\n", ["<s>"]),  # a blank line between: a paragraph's start
        ("Kind regards\n", ["<s>"]),
        ("Hi,\n,\n", [",", ","]),
        ("x" * 300 + " kind regards", ["kind", "regards"]),
        ("y" * 300, []),  # the paragraph's end holds no whole token
        ("z" * 300 + " regards", ["regards"]),
    ],
)
def test_the_history_is_the_paragraphs_last_two_whole_tokens(boundary, expected):
    assert personal_history(boundary) == expected


def test_a_name_typed_a_few_times_comes_up_after_two_letters(bigram_model, tmp_path: Path):
    store = tmp_path / "personal.sqlite3"
    with Predictor.load(bigram_model(SPEC), personal=store) as predictor:
        assert "Xanthippe" not in _words(predictor, "Yesterday I met Xa")
        for _ in range(3):
            predictor.learn("Xanthippe", context="Yesterday I met ")
        assert "Xanthippe" in _words(predictor, "Yesterday I met Xa")
    assert store.is_file()  # created, and kept


def test_learning_with_a_context_counts_the_phrases_that_reach_into_it(tmp_path: Path):
    store = PersonalStore.open(tmp_path / "personal.sqlite3")
    from keyboard_app.engine.sources.personal import learn_into

    assert learn_into(store, "regards", context="Kind ") == 1
    assert store.next_counts(["Kind"]).bigram.counts == {"regards": 1}
    assert store.word_counts(["Kind", "regards"]) == {"Kind": 0, "regards": 1}
    store.close()


def test_secrets_are_never_learned(bigram_model, tmp_path: Path):
    with Predictor.load(bigram_model(SPEC), personal=tmp_path / "p.sqlite3") as predictor:
        predictor.learn("my key is abc123 and my card 4111 1111 1111 1111, mail me at a@b.org")
        store = predictor.personal_store
        assert store is not None
        texts = {entry.text for entry in store.entries()}
    assert "my" in texts and "key" in texts
    assert not any(secret in " ".join(texts) for secret in ("abc123", "4111", "a@b", "b.org"))


@pytest.mark.parametrize("filtered", [True, False])
def test_the_offensive_word_filter_applies_to_learned_words(bigram_model, tmp_path, filtered):
    with Predictor.load(bigram_model(SPEC), personal=tmp_path / "p.sqlite3") as predictor:
        predictor.filter_offensive = filtered
        for _ in range(3):
            predictor.learn("shit", context="Yesterday I met ")
        assert ("shit" in _words(predictor, "Yesterday I met sh")) is not filtered


def test_a_damaged_store_is_moved_aside_and_a_new_one_started(bigram_model, tmp_path: Path):
    path = tmp_path / "personal.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    with Predictor.load(bigram_model(SPEC), personal=path) as predictor:
        store = predictor.personal_store
        assert store is not None and store.recovered_from is not None
        assert store.recovered_from.read_bytes().startswith(b"this is not a database")
        predictor.learn("Xanthippe")
        assert store.word_counts(["Xanthippe"]) == {"Xanthippe": 1}


def test_without_a_store_nothing_is_learned(bigram_model):
    with Predictor.load(bigram_model(SPEC)) as predictor:
        assert predictor.personal_store is None
        assert predictor.learn("Xanthippe") == 0


def test_the_mixture_of_the_users_words(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(mixer, "PERSONAL_MAX", 0.4)
    monkeypatch.setattr(mixer, "PERSONAL_HALF", 10.0)
    monkeypatch.setattr(mixer, "PERSONAL_CACHE", 0.2)
    typed = Query(split_typed_word("I met Xa"), k=3)
    network = Proposal({"Xavier": 0.02}, mass=0.03)
    personal = Proposal({"Xanthippe": 0.05}, knows=lambda w: w == "Xanthippe", evidence=7)
    scores = mix(typed, network, {"personal": personal})
    assert scores["Xavier"] == pytest.approx(0.02 * mixer.UNKNOWN_WORD_SHARE)  # no one knows it
    assert scores["Xanthippe"] == pytest.approx(0.2 / 0.8 * 0.05)  # the cache model's share
    next_word = Query(split_typed_word("Kind "), k=3)
    network = Proposal({"regards": 0.01, "of": 0.3})
    personal = Proposal({"regards": 0.9}, evidence=10)
    scores = mix(next_word, network, {"personal": personal})
    weight = evidence_weight(10)
    assert weight == pytest.approx(0.4 * 10 / 20)
    assert scores["regards"] == pytest.approx((1 - weight) * 0.01 + weight * 0.9)
    assert scores["of"] == pytest.approx((1 - weight) * 0.3)
    assert evidence_weight(0) == 0.0


@pytest.mark.parametrize(
    ("count", "total", "evidence", "weight"),
    [
        (3, 3, 3, mixer.PHRASE_WEIGHT),  # always, three times: a phrase
        (9, 10, 10, mixer.PHRASE_WEIGHT),
        (2, 2, 2, evidence_weight(2)),  # twice is not yet a habit
        (8, 10, 10, evidence_weight(10)),  # one word in five is another
    ],
)
def test_a_phrase_the_user_always_writes_weighs_more(count, total, evidence, weight):
    personal = Proposal({"regards": 0.9}, evidence=evidence, habit=Habit(count, total))
    assert personal_weight(personal) == pytest.approx(weight)
    assert personal_weight(Proposal({}, evidence=evidence)) == evidence_weight(evidence)


def test_the_next_word_of_a_phrase_the_user_always_writes_comes_first(bigram_model, tmp_path):
    with Predictor.load(bigram_model(PHRASE_SPEC), personal=tmp_path / "p.sqlite3") as predictor:
        assert _words(predictor, "Kind ")[0] == "of"
        predictor.learn("Kind regards, Ann")
        predictor.learn("Kind regards, Ann")
        assert _words(predictor, "Kind ")[:2] == ["of", "regards"]
        predictor.learn("Kind regards, Ann")
        assert _words(predictor, "Kind ")[:2] == ["regards", "of"]
        assert _words(predictor, "Well. Kind ")[0] == "of"  # not at a paragraph's start
        predictor.learn("Kind of you, Ann")  # three times in four: no longer always
        assert _words(predictor, "Kind ")[0] == "of"


def test_a_source_reads_the_store_it_was_given(tmp_path: Path):
    store = PersonalStore.open(tmp_path / "p.sqlite3")
    source = PersonalSource(store)
    query = Query(split_typed_word("Kind "), k=3)
    assert source.propose(query, {}).words == {}
    store.learn([["<s>", "Kind", "regards"]] * 3)
    proposal = source.propose(query, {"of": 0.1})
    assert proposal.evidence == 3
    bigram = 3 / (3 + 1)  # Witten-Bell: seen 3 times after "Kind", 1 distinct follower
    assert proposal.words["regards"] == pytest.approx((3 + 1 * bigram) / (3 + 1))
    assert proposal.knows is not None and proposal.knows("regards") and not proposal.knows("of")
    store.close()


def test_a_suggestion_deleted_at_once_counts_against_it_in_that_context(bigram_model, tmp_path):
    with Predictor.load(bigram_model(SPEC), personal=tmp_path / "p.sqlite3") as predictor:
        for _ in range(3):
            predictor.learn("regards", context="Kind ")
        store = predictor.personal_store
        assert store is not None
        assert store.next_counts(["Kind"]).bigram.counts == {"regards": 3}
        predictor.penalise("regards", "Kind ")
        assert store.next_counts(["Kind"]).bigram.counts == {"regards": 1}
        assert store.word_counts(["regards"]) == {"regards": 2}


def _type_into(store: PersonalStore, text: str) -> None:
    """What the editor sends as words are finished: each chunk after the paragraph before it."""
    from keyboard_app.engine.sources.personal import learn_into

    before = "\n"
    for chunk in text.split(" "):
        learn_into(store, chunk, before)
        before += chunk + " "


@pytest.mark.parametrize(("text", "secrets"), TYPED_SECRETS)
def test_secrets_finished_word_by_word_are_never_learned(tmp_path: Path, text, secrets):
    store = PersonalStore.open(tmp_path / "p.sqlite3")
    _type_into(store, text)
    learned = {entry.text for entry in store.entries(limit=1000)}
    assert not [entry for entry in learned if any(s in entry.split() for s in secrets)]
    assert "ok" in learned and "¶ ok" not in learned
    store.close()


def test_a_number_finished_is_learned_with_the_word_after_it(tmp_path: Path):
    store = PersonalStore.open(tmp_path / "p.sqlite3")
    _type_into(store, "born in 1984")
    assert store.word_counts(["1984"]) == {"1984": 0}  # it may be a card's first group
    _type_into(store, "born in 1984 in Kranj")
    assert store.next_counts(["born", "in"]).trigram.counts == {"1984": 1}
    assert store.word_counts(["1984", "Kranj"]) == {"1984": 1, "Kranj": 1}
    store.close()


def test_a_word_and_the_runs_after_it_are_learned_in_one_transaction(tmp_path: Path):
    """A word finished after a dropped piece gives two runs; written in two transactions, a busy
    store between them made the app's retry count the first one twice."""
    from keyboard_app.engine.sources.personal import learn_into

    store = PersonalStore.open(tmp_path / "p.sqlite3")
    transactions: list[str] = []
    store._connection.set_trace_callback(
        lambda statement: transactions.append(statement) if statement.startswith("BEGIN") else None
    )
    # "a@b.org" is dropped: "mail me at" and "now" are two runs of what the space finished.
    assert learn_into(store, "mail me at a@b.org now", context="\n") == 4
    assert len(transactions) == 1
    assert store.word_counts(["mail", "now"]) == {"mail": 1, "now": 1}
    store.close()


def test_typed_letters_offer_the_words_the_user_writes_more_often_than_english(tmp_path: Path):
    """Each completion is its excess over the dictionary's frequency: "the", which the user
    writes less often than English does, is left to the other sources (never a negative share)."""
    from keyboard_app.engine.lexicon import Lexicon
    from keyboard_app.engine.sources.personal import learn_into

    store = PersonalStore.open(tmp_path / "p.sqlite3")
    learn_into(store, "the thespian and the thespians")
    source = PersonalSource(store, Lexicon({"the": 900, "and": 100}))
    proposal = source.propose(Query(split_typed_word("a th"), k=3), {})
    assert dict(proposal.words) == pytest.approx({"thespian": 1 / 5, "thespians": 1 / 5})
    store.close()


def test_a_context_always_followed_by_punctuation_is_no_phrase_of_words(tmp_path: Path):
    """After "Kind regards" the user always writes a comma: no word follows that context, so
    the store's words get the weight of its evidence, not a phrase's (which would put a word
    seen once there first)."""
    from keyboard_app.engine.sources.personal import learn_into

    store = PersonalStore.open(tmp_path / "p.sqlite3")
    for _ in range(3):
        learn_into(store, "Kind regards, Ann")
    proposal = PersonalSource(store).propose(Query(split_typed_word("Kind regards "), k=3), {})
    assert proposal.habit is None
    assert personal_weight(proposal) == evidence_weight(proposal.evidence) < mixer.PHRASE_WEIGHT
    store.close()


@pytest.mark.parametrize("context", ["", "\nDear Ann, "])
def test_unlearning_takes_back_what_learning_counted(bigram_model, tmp_path: Path, context):
    with Predictor.load(bigram_model({}), personal=tmp_path / "p.sqlite3") as predictor:
        store = predictor.personal_store
        assert store is not None
        predictor.learn("Ann is here", "")
        kept = {(e.text, e.count) for e in store.entries(limit=100)}
        predictor.learn("Zorblax agreed.", context)
        predictor.unlearn("Zorblax agreed.", context)
        assert {(e.text, e.count) for e in store.entries(limit=100)} == kept


def test_a_name_learned_keeps_its_capital_when_typed_in_small_letters(bigram_model, tmp_path):
    with Predictor.load(bigram_model(SPEC), personal=tmp_path / "p.sqlite3") as predictor:
        for _ in range(3):
            predictor.learn("Yesterday I met Xanthippe at the station.")
        words = _words(predictor, "Yesterday I met xa")
    assert "Xanthippe" in words and "xanthippe" not in words


def _ranked_with(
    store: PersonalStore, lexicon: Lexicon, text: str, network_words: dict[str, float] | None = None
) -> list[str]:
    """The strip's words for `text` from the store, the dictionary and the network's words."""
    asked = Query(split_typed_word(text), 3)
    network = Proposal(network_words or {}, mass=1.0)
    proposals = {
        "personal": PersonalSource(store, lexicon).propose(asked, network.words),
        "dictionary": DictionarySource(lexicon).propose(asked, {}),
    }
    return [
        word
        for word, _ in Mixed(asked, mix(asked, network, proposals), network, proposals).ranked()
    ]


def test_the_users_own_spelling_wins_over_the_dictionarys_capital(tmp_path: Path):
    lexicon = Lexicon({"Linux": 100, "line": 300, "thanks": 500, "that": 900})
    with PersonalStore.open(tmp_path / "p.sqlite3") as store:
        store.learn(learnable("I run linux at home. " * 3))
        assert "linux" in _ranked_with(store, lexicon, "We all run lin")
        assert "Linux" not in _ranked_with(store, lexicon, "We all run lin")
        # Written with a capital only at a sentence's start: the dictionary's small letters.
        store.learn(learnable("Thanks a lot.\n" * 3))
        assert store.spellings(["thanks"]) == {"thanks": None}  # no spelling of its own
        assert "thanks" in _ranked_with(store, lexicon, "Many tha")


def test_a_word_written_only_at_sentences_starts_gets_no_capital_from_them(tmp_path: Path):
    lexicon = Lexicon({"thanks": 500, "that": 900})
    with PersonalStore.open(tmp_path / "p.sqlite3") as store:
        store.learn(learnable("Thx for the help.\n" * 3))
        assert store.spellings(["thx"]) == {"thx": None}
        assert "Thx" not in _ranked_with(store, lexicon, "Many th")


def test_a_line_in_capitals_leaves_a_names_spelling_as_it_was(tmp_path: Path):
    lexicon = Lexicon({"nail": 500})
    with PersonalStore.open(tmp_path / "p.sqlite3") as store:
        store.learn(learnable("Yesterday I met Naledi at the station.\n" * 3))
        store.learn(learnable("PLEASE CALL NALEDI TODAY\n"))
        assert store.spellings(["naledi"]) == {"naledi": "Naledi"}
        assert "Naledi" in _ranked_with(store, lexicon, "I will see nal")


def test_a_word_written_only_at_sentences_starts_keeps_the_dictionarys_capital(tmp_path: Path):
    """Its first letter made small, it read as the user's small letters: Monday gave monday."""
    lexicon = Lexicon({"Monday": 100, "money": 300})
    with PersonalStore.open(tmp_path / "p.sqlite3") as store:
        store.learn(learnable("Monday was fine.\n" * 3))
        assert "Monday" in _ranked_with(store, lexicon, "See you mon")


def test_a_shift_slip_inside_a_word_never_beats_the_dictionary(tmp_path: Path):
    lexicon = Lexicon({"the": 1000, "then": 100, "they": 100})
    with PersonalStore.open(tmp_path / "p.sqlite3") as store:
        store.learn(learnable("I saw the cat.\n" * 20 + "I saw tHE cat.\n"))
        assert store.spellings(["the"]) == {"the": "tHE"}  # the last written inside a sentence
        network = {"the": 0.6, "then": 0.2, "they": 0.2}
        assert _ranked_with(store, lexicon, "I saw th", network)[0] == "the"


def test_a_name_keeps_its_capital_through_an_export_and_an_import(tmp_path: Path):
    lexicon = Lexicon({"nail": 500})
    with PersonalStore.open(tmp_path / "p.sqlite3") as store:
        store.learn(learnable("Yesterday I met Naledi at the station.\n" * 3 + "Thx a lot.\n"))
        store.export_json(tmp_path / "export.json")
    with PersonalStore.open(tmp_path / "other.sqlite3") as other:
        other.import_json(tmp_path / "export.json")
        assert other.spellings(["naledi", "thx"]) == {"naledi": "Naledi", "thx": None}
        assert "Naledi" in _ranked_with(other, lexicon, "I will see nal")


def test_the_users_camel_case_wins_over_the_dictionarys_small_letters(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(mixer, "SLIPPED_WORDS", 2)  # will and give: a Shift slip in them is one
    lexicon = Lexicon({"github": 100, "give": 500, "iphone": 100, "will": 900, "wild": 50})
    with PersonalStore.open(tmp_path / "p.sqlite3") as store:
        store.learn(learnable("I use GitHub and FastAPI daily. I met Will today.\n" * 3))
        store.learn(learnable("Please GiVe it back.\n"))
        assert "give" in _ranked_with(store, lexicon, "Please gi")
        assert "GiVe" not in _ranked_with(store, lexicon, "Please gi")
        store.learn(learnable("This is my iPhone here.\n" * 3))
        assert sorted(_ranked_with(store, lexicon, "We use gi")[:2]) == ["GitHub", "give"]  # one
        assert "FastAPI" in _ranked_with(store, lexicon, "We use fa")  # not fastAPI
        assert "GitHub" in _ranked_with(store, lexicon, "We use Gi")  # a capital typed
        assert "iPhone" in _ranked_with(store, lexicon, "My ip")
        # A colleague's name that is an everyday word keeps the dictionary's small letters.
        assert "will" in _ranked_with(store, lexicon, "You wi")
        assert "Will" not in _ranked_with(store, lexicon, "You wi")


def test_a_correction_and_its_autocorrection_are_spelled_as_the_user_spells_them(tmp_path):
    with Predictor.load(personal=tmp_path / "p.sqlite3") as predictor:
        predictor.wait_for_corrections()
        predictor.learn("I keep my code on GitHub and my notes on my iPhone.\n" * 3)
        for text, word in [("I use githb", "GitHub"), ("I want an iphne", "iPhone")]:
            shown = predictor.suggest(text)
            assert [(s.word, s.correction) for s in shown if s.autocorrect] == [(word, True)]
            assert predictor.autocorrection(text) == word


def test_the_users_capital_wins_over_the_dictionarys_small_letters_but_for_everyday_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """wordfreq's list is in small letters: it knows Siobhan as siobhan, a rare word."""
    monkeypatch.setattr(lexicon_module, "COMMON_WORDS", 2)
    lexicon = Lexicon({"will": 900, "sign": 300, "wild": 50, "siobhan": 1})
    with PersonalStore.open(tmp_path / "p.sqlite3") as store:
        store.learn(learnable("I met Will and Siobhan today.\n" * 3))
        assert "Siobhan" in _ranked_with(store, lexicon, "Hi sio")
        assert "siobhan" not in _ranked_with(store, lexicon, "Hi sio")
        assert "will" in _ranked_with(store, lexicon, "You wi")
        assert "Will" not in _ranked_with(store, lexicon, "You wi")


def test_a_slip_in_a_word_only_the_user_writes_is_corrected_to_it(tmp_path):
    """Naledi is no word of the dictionary: the corrector's index never offered it for a slip."""
    with Predictor.load(personal=tmp_path / "p.sqlite3") as predictor:
        predictor.wait_for_corrections()
        assert not any(s.word == "Naledi" for s in predictor.suggest("I spoke with nalsdi"))
        predictor.learn("Naledi wrote back.")  # once: it may be a slip itself
        assert not any(s.word == "Naledi" for s in predictor.suggest("I spoke with nalsdi"))
        predictor.learn("I met Naledi today, and Naledi said hello.\n")
        for text in ("I spoke with nalsdi", "I spoke with Nakedi", "I spoke with Naleid"):
            corrections = [s.word for s in predictor.suggest(text) if s.correction]
            assert "Naledi" in corrections, (text, corrections)
        assert predictor.autocorrection("I spoke with nalsdi") == "Naledi"
        # A common misspelling learned twice is no slip's meaning; a word of jargon is.
        predictor.learn("The enviroment is fine. Our enviroment works.\n")
        predictor.learn("Then we run pytest and kubectl. I like pytest and kubectl.\n")
        for text in ("The enviromnet", "The enviroemnt"):
            assert predictor.autocorrection(text) != "enviroment"
            assert "enviroment" not in [s.word for s in predictor.suggest(text) if s.correction]
        for text, word in [("Then run pytesr", "pytest"), ("Then run kubevtl", "kubectl")]:
            assert word in [s.word for s in predictor.suggest(text) if s.correction], text
        # A word the user has written, and letters that start one, are no slip.
        predictor.learn("Our Nalsdi project.\n")
        assert not any(s.word == "Naledi" for s in predictor.suggest("Our nalsdi"))
        assert [
            s.correction for s in predictor.suggest("I spoke with Nal") if s.word == "Naledi"
        ] == [False]


E_MAIL = "Hi {},\nThanks for the {}. I will send the rest on Monday.\n\nKind regards,\nNaledi\n"


def test_a_sign_offs_name_is_offered_on_the_line_after_it(tmp_path: Path):
    """The name on the line after "Kind regards," is learned after it, not as the first word of
    any paragraph: the fifth e-mail gets it there, and not after the greeting's blank line."""
    with Predictor.load(personal=tmp_path / "p.sqlite3") as predictor:
        for name, thing in [
            ("Siobhan", "notes"),
            ("Ann", "slides"),
            ("Bo", "draft"),
            ("Li", "plan"),
        ]:
            predictor.learn(E_MAIL.format(name, thing))
        fifth = "Hi Siobhan,\nThanks for the photos.\n\nKind regards,\n"
        assert "Naledi" in _words(predictor, fifth)
        assert "Naledi" not in _words(predictor, "Hi Siobhan,\n\n")
        assert "Naledi" not in _words(predictor, fifth + "\n")


def test_a_word_after_a_comma_says_nothing_of_its_spelling(tmp_path: Path):
    """`Hi Ann,` and on the next line the e-mail's first sentence: its capital is the sentence's,
    not the word's own (the strip offered Standup mid-sentence)."""
    with PersonalStore.open(tmp_path / "p.sqlite3") as store:
        store.learn(learnable("Hi Ann,\nStandup moved to ten.\n" * 3 + "Ask Ann, Bo and me.\n"))
        assert store.spellings(["standup", "ann", "bo"]) == {
            "standup": None,
            "ann": "Ann",
            "bo": None,
        }
