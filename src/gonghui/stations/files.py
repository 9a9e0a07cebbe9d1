"""Who may read stored station photos (see core/files.py)."""

from __future__ import annotations

from typing import Any

from gonghui.core.errors import NotFound
from gonghui.core.files import FileGrant, file_access

from .models import Station, StationPhoto

_IMAGE_TYPES = {"jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp", "gif": "image/gif"}


def station_photo_file(user: Any, name: str) -> FileGrant:
    """A station's own photos are public while the station is; photos filed with a star
    application, and photos of stations not (yet) public, only for staff who see it."""
    photo = StationPhoto.objects.filter(image=name).only("image", "station_id", "application_id").first()
    if photo is None:
        raise NotFound()
    public = photo.application_id is None and Station.objects.public().filter(pk=photo.station_id).exists()
    if not public and not Station.objects.visible_to(user).filter(pk=photo.station_id).exists():
        raise NotFound()
    content_type = _IMAGE_TYPES.get(name.rsplit(".", 1)[-1].lower(), "application/octet-stream")
    return FileGrant(file=photo.image, content_type=content_type)


def register() -> None:
    file_access("stations/")(station_photo_file)
