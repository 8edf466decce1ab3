"""The word trigram model: Kneser-Ney by hand, pruning, histories, the file, the mixture."""

import json
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

from keyboard_app.cli import main
from keyboard_app.engine import ModelError, Predictor, trigrams
from keyboard_app.engine.mixer import NEXT_WORD_WEIGHTS, mix
from keyboard_app.engine.sources import Proposal, Query
from keyboard_app.engine.sources.trigrams import TrigramSource
from keyboard_app.engine.trigrams import DISCOUNT, TOKENS, UNIGRAM_PRIOR, WordTrigrams, history
from keyboard_app.engine.words import split_typed_word
from keyboard_app.paths import resource, trigrams_path
from keyboard_app.training.corpus import load_split
from keyboard_app.training.trigrams import (
    build_arrays,
    build_trigrams,
    count_trigrams,
    save_trigrams,
)
from tests.small_disk import run_on_small_disk

LINES = ["the cat sat .", "the cat ran .", "a cat sat .", "the dog sat ."]
TRIGRAM_WEIGHT = NEXT_WORD_WEIGHTS["trigrams"]


def test_a_seen_history_follows_interpolated_kneser_ney_by_hand():
    model = build_trigrams(LINES, min_count=1)
    # Continuation counts N1+(. w): cat 2 (after "the", "a"), dog 1, sat 2 (after "cat", "dog"), ...
    vocabulary = {"<s>", "the", "a", "cat", "dog", "sat", "ran", "."}
    unigram_total = (
        2 + 1 + 2 + 1 + 2 + 1 + 1 + UNIGRAM_PRIOR * len(vocabulary)
    )  # the a cat dog sat ran .
    p_unigram_sat = (2 + UNIGRAM_PRIOR) / unigram_total
    # After "cat": "sat" follows two different words ("the cat", "a cat"), "ran" one.
    p_bigram_sat = (2 - DISCOUNT) / 3 + DISCOUNT * 2 / 3 * p_unigram_sat
    # After "the cat": "sat" once, "ran" once.
    p_sat = (1 - DISCOUNT) / 2 + DISCOUNT * 2 / 2 * p_bigram_sat
    assert model.probability("the cat", "sat") == pytest.approx(p_sat)
    assert model.probability("Yesterday the cat", "sat") == pytest.approx(p_sat)


@pytest.mark.parametrize("min_count", [1, 2])
@pytest.mark.parametrize("paragraph", ["", "the cat", "a", "the dog", "zebra", "a cat sat ."])
def test_each_history_is_a_distribution_over_the_vocabulary(paragraph: str, min_count: int):
    model = build_trigrams(LINES, min_count=min_count)
    total = sum(model.probability(paragraph, token) for token in model.words)
    assert total == pytest.approx(1.0)


def test_a_pruned_history_backs_off_to_its_last_word():
    model = build_trigrams(LINES, min_count=2)
    full = build_trigrams(LINES, min_count=1)
    # "a cat" was seen once: pruned, so it predicts as "cat" alone does.
    assert model.probability("a cat", "sat") == pytest.approx(full.probability("dog cat", "sat"))
    assert model.probability("a cat", "sat") != pytest.approx(full.probability("a cat", "sat"))
    # A paragraph starts with "the" three times (kept) and "a" once (pruned): what "a" had goes to
    # the bigram below, with what the discount freed.
    p_unigram_the = (1 + UNIGRAM_PRIOR) / (10 + UNIGRAM_PRIOR * 8)  # "the" follows only "<s>"
    p_bigram_the = (1 - DISCOUNT) / 2 + DISCOUNT * 2 / 2 * p_unigram_the
    kept = (3 - DISCOUNT) / 4
    assert model.probability("", "the") == pytest.approx(kept + (1 - kept) * p_bigram_the)


def test_punctuation_and_paragraph_starts_are_part_of_the_history():
    assert history("It was announced. The") == [".", "The"]
    assert history("It was announced.") == ["announced", "."]
    assert history("Hello") == ["<s>", "Hello"]
    assert history("") == ["<s>", "<s>"]
    assert history("x" * 300 + " of the") == ["of", "the"]
    assert history("y" * 300) == [None, None]  # nothing whole to go on


def test_next_words_are_words_never_punctuation_lone_letters_or_slurs():
    lines = ["we said shit .", "we said shit .", "we said b .", "we said b .", "we said no ."]
    model = build_trigrams(lines, min_count=1)
    found = model.next_words("and we said", also=["maybe"])
    assert "no" in found and "maybe" in found
    assert not {"shit", "b", ".", "<s>"} & set(found)
    assert max(found, key=found.__getitem__) == "no"
    assert found["maybe"] == pytest.approx(model.probability("we said", "maybe"))


