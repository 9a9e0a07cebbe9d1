"""Who may read a claim's stored documents (see core/files.py): the worker who claimed, and
staff who see the claim."""

from __future__ import annotations

from typing import Any

from gonghui.core.errors import NotFound
from gonghui.core.files import FileGrant, file_access

from .models import Claim, ClaimDocument


def claim_document_file(user: Any, name: str) -> FileGrant:
    document = ClaimDocument.objects.filter(upload=name).select_related("claim").first()
    if document is None or not getattr(user, "is_authenticated", False):
        raise NotFound()
    own = document.claim.user_id == user.pk
    if not own and not Claim.objects.visible_to(user).filter(pk=document.claim_id).exists():
        raise NotFound()
    return FileGrant(file=document.upload, content_type=document.content_type, download_name=document.original_name,
                     as_attachment=document.content_type == "application/pdf")


def register() -> None:
    file_access("mutualaid/")(claim_document_file)
