"""Who may read stored hardship documents (see core/files.py): staff who see the file; the
applicant, for the documents they uploaded (not the home-visit photos)."""

from __future__ import annotations

from typing import Any

from gonghui.core.errors import NotFound
from gonghui.core.files import FileGrant, file_access

from .models import Grant, GrantDocument, HardshipDocument, HardshipFile, ReliefTarget


def hardship_document_file(user: Any, name: str) -> FileGrant:
    document = HardshipDocument.objects.filter(upload=name).select_related("file").first()
    if document is None or not getattr(user, "is_authenticated", False):
        raise NotFound()
    own = not document.is_visit and document.file.user_id == user.pk
    if not own and not HardshipFile.objects.visible_to(user).filter(pk=document.file_id).exists():
        raise NotFound()
    return FileGrant(file=document.upload, content_type=document.content_type, download_name=document.original_name,
                     as_attachment=document.content_type == "application/pdf")


def relief_photo_file(user: Any, name: str) -> FileGrant:
    """A 送温暖 visit photo: staff who see the household only."""
    target = ReliefTarget.objects.filter(photo=name).first()
    if target is None or not ReliefTarget.objects.visible_to(user).filter(pk=target.pk).exists():
        raise NotFound()
    return FileGrant(file=target.photo, content_type=target.photo_type or "application/octet-stream",
                     download_name=f"relief-{target.pk}", as_attachment=target.photo_type == "application/pdf")


def grant_document_file(user: Any, name: str) -> FileGrant:
    """A grant's document: staff who see the grant, and the applicant's own account."""
    document = GrantDocument.objects.filter(upload=name).select_related("grant").first()
    if document is None or not getattr(user, "is_authenticated", False):
        raise NotFound()
    own = document.grant.user_id == user.pk
    if not own and not Grant.objects.visible_to(user).filter(pk=document.grant_id).exists():
        raise NotFound()
    return FileGrant(file=document.upload, content_type=document.content_type, download_name=document.original_name,
                     as_attachment=document.content_type == "application/pdf")


def register() -> None:
    file_access("assistance/")(hardship_document_file)
    file_access("assistance/relief/")(relief_photo_file)
    file_access("assistance/grants/")(grant_document_file)