def test_the_source_scores_the_network_words_and_the_mixture_is_linear_over_both():
    model = build_trigrams(LINES, min_count=1)
    source = TrigramSource(model)
    next_word = Query(split_typed_word("and the cat "), k=3)
    network = Proposal({"sat": 0.5, "purred": 0.1})
    proposal = source.propose(next_word, network.words)
    assert proposal is not None
    assert proposal.words["purred"] == pytest.approx(model.probability("and the cat", "purred"))
    scores = mix(next_word, network, {"trigrams": proposal})
    for word, p_trigrams in proposal.words.items():
        p_network = network.words.get(word, 0.0)
        expected = (1 - TRIGRAM_WEIGHT) * p_network + TRIGRAM_WEIGHT * p_trigrams
        assert scores[word] == pytest.approx(expected), word
    assert set(scores) == set(proposal.words) | set(network.words)
    assert source.propose(Query(split_typed_word("and the cat s"), k=3), network.words) is None


def test_the_source_reads_the_history_from_the_current_paragraph_alone():
    model = build_trigrams(LINES, min_count=1)
    after_break = TrigramSource(model).propose(Query(split_typed_word("the cat\n"), k=3), {})
    assert after_break is not None
    assert dict(after_break.words) == pytest.approx(model.next_words(""))


def test_the_file_round_trips(tmp_path: Path):
    model = build_trigrams(LINES * 3)
    again = WordTrigrams.load(save_trigrams(model, tmp_path / "trigrams.npz"))
    for paragraph in ("", "the cat", "the dog sat"):
        assert again.next_words(paragraph) == model.next_words(paragraph)


SAVE_MANY_LINES = """
import sys
from keyboard_app.training.trigrams import build_trigrams, save_trigrams
lines = [f"word{i} word{i + 1} word{i + 2} ." for i in range(20000)]
try:
    save_trigrams(build_trigrams(lines, min_count=1), sys.argv[1])
except OSError as error:
    print("failed:", error.strerror)
"""


def test_a_full_disk_leaves_the_earlier_file_and_no_partial_one(tmp_path: Path):
    """A 64 KB disk (`run_on_small_disk`) too small for the new table."""
    disk = tmp_path / "disk"
    small = save_trigrams(build_trigrams(LINES), tmp_path / "small.npz")
    commands = (
        f'cp "{small}" "{disk}/trigrams.npz" '
        f'&& "{sys.executable}" -c "$0" "{disk}/trigrams.npz" && cmp "{small}" "{disk}/trigrams.npz" '
        f'&& ls -A "{disk}"'
    )
    result = run_on_small_disk(disk, commands, SAVE_MANY_LINES)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["failed: No space left on device", "trigrams.npz"]


def _saved_arrays(tmp_path: Path) -> dict[str, np.ndarray]:
    path = save_trigrams(build_trigrams(LINES), tmp_path / "good.npz")
    with np.load(path) as archive:
        return {key: archive[key] for key in archive.files}


def test_a_damaged_or_foreign_file_is_a_clear_error(tmp_path: Path):
    good = save_trigrams(build_trigrams(LINES), tmp_path / "good.npz")
    truncated = tmp_path / "truncated.npz"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    foreign = tmp_path / "foreign.npz"
    foreign.write_bytes(b"GGUF" + bytes(100))
    for path in (truncated, foreign, tmp_path / "missing.npz"):
        with pytest.raises(ModelError, match="cannot be read"):
            WordTrigrams.load(path)


