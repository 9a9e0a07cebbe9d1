"""Who may read stored bargaining files (see core/files.py): offer PDFs and round minutes
for staff who see the unit; safety photos for staff who see the union's records."""

from __future__ import annotations

from typing import Any

from gonghui.core.errors import NotFound
from gonghui.core.files import FileGrant, file_access

from .models import BargainingOffer, BargainingRound, SafetyPhoto


def offer_pdf_file(user: Any, name: str) -> FileGrant:
    offer = BargainingOffer.objects.visible_to(user).filter(pdf=name).first()
    if offer is None:
        raise NotFound()
    return FileGrant(file=offer.pdf, content_type="application/pdf", download_name=f"{offer.number}.pdf", as_attachment=True)


def minutes_file(user: Any, name: str) -> FileGrant:
    row = BargainingRound.objects.visible_to(user).filter(minutes=name).first()
    if row is None:
        raise NotFound()
    return FileGrant(file=row.minutes, content_type=row.minutes_type or "application/octet-stream", download_name=row.minutes_name,
                     as_attachment=row.minutes_type == "application/pdf")


def safety_photo_file(user: Any, name: str) -> FileGrant:
    photo = SafetyPhoto.objects.visible_to(user).filter(file=name).first()
    if photo is None:
        # The employer's own account sees the evidence it sent for its own hazards, nothing else.
        from .employer import hazards_for_employer

        photo = SafetyPhoto.objects.filter(file=name, kind=SafetyPhoto.Kind.EVIDENCE,
                                           hazard__in=hazards_for_employer(user=user)).first()
    if photo is None:
        raise NotFound()
    return FileGrant(file=photo.file, content_type=photo.content_type, download_name=photo.original_name,
                     as_attachment=photo.content_type == "application/pdf")


def register() -> None:
    file_access("bargaining/offers/")(offer_pdf_file)
    file_access("bargaining/minutes/")(minutes_file)
    file_access("bargaining/safety/")(safety_photo_file)
