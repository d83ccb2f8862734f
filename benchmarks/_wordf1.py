"""Word-level F1 as the WCXB benchmark defines it (shared by the benchmark scripts).

Words are lower-cased ``\\w+`` tokens counted as a multiset; precision and recall
are the shares of the prediction's and of the ground truth's words that the
other one holds too, and a system's score is the mean of the per-page F1.

>>> round(word_f1("Oil prices fell.", "oil prices fell sharply"), 3)
0.857
>>> word_f1("", ""), word_f1("text", "")
(1.0, 0.0)
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Final

__all__ = ["word_f1", "words"]

_WORD: Final = re.compile(r"\w+")


def words(text: str) -> Counter[str]:
    """The multiset of lower-cased ``\\w+`` words of *text*."""
    return Counter(_WORD.findall(text.lower()))


def word_f1(prediction: str, truth: str) -> float:
    """Word F1 of *prediction* against *truth* (1.0 when both have no words, 0.0 if one has)."""
    predicted, expected = words(prediction), words(truth)
    if not predicted or not expected:
        return float(predicted == expected)
    common = (predicted & expected).total()
    if not common:
        return 0.0
    precision, recall = common / predicted.total(), common / expected.total()
    return 2 * precision * recall / (precision + recall)