def test_a_byte_changed_anywhere_loads_the_same_tables_or_is_a_clear_error(tmp_path: Path):
    good = save_trigrams(build_trigrams(LINES), tmp_path / "good.npz")
    content = good.read_bytes()
    expected = WordTrigrams.load(good).next_words("the cat")
    damaged = tmp_path / "damaged.npz"
    refused = loaded = 0
    for position in range(0, len(content), max(len(content) // 300, 1)):
        changed = bytearray(content)
        changed[position] ^= 0x5A
        damaged.write_bytes(bytes(changed))
        try:
            again = WordTrigrams.load(damaged)
        except ModelError:
            refused += 1
            continue
        loaded += 1
        assert again.next_words("the cat") == expected, position  # a date or a name changed
    assert refused and loaded  # both outcomes were met: the loop checked something


def test_a_member_that_is_not_an_array_or_too_large_is_refused(tmp_path: Path, monkeypatch):
    good = save_trigrams(build_trigrams(LINES), tmp_path / "good.npz")
    raw = tmp_path / "raw.npz"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(raw, "w") as target:
        for member in source.namelist():
            data = b"hello" if member == "words.npy" else source.read(member)
            target.writestr(member, data)
    with pytest.raises(ModelError, match="damaged"):
        WordTrigrams.load(raw)
    monkeypatch.setattr(trigrams, "MAX_FILE_BYTES", 1000)
    with pytest.raises(ModelError, match="larger"):
        WordTrigrams.load(good)


def test_a_file_with_pickled_objects_is_refused(tmp_path: Path):
    arrays = _saved_arrays(tmp_path)
    arrays["words"] = np.array([{"run": "code"}], dtype=object)
    path = tmp_path / "pickled.npz"
    np.savez(path, allow_pickle=True, **arrays)
    with pytest.raises(ModelError, match="cannot be read"):
        WordTrigrams.load(path)


@pytest.mark.parametrize(
    ("key", "damage"),
    [
        ("bigram_word", lambda a: a.astype(np.int32) + 10_000),  # words past the vocabulary
        ("bigram_start", lambda a: a.astype(np.int32) * 1000),  # rows past the table's end
        ("trigram_history_count", lambda a: a.astype(np.int32) - 1),  # fewer than its trigrams
        ("trigram_history", lambda a: a.reshape(-1, 1)),  # not a list
        ("bigram_word", lambda a: a[::-1].copy()),  # a row's words out of order
        ("trigram_start", lambda a: a[:-1]),  # a table of the wrong length
        ("trigram_history", lambda a: a[::-1].copy()),  # histories out of order
        ("trigram_history", lambda a: a[[0, 2, 1]]),  # out of order between first and last
        ("trigram_history", lambda a: a[[0, 0, 2]]),  # a history twice
        ("continuations", lambda a: a.astype(np.float32)),  # not integers
    ],
)
def test_tables_that_do_not_fit_together_are_a_clear_error(tmp_path: Path, key, damage):
    arrays = _saved_arrays(tmp_path)
    arrays[key] = damage(arrays[key])
    path = tmp_path / "damaged.npz"
    np.savez(path, **arrays)
    with pytest.raises(ModelError, match="damaged"):
        WordTrigrams.load(path)


def test_the_shipped_trigrams_are_the_training_splits_and_know_common_phrases():
    """The shipped file is what `train --write-trigrams` makes: nothing held out is in it."""
    shipped = trigrams_path()
    with np.load(shipped) as archive:
        stored = {key: archive[key] for key in archive.files}
    rebuilt = build_arrays(count_trigrams(load_split(resource("corpora")).train_lines()), 2)
    assert set(stored) == set(rebuilt)
    for key, values in rebuilt.items():
        assert np.array_equal(stored[key], values), key
    found = WordTrigrams.load(shipped).next_words("The United States of")
    assert max(found, key=found.__getitem__) == "America"


def kinds(predictor: Predictor) -> list[str]:
    return [source.kind for source in predictor.sources]


def test_the_next_word_mixes_the_trigrams_in_and_typed_letters_do_not(bigram_model):
    spec = {" striped": {" shirt": 7.0, " tie": 6.0, " cotton": 5.0, " coat": 4.5}}
    trigrams = build_trigrams(["the striped cat ran"] * 5)
    with Predictor.load(bigram_model(spec)) as predictor:
        # Not the built-in model: the shipped trigrams only stand in for a network with no words.
        (stand_in,) = [s for s in predictor.sources if s.kind == "trigrams"]
        assert isinstance(stand_in, TrigramSource) and not stand_in.mixed
        assert not stand_in.next_word  # the network is not asked for more next words for them
        alone = {s.word: s.probability for s in predictor.suggest("the striped ", k=3)}
        typed_alone = predictor.suggest("the striped c", k=2, exact=True)
        others = [s for s in predictor.sources if s.kind != "trigrams"]
        predictor.sources = [*others, TrigramSource(trigrams)]
        mixed = [(s.word, s.probability) for s in predictor.suggest("the striped ", k=3)]
        typed_mixed = predictor.suggest("the striped c", k=2, exact=True)
    assert "cat" not in alone
    assert [word for word, _ in mixed] == ["shirt", "cat", "tie"]
    p_shirt = (1 - TRIGRAM_WEIGHT) * alone["shirt"] + TRIGRAM_WEIGHT * trigrams.probability(
        "the striped", "shirt"
    )
    assert dict(mixed)["shirt"] == pytest.approx(p_shirt)
    assert [s.word for s in typed_alone] == ["cotton", "coat"]
    assert typed_mixed == typed_alone  # "cat" would beat "coat" if the trigrams were mixed in


def test_only_the_built_in_model_with_its_dictionary_mixes_the_trigrams_in():
    with Predictor.load() as predictor:
        assert kinds(predictor) == [
            *("dictionary", "document", "corrections", "formulas", "trigrams")
        ]
        assert all(s.mixed for s in predictor.sources if isinstance(s, TrigramSource))
        words = [s.word for s in predictor.suggest("The United States of ", k=3)]
    assert words[0] == "America"
    with Predictor.load(use_dictionary=False) as predictor:
        assert predictor.sources == []


def test_the_command_counts_the_training_split_alone(tmp_path: Path):
    corpus = tmp_path / "corpus"
    (corpus / "brown").mkdir(parents=True)
    (corpus / "nlp-corpus").mkdir()
    for i in range(20):
        (corpus / "brown" / f"ca{i:02d}").write_text(f"The/at river{i}/nn ran/vbd ./.\n")
        sentences = [f"we met quill{i} today.", f"quill{i} said hello."]
        (corpus / "nlp-corpus" / f"doc-{i}.json").write_text(json.dumps(sentences))
    out = tmp_path / "trigrams.npz"
    assert main(["train", "--corpus", str(corpus), "--write-trigrams", str(out)]) == 0
    split = load_split(corpus)
    trained = {token for line in split.train_lines() for token in TOKENS.findall(line)}
    held_out = {token for text in split.heldout_texts() for token in TOKENS.findall(text)}
    words = set(WordTrigrams.load(out).words)
    assert trained <= words
    assert held_out - trained and not (held_out - trained) & words


def test_a_damaged_shipped_trigram_file_stops_the_built_in_model_with_a_clear_error(
    tmp_path: Path, monkeypatch
):
    shipped = resource()
    for entry in shipped.iterdir():
        if entry.name != "lexicon":
            (tmp_path / entry.name).symlink_to(entry)
    (tmp_path / "lexicon").mkdir()
    for name in ("english-words.tsv", "formulas.txt"):
        (tmp_path / "lexicon" / name).symlink_to(shipped / "lexicon" / name)
    (tmp_path / "lexicon" / "english-trigrams.npz").write_bytes(b"PK\x03\x04 not a table")
    monkeypatch.setenv("KEYBOARD_APP_RESOURCES", str(tmp_path))
    with pytest.raises(ModelError, match="trigram file"):
        Predictor.load()
    with Predictor.load(use_dictionary=False) as predictor:  # the network alone still loads
        assert predictor.suggest("The United States of ")


@pytest.mark.parametrize("min_count", [1, 2])
@pytest.mark.parametrize(
    ("paragraph", "prefix"), [("the", "c"), ("the cat", "s"), ("a cat", "r"), ("zebra", "d")]
)
def test_completions_are_the_words_seen_there_and_the_mass_is_every_words(
    paragraph: str, prefix: str, min_count: int
):
    model = build_trigrams(LINES, min_count=min_count)
    words, mass = model.completions(paragraph, prefix)
    spelled = [token for token in model.words if token.startswith(prefix)]
    assert mass == pytest.approx(sum(model.probability(paragraph, w) for w in spelled))
    for word, probability in words.items():
        assert word.startswith(prefix)
        assert probability == pytest.approx(model.probability(paragraph, word))
    last = paragraph.split()[-1]  # every word seen after (the last two tokens) is seen after it
    pairs = [pair for line in LINES for pair in zip(line.split(), line.split()[1:], strict=False)]
    seen_after = {w for a, w in pairs if a == last}
    assert set(words) == {w for w in spelled if w in seen_after}


def test_the_source_completes_typed_letters_only_when_the_network_has_no_words():
    source = TrigramSource(build_trigrams(LINES, min_count=1))
    query = Query(split_typed_word("the cat s"), 3)
    proposal = source.propose(query, {})
    assert proposal is not None and set(proposal.words) == {"sat"}
    assert proposal.mass == pytest.approx(source.trigrams.completions("the cat", "s")[1])
    assert source.propose(query, {"sat": 0.5}) is None  # the network's words are decoded ones


def test_an_instant_answer_before_the_model_caught_up_has_the_trigrams_completions():
    """The network knows nothing of this context yet: the trigrams stand in for it, so "United
    St" completes to "States" (the dictionary alone ranks by frequency: "Still")."""
    text = "He flew back to the United St"
    with Predictor.load() as predictor:
        words = [s.word for s in predictor.suggest(text, instant=True)]
        predictor.sources = [s for s in predictor.sources if s.kind != "trigrams"]
        without = [s.word for s in predictor.suggest(text, instant=True)]
        assert predictor.stats().tokens_decoded == 0
    assert words[0] == "States"
    assert "States" not in without[:1]


def test_with_another_model_the_trigrams_answer_only_before_the_network_knows_the_context(
    bigram_model,
):
    with Predictor.load(bigram_model({" striped": {" shirt": 7.0, " tie": 6.0}})) as predictor:
        instant = [s.word for s in predictor.suggest("He flew back to the United St", instant=True)]
        next_words = [s.word for s in predictor.suggest("The United States of ", instant=True)]
        assert predictor.stats().tokens_decoded == 0
    assert instant[0] == "States"
    assert next_words[0] == "America"
