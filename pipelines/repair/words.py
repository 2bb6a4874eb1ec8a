"""A word-frequency model of Chinese, for the rare choice that plausibility cannot make.

A phantom's missing byte sometimes has several candidates whose re-decodings are all common characters
(`仍然在` and `仍被在`). Which of them a writer wrote is a question about words, which jieba's dictionary of
349,000 words with frequencies answers: the log-probability of the best segmentation. Loaded on first use (about
a second), since most documents never need it.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache


@lru_cache(maxsize=1)
def _tokenizer():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.dt.initialize()
    return jieba.dt


_HAN_RUN = re.compile("[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003134f]+")
"""All Han, supplementary planes included: a rare character must be charged as an unknown word, not split off."""


def word_logprob(text: str) -> float:
    """Log-probability of the most likely segmentation of the Han runs of Simplified `text` into words.

    Only Han runs are scored: the dictionary holds no punctuation, and would charge a comma as an unknown word.
    """
    return sum(_run_logprob(run) for run in _HAN_RUN.findall(text))


@lru_cache(maxsize=16384)
def _run_logprob(run: str) -> float:
    tokenizer = _tokenizer()
    route: dict = {}
    tokenizer.calc(run, tokenizer.get_DAG(run), route)
    return route[0][0]
