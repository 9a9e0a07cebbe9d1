"""Category suggestion: jieba + naive Bayes trained on the shipped corpus, no network."""

from __future__ import annotations

from gonghui.cases import classifier
from gonghui.cases.models import CLASSIFIED_CATEGORIES


def test_suggests_wage_arrears_for_unpaid_wages():
    suggestion = classifier.category_suggest("包工头欠了我们半年的工钱，现在电话也打不通")
    assert suggestion is not None and suggestion.category == "wage_arrears"
    assert 0 < suggestion.confidence <= 1 and len(suggestion.ranked) == 3


def test_suggests_work_injury_and_social_insurance():
    assert classifier.category_suggest("在车间干活手被机器压断了").category == "work_injury"
    assert classifier.category_suggest("单位好几年都没给我交养老保险").category == "social_insurance"


def test_no_suggestion_for_too_little_text():
    assert classifier.category_suggest("你好") is None
    assert classifier.category_suggest("") is None


def test_training_and_heldout_sets_are_separate_and_labelled_with_known_categories():
    train = classifier.load_examples("train.tsv")
    heldout = classifier.load_examples("heldout.tsv")
    assert not {t for _, t in train} & {t for _, t in heldout}
    labels = {c.value for c in CLASSIFIED_CATEGORIES}
    assert {label for label, _ in train} == labels and {label for label, _ in heldout} == labels


def test_heldout_accuracy_is_well_above_chance():
    correct, total = classifier.heldout_accuracy()
    assert total >= 35 and correct / total >= 0.7  # chance is 1/7
