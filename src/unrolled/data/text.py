"""Text: the shipped review sentences and novel, tokenising, vocabularies, padding, IMDB.

* :func:`sentiment_sentences`: 3,000 labelled review sentences (shipped, offline).
* :func:`time_machine`: the text of H. G. Wells' "The Time Machine" (shipped, offline).
* :func:`tokenize`, :class:`Vocab`, :func:`pad_sequences`: text to padded integer arrays.
  Index 0 is reserved for padding everywhere, so Keras ``mask_zero=True`` /
  ``Masking`` and PyTorch ``padding_idx=0`` / ``pack_padded_sequence(lengths)`` work.
* :func:`imdb`: the 50,000 IMDB reviews through ``keras.datasets.imdb`` when the network
  allows, else the shipped sentences, saying so.
"""

import csv
import re
from collections import Counter
from typing import List, NamedTuple, Optional

import numpy as np

from .download import offline, shipped
from .synthetic import rng_from

__all__ = ["sentiment_sentences", "Sentences", "time_machine", "tokenize", "Vocab",
           "pad_sequences", "imdb", "TextData", "PAD", "UNK"]

PAD, UNK = "<pad>", "<unk>"


class Sentences(NamedTuple):
    """``texts`` (list of str), ``labels`` ``(n,)`` int64 (1 positive), ``sources`` (list of str)."""

    texts: List[str]
    labels: np.ndarray
    sources: List[str]


