"""Who may read stored hardship documents (see core/files.py): staff who see the file; the
applicant, for the documents they uploaded (not the home-visit photos)."""

from __future__ import annotations

from typing import Any

from gonghui.core.errors import NotFound
from gonghui.core.files import FileGrant, file_access

from .models import HardshipDocument, HardshipFile


def hardship_document_file(user: Any, name: str) -> FileGrant:
    document = HardshipDocument.objects.filter(upload=name).select_related("file").first()
    if document is None or not getattr(user, "is_authenticated", False):
        raise NotFound()
    own = not document.is_visit and document.file.user_id == user.pk
    if not own and not HardshipFile.objects.visible_to(user).filter(pk=document.file_id).exists():
        raise NotFound()
    return FileGrant(file=document.upload, content_type=document.content_type, download_name=document.original_name,
                     as_attachment=document.content_type == "application/pdf")


def register() -> None:
    file_access("assistance/")(hardship_document_file)
