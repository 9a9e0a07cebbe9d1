"""Uploaded files: stored under random names, served only by a view that checks access.

Nothing under MEDIA_ROOT is ever served as a static directory (not by `make run`, not by
nginx, see README). The default storage's `url(name)` points at `protected_file`, which
asks the app that owns the name's first folder whether this user may read this file:

    # <app>/files.py
    def station_photo_file(user, name): ...   # returns a FileGrant or raises NotFound

    def register() -> None:                   # called from the app's AppConfig.ready()
        file_access("stations/")(station_photo_file)

A folder nobody registered is never served (404), so a new upload field is private until
its app says who may read it. Names come from `random_upload_name`: a random token (not
the case number or a sequence), so a path seen once says nothing about other files; the
original file name is kept in the model for display and downloads.
"""

from __future__ import annotations

import posixpath
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.files.storage import FileSystemStorage
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest
from django.urls import reverse
from django.utils import timezone

from .errors import NotFound


@dataclass(frozen=True)
class FileGrant:
    """Permission to send one stored file, with how to present it."""

    file: FieldFile
    content_type: str = "application/octet-stream"
    download_name: str = ""
    as_attachment: bool = False


FileAccess = Callable[[Any, str], FileGrant]
_REGISTRY: dict[str, FileAccess] = {}


def file_access(prefix: str) -> Callable[[FileAccess], FileAccess]:
    """Register who may read stored files whose name starts with `prefix` ("cases/")."""

    def register(check: FileAccess) -> FileAccess:
        _REGISTRY[prefix] = check
        return check

    return register


def random_upload_name(folder: str, original_name: str, *, dated: bool = True) -> str:
    """`folder/2026/<random>.ext`: unguessable, keeping only the (short) extension."""
    _root, ext = posixpath.splitext(original_name or "")
    ext = ext.lower()[:6] if ext[1:].isalnum() else ""
    parts = [folder.strip("/")]
    if dated:
        parts.append(f"{timezone.now():%Y}")
    return "/".join([*parts, secrets.token_urlsafe(18) + ext])


class ProtectedStorage(FileSystemStorage):
    """File system storage whose URLs lead to the access-checking view, never to /media/."""

    def url(self, name: str | None) -> str:
        if not name:
            raise ValueError("This file is not accessible via a URL.")
        return reverse("protected_file", args=[name.replace("\\", "/")])


def file_grant_for_user(*, user: Any, name: str) -> FileGrant:
    """The grant for `name`, or NotFound (unknown folder, no such object, no access)."""
    name = name.replace("\\", "/")
    if name.startswith("/") or ".." in name.split("/"):
        raise NotFound()
    for prefix in sorted(_REGISTRY, key=len, reverse=True):
        if name.startswith(prefix):
            return _REGISTRY[prefix](user, name)
    raise NotFound()


def protected_file(request: HttpRequest, name: str) -> FileResponse:
    try:
        grant = file_grant_for_user(user=request.user, name=name)
        handle = grant.file.open("rb")
    except (NotFound, FileNotFoundError, ValueError) as exc:
        raise Http404() from exc
    response = FileResponse(handle, content_type=grant.content_type, as_attachment=grant.as_attachment,
                            filename=grant.download_name or posixpath.basename(name))
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=300"
    return response
