"""The checks every posting passes before it is published: no discriminatory requirement.

Rules, not a blacklist of words: a word only counts when it is used as a *condition on the
person* (限、仅、只招、要求、优先、勿扰、不招 …), so a product or a place in the job itself
("女装销售", "民族服饰店", "河南烩面师傅", "提供夫妻房") passes, while "限男性",
"35岁以下", "本地户口优先" do not.

Each finding says which law it meets (就业促进法 第3、26–31条, 妇女权益保障法 第43条,
劳动法 第12–13条) and what it does: `refuse` (the posting is not saved) or `review` (it waits
for union staff, who may publish it when the requirement is lawful, e.g. 女职工禁忌从事的劳动 or
a legal minimum age).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

from django.utils.translation import gettext as _

REFUSE = "refuse"
REVIEW = "review"


@dataclass(frozen=True)
class Flag:
    rule: str  # gender | age | ethnicity | marital | origin | wage
    severity: str  # refuse | review
    text: str  # the words found
    explanation: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# A condition on the person: words that make what follows (or precedes) a requirement.
_LIMIT = r"(?:仅限|只限|限于|限|仅招|只招|只要|仅要|要求|须为|必须是|必须为|需为|需要|招收|只收|不招|不要|不收|拒收)"
_PREFER = r"(?:优先|者优先|勿扰|免谈|不考虑|莫扰|请勿打扰)"

_GENDER = (
    re.compile(rf"{_LIMIT}\s*(?:男|女)(?:性|士|生|工)?(?![装鞋包款式士装])"),
    re.compile(r"(?<![男女]装|[男女]鞋)(?<!不限)(?:男|女)(?:性|士|生)?\s*" + _PREFER),
    re.compile(r"性别\s*[:：]?\s*(?:限)?\s*(?:男|女)(?!女不限)(?!不限)"),
    re.compile(r"(?:男|女)(?:性|工|士|生)?\s*(?:\d+|若干|一|二|两|三|四|五)\s*名"),
)
_MARITAL = (
    re.compile(rf"(?:{_LIMIT}|已|未)\s*(?:婚|育)(?:已育|未育|已婚|未婚)?\s*{_PREFER}"),
    re.compile(rf"{_LIMIT}\s*(?:已婚|未婚|已育|未育|婚育)"),
    re.compile(r"(?:\d+|一|二|两|三|五)\s*年内\s*(?:不得|不能|不准|不许)?\s*(?:结婚|生育|怀孕|生小孩|要孩子)"),
    re.compile(r"(?:不得|不能|不准|不许)\s*(?:结婚|生育|怀孕)"),
    re.compile(r"孕(?:妇|期)\s*" + _PREFER),
)
_ETHNIC = (
    re.compile(rf"{_LIMIT}\s*[\u4e00-\u9fff]{{1,4}}族(?:人)?"),
    re.compile(r"(?:少数民族|[\u4e00-\u9fff]{1,4}族)(?:人)?\s*" + _PREFER),
)
_ORIGIN = (
    re.compile(rf"{_LIMIT}\s*(?:本地|本市|本省|当地|外地|外省|城镇|农村)?\s*(?:户口|户籍|人|籍)"),
    re.compile(r"(?:本地|本市|本省|当地|外地|外省|农村)(?:户口|户籍|人)?\s*" + _PREFER),
    re.compile(rf"{_LIMIT}\s*[\u4e00-\u9fff]{{2,3}}(?:籍|人)(?![员力才事])"),
    re.compile(r"[\u4e00-\u9fff]{2,3}(?:籍|人)\s*(?:勿扰|免谈|不要|不招)"),
)
# Age: an upper limit or a band below the statutory retirement age is a condition on the
# person; "年满16/18周岁" (the law's own minimum) and "适合应届毕业生" are not.
_AGE_UPPER = re.compile(r"(\d{2})\s*(?:周)?岁\s*(?:以下|以内|之内|及以下|以下者)")
_AGE_NOT_OVER = re.compile(r"(?:不超过|不大于|不满|小于|低于|未满|不得超过)\s*(\d{2})\s*(?:周)?岁")
_AGE_BAND = re.compile(r"(?:年龄|年纪)\s*[:：]?\s*(?:在)?\s*(\d{2})\s*(?:周)?岁?\s*(?:-|－|—|~|～|至|到)\s*(\d{2})\s*(?:周)?岁")
_AGE_OVER_BARRED = re.compile(r"(\d{2})\s*(?:周)?岁\s*(?:以上|及以上)\s*" + _PREFER)
_AGE_WORDS = re.compile(r"(?:限|仅限|只招|要求)\s*(?:年轻|青年)|年轻(?:人|女性|男性)?\s*" + _PREFER)


def _found(patterns: tuple[re.Pattern[str], ...], text: str) -> str:
    for pattern in patterns:
        match = pattern.search(text)
        if match:
            return match.group(0).strip()
    return ""


def _age_finding(text: str) -> str:
    for pattern in (_AGE_UPPER, _AGE_NOT_OVER):
        for match in pattern.finditer(text):
            # "16 岁以下" is the child-labour ban itself: only a ceiling above it is a limit.
            if int(match.group(1)) > 18:
                return match.group(0).strip()
    band = _AGE_BAND.search(text)
    if band:
        return band.group(0).strip()
    other = _AGE_OVER_BARRED.search(text) or _AGE_WORDS.search(text)
    return other.group(0).strip() if other else ""


def discrimination_check(text: str) -> list[Flag]:
    """What in `text` (title, requirements, hours) reads as a discriminatory condition."""
    text = re.sub(r"\s+", " ", text or "")
    flags: list[Flag] = []
    found = _found(_GENDER, text)
    if found:
        flags.append(Flag("gender", REFUSE, found, _(
            "不得以性别为由拒绝录用或提高录用标准（就业促进法第27条、妇女权益保障法第43条）。"
            "确属国家规定女职工禁忌从事的劳动，请在要求中写明依据并由工会审核。")))
    found = _found(_MARITAL, text)
    if found:
        flags.append(Flag("marital", REFUSE, found, _(
            "不得询问或限制婚育状况，不得规定限制结婚、生育的内容（妇女权益保障法第43条）。")))
    found = _found(_ETHNIC, text)
    if found:
        flags.append(Flag("ethnicity", REFUSE, found, _("各民族劳动者享有平等的就业权利（就业促进法第28条）。")))
    found = _found(_ORIGIN, text)
    if found:
        flags.append(Flag("origin", REFUSE, found, _(
            "不得以户籍、地域为由限制求职者，农村劳动者进城就业享有与城镇劳动者平等的权利（就业促进法第31条）。")))
    found = _age_finding(text)
    if found:
        flags.append(Flag("age", REVIEW, found, _(
            "年龄上限会把大龄劳动者挡在门外，国家要求破除招聘中的“35岁门槛”。"
            "确因岗位需要（如法定退休、特殊工种），请写明理由，由工会审核后发布。")))
    return flags
