"""Who can get the union's legal aid (工会法律援助): the rules the worker's form shows and
`legal_services.legal_aid_apply` checks. Sources and reasoning: docs/cases.md, "Legal aid:
who is eligible".

- The matter is a labour dispute or another labour right (《工会法律援助办法》（总工发〔2008〕52号）:
  labour disputes and the personal, democratic and property rights that come with work).
- The applicant is economically in hardship by the local union's standard, OR is a migrant
  worker (农民工) asking for pay or work-injury compensation (not subject to the hardship
  condition), OR is not in hardship but the violation of their rights is serious and they
  can show it (办法 第十条).
- Legal aid represents people who have no representative yet (《法律援助法》第三十一条: "没有
  委托代理人"): someone who already has a lawyer gets consultation, not a second agent.
- The papers the application needs (办法 第十二条): proof of identity, proof of hardship from
  the union of the workplace or a local (township/street) union when hardship is claimed, the
  material of the dispute; and, once the case is in arbitration or court, its papers.

Whether the declared income really is below the local hardship standard, and whether a
violation is "serious", is for the union's staff to decide (`legal_aid_decide`): these
rules only turn away what cannot qualify whatever the staff find.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import DisputeType, Hardship, Stage


class Document:
    ID = "id"
    HARDSHIP_PROOF = "hardship_proof"
    DISPUTE = "dispute"
    CASE_PAPERS = "case_papers"

    choices = (
        (ID, _("身份证明（身份证、工作证等）")),
        (HARDSHIP_PROOF, _("经济困难证明（所在单位工会或乡镇、街道工会出具）")),
        (DISPUTE, _("与争议有关的材料（劳动合同、工资条、考勤记录、辞退通知、工伤认定书等）")),
        (CASE_PAPERS, _("劳动仲裁或法院的受理通知书、开庭通知等")),
    )
    values = tuple(value for value, _label in choices)


# What every applicant is told before filling in the form, in order.
RULES = (
    _("争议是劳动争议或其他劳动权益问题（如欠薪、劳动合同、社会保险、工伤、工时休假）。"),
    _("本人及家庭经济困难；农民工讨要劳动报酬或工伤赔偿的，不受经济困难条件限制；经济不困难但有证据证明合法权益受到严重侵害的，也可以申请。"),
    _("还没有委托律师或其他代理人。"),
    _("能提供身份证明、与争议有关的材料；申请经济困难援助的还要有经济困难证明；已在仲裁或诉讼中的，还要有受理通知书等。"),
)

PAY_OR_INJURY = frozenset({DisputeType.WAGES, DisputeType.WORK_INJURY})


@dataclass(frozen=True)
class AidAnswers:
    dispute_type: str
    hardship: str
    stage: str
    has_lawyer: bool
    documents: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def of(cls, *, dispute_type: str, hardship: str, stage: str, has_lawyer: bool, documents: Iterable[str]) -> AidAnswers:
        return cls(dispute_type=dispute_type, hardship=hardship, stage=stage, has_lawyer=bool(has_lawyer),
                   documents=frozenset(d for d in documents if d in Document.values))


def documents_required(answers: AidAnswers) -> list[str]:
    """The papers this applicant must be able to provide (now or when the union asks)."""
    needed = [Document.ID, Document.DISPUTE]
    if answers.hardship == Hardship.HARDSHIP:
        needed.insert(1, Document.HARDSHIP_PROOF)
    if answers.stage in (Stage.ARBITRATION, Stage.LITIGATION):
        needed.append(Document.CASE_PAPERS)
    return needed


def legal_aid_check(answers: AidAnswers) -> list[str]:
    """Why this applicant cannot get legal aid (each reason a sentence); [] = may apply."""
    reasons: list[str] = []
    if answers.dispute_type == DisputeType.NOT_LABOUR:
        reasons.append(str(_("工会法律援助只办理劳动争议和其他劳动权益问题，您的事情不属于这个范围。"
                             "可以拨打 12348 公共法律服务热线，或向当地司法局的法律援助中心申请。")))
    if answers.has_lawyer:
        reasons.append(str(_("您已经委托了律师或其他代理人，工会法律援助不再另派代理律师。")))
    if answers.hardship == Hardship.NONE:
        reasons.append(str(_("工会法律援助面向经济困难的职工、讨要劳动报酬或工伤赔偿的农民工，"
                             "以及合法权益受到严重侵害的职工；您选择的经济状况不在其中。")))
    elif answers.hardship == Hardship.MIGRANT_PAY_INJURY and answers.dispute_type not in PAY_OR_INJURY:
        reasons.append(str(_("农民工不受经济困难条件限制，只适用于讨要劳动报酬或工伤赔偿；"
                             "您的争议不是这两类，请按实际经济状况选择。")))
    labels = dict(Document.choices)
    missing = [str(labels[d]) for d in documents_required(answers) if d not in answers.documents]
    if missing:
        separator = str(pgettext_lazy("list separator", "；"))
        reasons.append(str(_("申请法律援助需要这些材料，您还不能提供：%(missing)s。")) % {"missing": separator.join(missing)})
    return reasons
