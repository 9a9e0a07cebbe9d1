"""Who may read stored lesson files (see core/files.py): anyone, for a published course's
video or handout; its author and the union's staff while the course is being written. A
nomination's supporting files: the staff who see the nomination."""

from __future__ import annotations

from typing import Any

from gonghui.core.errors import NotFound
from gonghui.core.files import FileGrant, file_access

from .models import Course, Lesson, Nomination, NominationFile


def lesson_file(user: Any, name: str) -> FileGrant:
    lesson = Lesson.objects.filter(upload=name).select_related("course__author").first()
    if lesson is None:
        raise NotFound()
    course = lesson.course
    allowed = (
        course.status == Course.Status.PUBLISHED
        or course.author.user_id == getattr(user, "pk", None)
        or Course.objects.visible_to(user).filter(pk=course.pk).exists()
    )
    if not allowed:
        raise NotFound()
    return FileGrant(file=lesson.upload, content_type=lesson.content_type or "application/octet-stream",
                     download_name=f"{lesson.title}{'.pdf' if lesson.kind == Lesson.Kind.PDF else ''}")


def nomination_file(user: Any, name: str) -> FileGrant:
    """A nomination's supporting file: staff who see the nomination (its union's branch, the quota
    union and the organiser above it). Never public: it may hold personal data."""
    stored = NominationFile.objects.filter(file=name).first()
    if stored is None or not Nomination.objects.visible_to(user).filter(pk=stored.nomination_id).exists():
        raise NotFound()
    return FileGrant(file=stored.file, content_type=stored.content_type, download_name=stored.original_name,
                     as_attachment=stored.content_type == "application/pdf")


def register() -> None:
    file_access("skills/")(lesson_file)
    file_access("skills/nominations/")(nomination_file)
