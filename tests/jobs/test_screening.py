"""The discrimination check on hand-written vectors: what reads as a condition on the person
is flagged, and wording that only looks like it (a product, a dish, a benefit, the law's own
minimum age) is not."""

import pytest

from gonghui.jobs.screening import REFUSE, REVIEW, discrimination_check


def rules(text):
    return sorted(f.rule for f in discrimination_check(text))


@pytest.mark.parametrize("text", [
    "女装销售", "男装店导购，男女不限", "女鞋专柜销售", "熟悉女性用品", "妇女用品店营业员",
    "适合应届毕业生", "欢迎应届毕业生和退役军人", "年满18周岁", "16岁以下不得录用",
    "提供夫妻房，已婚可住", "民族服饰店店员", "河南烩面师傅", "负责本地客户维护", "性别不限",
    "需要持有电工证", "需要叉车证", "限持证人员", "招收工人", "男女不限，吃苦耐劳", "本岗位接受残疾人",
])
def test_wording_that_only_looks_discriminatory_passes(text):
    assert discrimination_check(text) == []


@pytest.mark.parametrize(("text", "rule"), [
    ("限男性", "gender"), ("男性优先", "gender"), ("招女工5名", "gender"), ("性别：男", "gender"), ("限女生", "gender"),
    ("已婚已育优先", "marital"), ("两年内不得生育", "marital"), ("要求未婚", "marital"),
    ("限汉族", "ethnicity"), ("少数民族勿扰", "ethnicity"),
    ("限本地户口", "origin"), ("本地人优先", "origin"), ("河南人勿扰", "origin"), ("不招新疆人", "origin"),
    ("本市户籍优先", "origin"),
])
def test_conditions_on_the_person_are_refused_with_an_explanation(text, rule):
    flags = discrimination_check(text)
    assert [f.rule for f in flags] == [rule]
    assert flags[0].severity == REFUSE
    assert flags[0].text and flags[0].text in text
    assert flags[0].explanation


@pytest.mark.parametrize("text", [
    "限35岁以下", "35周岁以下", "年龄18-35岁", "年龄：20至40岁", "不超过40岁", "年龄不超过 45 周岁", "45岁以上勿扰",
    "年轻人优先",
])
def test_an_age_ceiling_goes_to_review_not_refusal(text):
    flags = discrimination_check(text)
    assert [(f.rule, f.severity) for f in flags] == [("age", REVIEW)]


def test_several_grounds_are_each_reported():
    assert rules("限男性，限本地户口，35岁以下") == ["age", "gender", "origin"]
