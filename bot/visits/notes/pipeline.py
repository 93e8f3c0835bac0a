"""The spaCy pipeline of visit notes: blank("zh") with jieba and an EntityRuler fed from the
product catalogue, built once per catalogue and process; nothing downloaded.
"""
from __future__ import annotations

import threading
from typing import Iterable, Mapping

from bot.visits.notes.words import CHANNEL_WORDS
from bot.vocabulary.products import PRODUCT_WORDS, category_of_word
from bot.vocabulary.width import to_half_width

_lock = threading.Lock()
_pipelines: dict[tuple, object] = {}
_jieba_words: set[str] = set()


_segmenter = None


def _jieba_segmenter():
    """The visit notes' own jieba, with the bank's words added: never jieba's shared dictionary,
    which the NLU's tokenizer and the name checks read (a colleague's name added here at a high
    frequency would read as an everyday word there, in whatever process both run)."""
    global _segmenter
    if _segmenter is None:
        import jieba

        segmenter = jieba.Tokenizer()
        segmenter.initialize()
        _segmenter = segmenter
    return _segmenter


def _add_jieba_words(words: Iterable[str]) -> None:
    segmenter = _jieba_segmenter()
    for word in words:
        if word and word not in _jieba_words:
            segmenter.add_word(word, freq=200000)
            _jieba_words.add(word)


def warm_up() -> None:
    """Load spaCy and jieba's dictionary now rather than in the first visit note of the day
    (about 3 s on the first `log_visit` after a restart, measured by `make bench`)."""
    import spacy

    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    nlp.tokenizer.jieba_seg = _jieba_segmenter()
    nlp("预热")


def pipeline_for(products: Mapping[str, str], staff_names: tuple[str, ...]):
    """A blank Chinese pipeline (jieba words) with an EntityRuler for this vocabulary, cached."""
    key = (tuple(sorted(products.items())), staff_names)
    with _lock:
        nlp = _pipelines.get(key)
        if nlp is not None:
            return nlp
        import spacy

        nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
        nlp.tokenizer.jieba_seg = _jieba_segmenter()
        ruler = nlp.add_pipe("entity_ruler")
        patterns = [{"label": "PRODUCT", "pattern": word, "id": category} for word, category in products.items()]
        patterns += [{"label": "STAFF", "pattern": name} for name in staff_names if name]
        patterns += [{"label": "CHANNEL", "pattern": word, "id": channel} for word, channel in CHANNEL_WORDS.items()]
        _add_jieba_words([p["pattern"] for p in patterns])
        ruler.add_patterns(patterns)
        if len(_pipelines) > 16:
            _pipelines.clear()
        _pipelines[key] = nlp
        return nlp


def product_vocabulary(known_products: Mapping[str, str] | Iterable[tuple[str, str]] | Iterable[str] = ()) -> dict[str, str]:
    """Product word -> category: bot.referrals.PRODUCT_WORDS plus the catalogue's names."""
    vocabulary = dict(PRODUCT_WORDS)
    items = known_products.items() if isinstance(known_products, Mapping) else known_products
    for item in items:
        if isinstance(item, str):
            category = category_of_word(item)
            if category:
                vocabulary[to_half_width(item)] = category
        else:
            name, category = item
            vocabulary[to_half_width(name)] = category
    return vocabulary
