"""Category suggestion from a worker's Chinese description.

Multinomial naive Bayes over jieba tokens (plus character bigrams), trained at first use on the small labelled
corpus shipped in `cases/data/train.tsv` (no network, no model file to go stale). The
suggestion is shown to the operator or worker; it is never applied without them choosing.
`data/heldout.tsv` is a separate set written independently, used only by `make bench`.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import jieba

DATA_DIR = Path(__file__).resolve().parent / "data"
_KEEP = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")
_HAN = re.compile(r"[\u4e00-\u9fff]")
# Words that carry no signal about the kind of problem.
STOPWORDS = frozenset(
    "的 了 是 我 我们 他们 他 她 在 有 和 就 都 也 还 又 被 把 给 让 跟 与 及 这 那 这个 那个 一个 "
    "什么 怎么 怎么办 可以 能 能不能 吗 呢 吧 啊 请问 您好 你好 现在 已经 一直 没有 不 要 想 说 "
    "公司 单位 老板 工作 上班 这样 就是 因为 所以 但是 可是 如果 自己 个 去 来 到 对 从 为".split()
)
_jieba_ready = False


def tokenize(text: str) -> list[str]:
    global _jieba_ready
    if not _jieba_ready:
        jieba.setLogLevel(60)  # silence the dictionary-loading chatter
        _jieba_ready = True
    return [t for t in jieba.lcut(text or "") if _KEEP.search(t) and t not in STOPWORDS]


def features(text: str) -> list[str]:
    """jieba words plus character bigrams: the bigrams catch words jieba splits oddly
    (欠薪, 社保, 工伤) and help a corpus this small generalise."""
    han = "".join(_HAN.findall(text or ""))
    return tokenize(text) + [han[i : i + 2] for i in range(len(han) - 1)]


def load_examples(name: str) -> list[tuple[str, str]]:
    rows = []
    for line in (DATA_DIR / name).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        label, _, text = line.partition("\t")
        rows.append((label.strip(), text.strip()))
    return rows


@dataclass(frozen=True)
class Suggestion:
    category: str
    confidence: float
    ranked: tuple[tuple[str, float], ...]


class NaiveBayes:
    """Multinomial naive Bayes with Laplace smoothing."""

    def __init__(self, examples: list[tuple[str, str]], alpha: float = 0.5) -> None:
        self.alpha = alpha
        docs: Counter[str] = Counter()
        self.word_counts: dict[str, Counter[str]] = {}
        for label, text in examples:
            docs[label] += 1
            self.word_counts.setdefault(label, Counter()).update(features(text))
        total = sum(docs.values())
        self.labels = sorted(docs)
        self.log_prior = {label: math.log(docs[label] / total) for label in self.labels}
        self.vocabulary = set().union(*(c.keys() for c in self.word_counts.values())) if self.word_counts else set()
        self.totals = {label: sum(self.word_counts[label].values()) for label in self.labels}

    def predict(self, text: str) -> Suggestion | None:
        tokens = [t for t in features(text) if t in self.vocabulary]
        if not tokens or not self.labels:
            return None
        v = len(self.vocabulary)
        scores = {}
        for label in self.labels:
            counts, denom = self.word_counts[label], self.totals[label] + self.alpha * v
            scores[label] = self.log_prior[label] + sum(math.log((counts[t] + self.alpha) / denom) for t in tokens)
        top = max(scores.values())
        exp = {label: math.exp(s - top) for label, s in scores.items()}
        norm = sum(exp.values())
        ranked = tuple(sorted(((label, e / norm) for label, e in exp.items()), key=lambda p: -p[1]))
        return Suggestion(category=ranked[0][0], confidence=round(ranked[0][1], 3), ranked=ranked[:3])


@lru_cache(maxsize=1)
def model() -> NaiveBayes:
    return NaiveBayes(load_examples("train.tsv"))


def category_suggest(text: str) -> Suggestion | None:
    """The most likely category for `text`, or None when the text says too little."""
    if len((text or "").strip()) < 4:
        return None
    return model().predict(text)


def heldout_accuracy() -> tuple[int, int]:
    """(correct, total) on the held-out set."""
    examples = load_examples("heldout.tsv")
    correct = 0
    for label, text in examples:
        suggestion = model().predict(text)
        correct += int(suggestion is not None and suggestion.category == label)
    return correct, len(examples)
