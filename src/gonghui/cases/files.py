"""Who may read stored case attachments and letter PDFs (see core/files.py)."""

from __future__ import annotations

from typing import Any

from gonghui.core.errors import NotFound
from gonghui.core.files import FileGrant, file_access

from .models import Case, CaseAttachment, SupervisionLetter


def case_attachment_file(user: Any, name: str) -> FileGrant:
    """Staff who see the case; the reporter, for the attachments shown to them."""
    attachment = CaseAttachment.objects.filter(file=name).select_related("case").first()
    if attachment is None or not getattr(user, "is_authenticated", False):
        raise NotFound()
    case = attachment.case
    is_reporter = attachment.is_public and case.reporter_user_id == user.pk
    if not is_reporter and not Case.objects.visible_to(user).filter(pk=case.pk).exists():
        raise NotFound()
    return FileGrant(file=attachment.file, content_type=attachment.content_type,
                     download_name=attachment.original_name,
                     as_attachment=attachment.content_type == "application/pdf")


def letter_pdf_file(user: Any, name: str) -> FileGrant:
    letter = SupervisionLetter.objects.visible_to(user).filter(pdf=name).first()
    if letter is None:
        raise NotFound()
    return FileGrant(file=letter.pdf, content_type="application/pdf", download_name=f"{letter.number}.pdf",
                     as_attachment=True)


def register() -> None:
    file_access("cases/")(case_attachment_file)
    file_access("letters/")(letter_pdf_file)