def sentiment_sentences(source=None):
    """The 3,000 labelled review sentences shipped with the course.

    1,000 each from amazon, imdb and yelp, 500 positive (label 1) and 500 negative
    (label 0) per source. Kotzias et al., KDD 2015, UCI data set 331, CC BY 4.0 (see
    ``unrolled/data/files/ATTRIBUTION.md``).

    Args:
        source: ``None`` for all, or ``"amazon"``, ``"imdb"``, ``"yelp"``.

    Returns:
        :class:`Sentences` ``(texts, labels, sources)``, in file order (unpacks as a tuple).
    """
    texts, labels, sources = [], [], []
    with open(shipped("sentiment_sentences.tsv"), newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            if source is None or row["source"] == source:
                texts.append(row["text"])
                labels.append(int(row["label"]))
                sources.append(row["source"])
    if source is not None and not texts:
        raise ValueError(f"source must be None, 'amazon', 'imdb' or 'yelp', got {source!r}")
    return Sentences(texts, np.array(labels, dtype=np.int64), sources)


def time_machine():
    """The full text of "The Time Machine" (H. G. Wells, 1895; public domain), as one str."""
    return shipped("time_machine.txt").read_text(encoding="utf-8")


_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[^\sa-z0-9]")


def tokenize(text, level="word", lower=True):
    """Split a text into tokens.

    ``level="word"``: words (keeping contractions like ``don't``) and punctuation marks
    as tokens, lower-cased by default. ``level="char"``: every character.
    A list of texts gives a list of token lists.
    """
    if not isinstance(text, str):
        return [tokenize(t, level, lower) for t in text]
    if lower:
        text = text.lower()
    if level == "char":
        return list(text)
    if level == "word":
        if not lower:
            return re.findall(r"[A-Za-z0-9]+(?:'[A-Za-z]+)?|[^\sA-Za-z0-9]", text)
        return _WORD.findall(text)
    raise ValueError(f"level must be 'word' or 'char', got {level!r}")


class Vocab:
    """A vocabulary: token <-> index, with 0 = ``<pad>`` and 1 = ``<unk>``.

    Built from tokenised texts (a list of token lists, or one flat list of tokens); the
    most frequent tokens get the smallest indices (ties in order of first appearance).

    Args:
        tokens: the tokens to count.
        max_size: keep at most this many entries in total (padding and unknown included),
            like Keras' ``num_words``.
        min_freq: drop tokens seen fewer times.

    ``len(vocab)`` is the ``input_dim`` / ``num_embeddings`` of an embedding layer.
    """

    def __init__(self, tokens=(), max_size=None, min_freq=1):
        tokens = list(tokens)
        if tokens and isinstance(tokens[0], (list, tuple)):
            tokens = [t for seq in tokens for t in seq]
        counts = Counter(tokens)
        self.counts = counts
        # Counter.most_common keeps first-appearance order among equal counts.
        kept = [t for t, c in counts.most_common() if c >= min_freq and t not in (PAD, UNK)]
        if max_size is not None:
            if max_size < 2:
                raise ValueError("max_size must leave room for <pad> and <unk> (>= 2)")
            kept = kept[: max_size - 2]
        self.itos = [PAD, UNK] + kept
        self.stoi = {t: i for i, t in enumerate(self.itos)}

    pad_index = 0
    unk_index = 1

    def __len__(self):
        return len(self.itos)

    def __contains__(self, token):
        return token in self.stoi

    def __getitem__(self, token):
        return self.stoi.get(token, self.unk_index)

    def encode(self, tokens):
        """Token list -> list of indices (unknown tokens -> 1); a list of lists works too."""
        if tokens and isinstance(tokens[0], (list, tuple)):
            return [self.encode(t) for t in tokens]
        return [self.stoi.get(t, self.unk_index) for t in tokens]

    def decode(self, indices, sep=" ", skip_pad=True):
        """Indices -> text (padding dropped); ``sep=""`` for characters."""
        return sep.join(self.itos[int(i)] for i in indices if not (skip_pad and int(i) == 0))

    def __repr__(self):
        return f"Vocab({len(self)} tokens: {self.itos[:8]}...)"


def pad_sequences(sequences, maxlen=None, value=0, padding="post", truncating="post",
                  dtype=np.int64):
    """Pad integer sequences into one array, and return their true lengths.

    Args:
        sequences: a list of lists of ints.
        maxlen: length of the result (default: the longest sequence). Longer sequences are
            cut: ``truncating="post"`` keeps the start, ``"pre"`` keeps the end.
        value: the padding value, 0 by default: index 0 is reserved for padding, so that
            masks (Keras ``mask_zero=True``) find it.
        padding: ``"post"`` (default: padding after the tokens, as PyTorch's
            ``pack_padded_sequence`` expects) or ``"pre"`` (Keras' default).

    Returns:
        ``(array (n, maxlen), lengths (n,) int64)``; ``lengths`` counts the real tokens
        kept (after truncation).
    """
    if padding not in ("post", "pre") or truncating not in ("post", "pre"):
        raise ValueError("padding and truncating must be 'post' or 'pre'")
    sequences = [list(s) for s in sequences]
    if maxlen is None:
        maxlen = max((len(s) for s in sequences), default=0)
    out = np.full((len(sequences), maxlen), value, dtype=dtype)
    lengths = np.zeros(len(sequences), dtype=np.int64)
    for i, s in enumerate(sequences):
        s = s[:maxlen] if truncating == "post" else s[max(len(s) - maxlen, 0):]
        n = len(s)
        lengths[i] = n
        if n:
            if padding == "post":
                out[i, :n] = s
            else:
                out[i, maxlen - n:] = s
    return out, lengths


class TextData(NamedTuple):
    """Padded train/test splits for sentiment classification.

    ``x_*`` ``(n, maxlen)`` int64 padded with 0 after the tokens, ``y_*`` ``(n,)`` int64,
    ``len_*`` true lengths, ``num_words`` the embedding's input size, ``source`` which data
    it is (``"imdb"`` or ``"sentiment_sentences"``), ``offline`` True for the fallback,
    ``vocab`` the :class:`Vocab` (fallback only; ``None`` for IMDB, whose index is Keras').
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    len_train: np.ndarray
    len_test: np.ndarray
    num_words: int
    source: str
    offline: bool
    vocab: Optional[Vocab]


def _keras_imdb(num_words):
    import keras  # noqa: F401  (keras.datasets caches under ~/.keras/datasets, sha256-checked)

    return keras.datasets.imdb.load_data(num_words=num_words)


def imdb(num_words=10000, maxlen=200, test_fraction=0.2, seed=0, allow_download=True,
         verbose=True):
    """Sentiment data: full IMDB when it can be had, else the shipped sentences (said loudly).

    First tries ``keras.datasets.imdb.load_data(num_words=num_words)``: 25,000 train and
    25,000 test reviews, downloaded once and cached by Keras in ``~/.keras/datasets``
    (Keras checks the file against its known sha256). Reviews are padded / cut to
    ``maxlen`` tokens (the first ``maxlen`` kept). Keras' indices: 0 padding, 1 start,
    2 unknown, words from 3.

    If that fails for any reason (no network, a firewall, ``UNROLLED_OFFLINE=1``,
    ``allow_download=False``), it prints an ``OFFLINE FALLBACK`` line and returns the
    3,000 shipped review sentences (:func:`sentiment_sentences`) instead: a seeded,
    label-stratified split with ``test_fraction`` held out, tokenised with
    :func:`tokenize`, a :class:`Vocab` of at most ``num_words`` entries built on the
    training part, padded to ``maxlen`` (at most the longest sentence).

    Returns:
        :class:`TextData`; check ``.source`` (``"imdb"`` or ``"sentiment_sentences"``)
        and ``.offline`` to know which data you got.
    """
    reason = None
    if not allow_download:
        reason = "downloads not allowed (allow_download=False)"
    elif offline():
        reason = "downloads disabled (UNROLLED_OFFLINE is set)"
    else:
        try:
            (xtr, ytr), (xte, yte) = _keras_imdb(num_words)
        except Exception as e:  # no network, DNS, HTTP, partial file, ...
            reason = f"{type(e).__name__}: {e}"
    if reason is None:
        x_train, len_train = pad_sequences(xtr, maxlen)
        x_test, len_test = pad_sequences(xte, maxlen)
        if verbose:
            print(f"[unrolled.data] IMDB: {len(x_train)} train / {len(x_test)} test reviews, "
                  f"num_words={num_words}, maxlen={maxlen}")
        return TextData(x_train, np.asarray(ytr, np.int64), x_test, np.asarray(yte, np.int64),
                        len_train, len_test, num_words, "imdb", False, None)

    texts, labels, _ = sentiment_sentences()
    rng = rng_from(seed)
    test_idx = []
    for c in np.unique(labels):  # stratified: same share of each label in the test part
        idx = np.flatnonzero(labels == c)
        rng.shuffle(idx)
        test_idx.extend(idx[: int(round(len(idx) * test_fraction))])
    is_test = np.zeros(len(texts), bool)
    is_test[test_idx] = True
    order_tr = rng.permutation(np.flatnonzero(~is_test))
    order_te = rng.permutation(np.flatnonzero(is_test))
    tokens = tokenize(texts)
    vocab = Vocab([tokens[i] for i in order_tr], max_size=num_words)
    ids = vocab.encode(tokens)
    longest = max(len(t) for t in tokens)
    L = min(maxlen, longest) if maxlen else longest
    x_train, len_train = pad_sequences([ids[i] for i in order_tr], L)
    x_test, len_test = pad_sequences([ids[i] for i in order_te], L)
    if verbose:
        print(f"[unrolled.data] OFFLINE FALLBACK: full IMDB not available ({reason}). "
              f"Using the {len(texts)} shipped review sentences instead "
              f"({len(order_tr)} train / {len(order_te)} test, vocabulary {len(vocab)}, "
              f"maxlen {L}).")
    return TextData(x_train, labels[order_tr], x_test, labels[order_te], len_train, len_test,
                    len(vocab), "sentiment_sentences", True, vocab)
