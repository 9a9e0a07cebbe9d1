"""Case notices move into the one inbox: every `cases.CaseNotification` becomes a `Notice`.

A notice to the case's reporter is a worker notice linking to the worker's case page; any
other (handlers, union staff, escalations, reminders without a case) is a staff notice, scoped
by the case's union path and linking to the console page."""

from django.db import migrations


def copy(apps, schema_editor):
    CaseNotification = apps.get_model("cases", "CaseNotification")
    Notice = apps.get_model("notices", "Notice")
    # Keep each notice's original time: the copy must not be stamped "now".
    created = Notice._meta.get_field("created_at")
    created.auto_now_add = False
    try:
        _copy(CaseNotification, Notice)
    finally:
        created.auto_now_add = True


def _copy(CaseNotification, Notice):
    batch = []
    rows = CaseNotification.objects.select_related("case").order_by("pk").iterator(chunk_size=2000)
    for n in rows:
        case = n.case
        to_reporter = case is not None and case.reporter_user_id == n.user_id
        if case is None:
            audience, link, union_path = "staff", n.link, ""
        elif to_reporter:
            audience, link, union_path = "worker", f"/cases/{case.pk}/", ""
        else:
            audience, link, union_path = "staff", f"/console/cases/{case.pk}/", case.union_path
        batch.append(Notice(
            user_id=n.user_id, audience=audience, module="cases", text=n.text, link=link,
            object_id=case.pk if case else None, ref=case.number if case else "", union_path=union_path,
            created_at=n.created_at, read_at=n.read_at,
        ))
        if len(batch) >= 2000:
            _flush(Notice, batch)
    _flush(Notice, batch)


def _flush(Notice, batch):
    Notice.objects.bulk_create(batch)
    batch.clear()


class Migration(migrations.Migration):
    dependencies = [
        ("notices", "0001_initial"),
        ("cases", "0005_case_queue_idx_pattern_ops"),
    ]
    operations = [migrations.RunPython(copy, migrations.RunPython.noop)]
