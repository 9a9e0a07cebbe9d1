"""一函两书 as a Chinese PDF (reportlab with the built-in CID font STSong-Light: no font files)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

FONT = "STSong-Light"
_registered = False

# Standard wording per kind; the staff member's text goes between opening and closing.
OPENINGS = {
    "notice": "经调查核实，你单位在劳动用工方面存在以下问题，现予以提示：",
    "opinion": "根据《中华人民共和国工会法》等法律法规，现就你单位劳动用工中存在的问题提出如下意见：",
    "recommendation": "根据《中华人民共和国工会法》等法律法规，现就有关问题提出如下建议：",
}
CLOSINGS = {
    "notice": "请你单位依法整改，并于{due}前将整改情况书面回复本会。",
    "opinion": "请你单位认真研究，依法纠正，并于{due}前将处理结果书面回复本会。",
    "recommendation": "请你单位（部门）依法处理，并于{due}前将处理情况书面回复本会。",
}


def _font() -> str:
    global _registered
    if not _registered:
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
        _registered = True
    return FONT


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def letter_pdf(*, letter: Any, worker_name: str, issued_on: dt.date) -> bytes:
    """Render `letter` (a SupervisionLetter, saved or not) to PDF bytes."""
    font = _font()
    title = ParagraphStyle("title", fontName=font, fontSize=20, leading=30, alignment=TA_CENTER)
    number = ParagraphStyle("number", fontName=font, fontSize=11, leading=18, alignment=TA_CENTER)
    body = ParagraphStyle("body", fontName=font, fontSize=13, leading=24, firstLineIndent=26, wordWrap="CJK")
    plain = ParagraphStyle("plain", parent=body, firstLineIndent=0)
    right = ParagraphStyle("right", parent=body, alignment=TA_RIGHT, firstLineIndent=0)
    due = letter.response_due.strftime("%Y年%m月%d日") if letter.response_due else ""
    story = [
        _p(f"{letter.union.name}", title),
        _p(letter.get_kind_display(), title),
        _p(letter.number, number),
        Spacer(1, 8 * mm),
        _p(f"{letter.recipient}：", plain),
        _p(f"事由：{letter.subject}", body),
        _p(OPENINGS[letter.kind], body),
        _p(letter.body, body),
    ]
    if worker_name:
        story.append(_p(f"反映人：{worker_name}（本人同意向你单位告知姓名）", body))
    story += [
        _p(CLOSINGS[letter.kind].format(due=due), body),
        Spacer(1, 16 * mm),
        _p(letter.union.name, right),
        _p(issued_on.strftime("%Y年%m月%d日"), right),
    ]
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=28 * mm, rightMargin=26 * mm, topMargin=30 * mm,
                            bottomMargin=25 * mm, title=f"{letter.get_kind_display()} {letter.number}",
                            author=letter.union.name)
    doc.build(story)
    return buffer.getvalue()


def formal_letter_pdf(
    *, heading: str, title: str, number: str, recipient: str, paragraphs: list[str], signer: str,
    issued_on: dt.date,
) -> bytes:
    """A formal letter in the same layout as 一函两书 (other modules' letters: a bargaining
    offer 要约书). `paragraphs` are indented body text; `signer` signs at the foot."""
    font = _font()
    title_style = ParagraphStyle("title", fontName=font, fontSize=20, leading=30, alignment=TA_CENTER)
    number_style = ParagraphStyle("number", fontName=font, fontSize=11, leading=18, alignment=TA_CENTER)
    body = ParagraphStyle("body", fontName=font, fontSize=13, leading=24, firstLineIndent=26, wordWrap="CJK")
    plain = ParagraphStyle("plain", parent=body, firstLineIndent=0)
    right = ParagraphStyle("right", parent=body, alignment=TA_RIGHT, firstLineIndent=0)
    story = [_p(heading, title_style), _p(title, title_style), _p(number, number_style), Spacer(1, 8 * mm),
             _p(f"{recipient}：", plain)]
    story += [_p(text, body) for text in paragraphs]
    story += [Spacer(1, 16 * mm), _p(signer, right), _p(issued_on.strftime("%Y年%m月%d日"), right)]
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=28 * mm, rightMargin=26 * mm, topMargin=30 * mm,
                            bottomMargin=25 * mm, title=f"{title} {number}", author=signer)
    doc.build(story)
    return buffer.getvalue()
