"""Admin for skills: read-only look-ups. Every change goes through the console and the
services (review, certificates, proposal steps); the deadline policy is edited in the console."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from gonghui.core.admin import ReadOnlyMixin

from .models import (
    Academy,
    Attempt,
    Author,
    Award,
    Certificate,
    Competition,
    Cosign,
    Course,
    Enrolment,
    Entry,
    Honour,
    Innovation,
    Judge,
    Laureate,
    LaureateEvent,
    Lesson,
    Nomination,
    NominationObjection,
    NominationReview,
    Proposal,
    ProposalEvent,
    ProposalPolicy,
    Round,
    RoundResult,
    ScoreItem,
    ScoreSheet,
    Selection,
    SelectionQuota,
    SkillActivity,
    Studio,
    StudioEvent,
    StudioMember,
    Talk,
)


class LessonInline(ReadOnlyMixin, admin.TabularInline):
    model = Lesson
    fields = ("order", "title", "kind", "content_type", "video_url")


@admin.register(Course)
class CourseAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("title", "union", "author", "trade", "level", "provider", "status", "published_at")
    list_filter = ("status", "provider", "level")
    search_fields = ("title", "title_initials", "trade")
    inlines = (LessonInline,)


@admin.register(Academy)
class AcademyAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("name", "union", "trades")
    search_fields = ("name",)


@admin.register(Author)
class AuthorAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("name", "title", "union", "academy", "active")


@admin.register(Enrolment)
class EnrolmentAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("course", "user", "enrolled_at", "completed_at", "hours_earned")


@admin.register(Attempt)
class AttemptAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("enrolment", "kind", "started_at", "submitted_at", "score", "passed")
    exclude = ("question_ids",)


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("serial", "enrolment", "hours", "score", "issued_at", "revoked_at")
    search_fields = ("serial",)


class EventInline(ReadOnlyMixin, admin.TabularInline):
    model = ProposalEvent
    fields = ("at", "status", "body", "public")


class CosignInline(ReadOnlyMixin, admin.TabularInline):
    model = Cosign
    fields = ("name", "at")


@admin.register(Proposal)
class ProposalAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("number", "title", "union", "status", "major", "due_on", "escalated_at")
    list_filter = ("status", "major")
    search_fields = ("number", "title")
    inlines = (EventInline, CosignInline)


@admin.register(ProposalPolicy)
class ProposalPolicyAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("union", "ordinary_months", "major_months", "remind_days")


# --- 劳动和技能竞赛 (changes go through the console: the scoring rules live in competitions.py) ---


class ScoreItemInline(ReadOnlyMixin, admin.TabularInline):
    model = ScoreItem
    fields = ("order", "name", "weight")


class RoundInline(ReadOnlyMixin, admin.TabularInline):
    model = Round
    fields = ("order", "name", "advance", "status")


class JudgeInline(ReadOnlyMixin, admin.TabularInline):
    model = Judge
    fields = ("name", "employer_name")


@admin.register(Competition)
class CompetitionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("title", "union", "level", "trade", "status", "registration_closes", "published_at")
    list_filter = ("status", "level")
    search_fields = ("title", "trade")
    inlines = (ScoreItemInline, RoundInline, JudgeInline)


@admin.register(Entry)
class EntryAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("number", "name", "competition", "union", "status", "endorsed_at")
    list_filter = ("status",)
    search_fields = ("number",)


@admin.register(ScoreSheet)
class ScoreSheetAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("round", "entry", "judge", "total", "at")


@admin.register(RoundResult)
class RoundResultAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("round", "entry", "rank", "score", "judges_counted", "advanced", "tie_note")


@admin.register(Award)
class AwardAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("entry", "rank", "prize_fen", "title")


@admin.register(Honour)
class HonourAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("name", "title", "union", "year", "source", "awarded_at")
    search_fields = ("title", "source")


class StudioMemberInline(ReadOnlyMixin, admin.TabularInline):
    model = StudioMember
    fields = ("name", "role", "joined_on", "left_on")


class StudioEventInline(ReadOnlyMixin, admin.TabularInline):
    model = StudioEvent
    fields = ("at", "kind", "year", "grade", "note")


@admin.register(Studio)
class StudioAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("name", "level", "leader", "union", "named_year", "status")
    list_filter = ("status", "level")
    search_fields = ("name", "leader")
    inlines = (StudioMemberInline, StudioEventInline)


@admin.register(Innovation)
class InnovationAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("title", "kind", "people", "year", "patent_number", "union")
    list_filter = ("kind", "patent_kind")
    search_fields = ("title", "patent_number")


@admin.register(SkillActivity)
class SkillActivityAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("title", "kind", "held_on", "participants", "union")
    list_filter = ("kind",)


# --- 劳模工匠评选 and the registry: ID and phone numbers are never shown here -------------------------


class _BranchScoped(ReadOnlyMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).visible_to(request.user)  # type: ignore[attr-defined]


class SelectionQuotaInline(ReadOnlyMixin, admin.TabularInline):
    model = SelectionQuota
    fields = ("union", "places")


@admin.register(Selection)
class SelectionAdmin(_BranchScoped):
    list_display = ("title", "honour_title", "level", "year", "union", "status", "notice_from", "notice_until")
    list_filter = ("status", "level", "kind")
    search_fields = ("title", "honour_title")
    inlines = (SelectionQuotaInline,)


class NominationReviewInline(ReadOnlyMixin, admin.TabularInline):
    model = NominationReview
    fields = ("at", "union", "passed", "note")


class NominationObjectionInline(ReadOnlyMixin, admin.TabularInline):
    model = NominationObjection
    fields = ("at", "text", "finding", "answer", "answered_at")


@admin.register(Nomination)
class NominationAdmin(_BranchScoped):
    list_display = ("number", "name", "selection", "union", "status")
    list_filter = ("status",)
    search_fields = ("number", "name", "unit_name")
    fields = ("number", "selection", "name", "gender", "birth_date", "unit_name", "post", "frontline", "trade", "union",
              "quota_union", "step_union", "status", "decision_note", "achievements", "prior_honours", "created_at")
    inlines = (NominationReviewInline, NominationObjectionInline)


class LaureateEventInline(ReadOnlyMixin, admin.TabularInline):
    model = LaureateEvent
    fields = ("at", "kind", "year", "title", "note")


class TalkInline(ReadOnlyMixin, admin.TabularInline):
    model = Talk
    fields = ("held_on", "topic", "place", "audience")


@admin.register(Laureate)
class LaureateAdmin(_BranchScoped):
    list_display = ("name", "title", "level", "year", "unit_name", "union", "status")
    list_filter = ("status", "level", "kind")
    search_fields = ("name", "title", "unit_name")
    fields = ("name", "gender", "kind", "title", "level", "year", "awarding_body", "decision_ref", "unit_name", "trade",
              "union", "awarded_by", "status", "revoked_reason", "revoked_at", "achievements", "created_at")
    inlines = (LaureateEventInline, TalkInline)
