"""Project-wide rules that a reviewer would otherwise have to check by hand.

- the English catalogue is complete, not fuzzy, keeps every placeholder, and the committed
  .mo matches the .po (DESIGN: "an English catalogue is kept complete");
- views.py / api.py never reach a model manager directly and never call `.save()` /
  `.delete()` (STYLE rules 2 and 4: reads go through selectors and `visible_to`, writes
  through services);
- the production profile passes `manage.py check --deploy` and refuses a development secret;
- migrations are linear: one leaf per app.
"""

from __future__ import annotations

import ast
import gettext
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from scripts.i18n_fill import PoEntry, po_parse, po_quote

SRC = Path(__file__).resolve().parent.parent / "src" / "gonghui"
LOCALE_EN = SRC / "locale" / "en" / "LC_MESSAGES"


# --- the English catalogue ----------------------------------------------------------------


def _english_entries() -> list[PoEntry]:
    po = LOCALE_EN / "django.po"
    assert po.exists(), f"missing {po}: run `make messages`"
    return [e for e in po_parse(po.read_text("utf-8")) if e.msgid]  # the header has msgid ""


PLACEHOLDER = re.compile(r"%\((\w+)\)[sdifr]|\{(\w*)\}")


def _placeholders(text: str) -> set[str]:
    return {a or b for a, b in PLACEHOLDER.findall(text)}


def test_po_reader_round_trips_escapes_plurals_and_context():
    text = (
        'msgid ""\nmsgstr ""\n"Language: en\\n"\n\n'
        '#: a.py\n#, fuzzy, python-format\nmsgctxt "btn"\nmsgid "保存 %(n)s"\nmsgstr "Save %(n)s"\n\n'
        'msgid "一条"\nmsgid_plural "%(count)s 条"\nmsgstr[0] "one"\nmsgstr[1] ""\n"%(count)s items"\n\n'
        'msgid "say \\"hi\\"\\n"\nmsgstr ""\n'
    )
    header, ctx, plural, quoted = po_parse(text)
    assert header.msgstr[0] == "Language: en\n"
    assert (ctx.msgctxt, ctx.msgid, ctx.fuzzy, ctx.key) == ("btn", "保存 %(n)s", True, "btn\x04保存 %(n)s")
    assert plural.msgstr == {0: "one", 1: "%(count)s items"}
    assert plural.translated
    assert quoted.msgid == 'say "hi"\n'
    assert not quoted.translated
    tab = "a\tb"
    assert po_parse(f"msgid {po_quote(quoted.msgid)}\nmsgstr {po_quote(tab)}\n")[0].msgstr[0] == tab


def test_english_catalogue_is_complete():
    entries = _english_entries()
    assert entries, "the English catalogue has no entries"
    missing = [f"line {e.line}: {e.msgid!r}" for e in entries if not e.translated]
    fuzzy = [f"line {e.line}: {e.msgid!r}" for e in entries if e.fuzzy]
    assert not missing, f"{len(missing)} untranslated (run `make messages`):\n" + "\n".join(missing[:50])
    assert not fuzzy, f"{len(fuzzy)} fuzzy (check and clear the flag):\n" + "\n".join(fuzzy[:50])


def test_english_catalogue_keeps_every_placeholder():
    wrong = []
    for e in _english_entries():
        sources = [e.msgid] + ([e.msgid_plural] if e.msgid_plural else [])
        expected = set().union(*(_placeholders(s) for s in sources))
        for text in filter(None, e.msgstr.values()):
            # A singular translation may drop the count (e.g. "one case"), never add a name.
            if not _placeholders(text) <= expected or (
                not e.msgid_plural and _placeholders(text) != expected
            ):
                wrong.append(f"line {e.line}: {e.msgid!r} -> {text!r}")
    assert not wrong, "placeholders differ:\n" + "\n".join(wrong)


def test_compiled_english_catalogue_matches_po():
    mo = LOCALE_EN / "django.mo"
    assert mo.exists(), f"missing {mo}: run `make messages` (compilemessages) and commit the .mo"
    with mo.open("rb") as handle:
        catalog = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    stale = []
    for e in _english_entries():
        if not e.translated or e.fuzzy:
            continue  # msgfmt leaves these out; test_english_catalogue_is_complete names them
        key = e.key
        if e.msgid_plural is None:
            if catalog.get(key) != e.msgstr.get(0):
                stale.append(e.msgid)
        elif any(catalog.get((key, n)) != text for n, text in e.msgstr.items()):
            stale.append(e.msgid)
    assert not stale, f"django.mo is older than django.po ({len(stale)} entries): run compilemessages\n" + "\n".join(
        stale[:20]
    )


@pytest.mark.django_db
def test_pages_switch_to_english_by_explicit_choice(client, settings):
    from django.utils import translation

    with translation.override("en"):
        assert str(translation.gettext("职工之家")) != "职工之家"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # what the EN button sets
    response = client.get("/")
    assert response.status_code == 200
    assert b'lang="en"' in response.content
    assert "职工之家".encode() not in response.content.split(b"</title>")[0]


def test_default_language_is_simplified_chinese(settings):
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert [code for code, _ in settings.LANGUAGES] == ["zh-hans", "en"]


# --- STYLE rule 4: views and API handlers never touch a model manager ----------------------

MANAGER_ATTRS = {"objects", "_default_manager", "_base_manager"}
SHORTCUTS = {"get_object_or_404", "get_list_or_404"}


def _is_page_or_api(name: str) -> bool:
    """views.py, api.py and their siblings: console_views.py, api_roster.py, views/..."""
    return any(
        name == base or name.startswith(base + "_") or name.endswith("_" + base)
        for base in ("views", "api")
    )


def _page_and_api_modules() -> list[Path]:
    paths: list[Path] = []
    for path in SRC.rglob("*.py"):
        rel = path.relative_to(SRC).parts
        if "migrations" in rel:
            continue
        if _is_page_or_api(path.stem) or any(_is_page_or_api(part) for part in rel[:-1]):
            paths.append(path)
    return sorted(paths)


def _manager_uses(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    where = path.relative_to(SRC.parent) if path.is_relative_to(SRC.parent) else path
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in MANAGER_ATTRS:
            found.append(f"{where}:{node.lineno}: {ast.unparse(node)}")
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if name in SHORTCUTS:
                found.append(f"{where}:{node.lineno}: {name}() bypasses visible_to")
    return found


def test_views_and_api_do_not_use_model_managers():
    modules = _page_and_api_modules()
    assert modules, "no views.py / api.py found: the scan is looking in the wrong place"
    found = [use for path in modules for use in _manager_uses(path)]
    assert not found, (
        "views.py / api.py must read through selectors (<entity>_get_for_user, visible_to) "
        "and write through services:\n" + "\n".join(found)
    )


WRITE_METHODS = {"save", "delete", "bulk_create", "bulk_update"}


def _direct_writes(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in WRITE_METHODS
            and not ast.unparse(node.func.value).endswith("session")  # request.session.save()
        ):
            found.append(f"{path.relative_to(SRC.parent)}:{node.lineno}: {ast.unparse(node.func)}()")
    return found


def test_views_and_api_write_only_through_services():
    found = [use for path in _page_and_api_modules() for use in _direct_writes(path)]
    assert not found, "views.py / api.py must write through services (STYLE rule 2):\n" + "\n".join(found)


def test_manager_scan_catches_direct_queries(tmp_path):
    bad = tmp_path / "views.py"
    bad.write_text(
        "from x import Case, get_object_or_404\n\n"
        "def v(request):\n"
        "    Case.objects.get(pk=1)\n"
        "    Case._default_manager.all()\n"
        "    return get_object_or_404(Case, pk=1)\n"
    )
    assert len(_manager_uses(bad)) == 3


# --- production settings ------------------------------------------------------------------


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    # A clean production-like environment: no test database, no browser-harness switches.
    dropped = {"DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    base = {k: v for k, v in os.environ.items() if k not in dropped}
    return subprocess.run(
        [sys.executable, str(SRC.parent.parent / "manage.py"), *args],
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "x7Qe-production-like-secret-for-the-deploy-check-0123456789abcdef",
    "FIELD_ENCRYPTION_KEY": "Z29uZ2h1aS1kZXBsb3ktY2hlY2stbm90LWEtcmVhbCE=",
    "BLIND_INDEX_KEY": "blind-index-key-for-the-deploy-check-0123456789",
    "ALLOWED_HOSTS": "gonghui.example.cn",
    "CSRF_TRUSTED_ORIGINS": "https://gonghui.example.cn",
    "SMS_CONSOLE_ALLOWED": "1",
    "REDIS_URL": "redis://127.0.0.1:6379/9",  # not contacted by `check`
}


def test_production_settings_pass_the_deploy_check():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_the_development_secret():
    env = {**PRODUCTION_ENV, "SECRET_KEY": ""}
    result = _manage("check", **env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


# --- migrations ----------------------------------------------------------------------------


def test_migrations_are_linear_per_app():
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    leaves: dict[str, list[str]] = {}
    for app_label, name in loader.graph.leaf_nodes():
        leaves.setdefault(app_label, []).append(name)
    ours = {app: names for app, names in leaves.items() if app in _gonghui_app_labels()}
    assert ours, "no Gonghui migrations found"
    branched = {app: sorted(names) for app, names in ours.items() if len(names) > 1}
    assert not branched, f"migrations branch (merge or renumber): {branched}"


def _gonghui_app_labels() -> set[str]:
    from django.apps import apps

    return {c.label for c in apps.get_app_configs() if c.name.startswith("gonghui.")}


def test_compiled_libraries_run_single_threaded_in_a_worker():
    """The station search's k-d tree (OpenMP) must not start a thread pool per request:
    importing the project sets OMP_NUM_THREADS=1 unless the environment chose a value."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "OMP_NUM_THREADS"}
    code = "import gonghui, os; print(os.environ['OMP_NUM_THREADS'])"
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)  # noqa: S603
    assert result.stdout.strip() == "1"
    env["OMP_NUM_THREADS"] = "3"
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)  # noqa: S603
    assert result.stdout.strip() == "3"


def test_every_api_schema_class_name_is_unique_so_the_openapi_document_describes_each_body():
    """django-ninja names OpenAPI components by class name: two `NoteIn` classes in two apps
    leave one of them documented with the other's fields (partners then send the wrong body)."""
    from collections import defaultdict

    from ninja import Schema

    import gonghui.api  # noqa: F401 (imports every app's schemas through its router)

    def subclasses(cls: type) -> list[type]:
        return [s for sub in cls.__subclasses__() for s in (sub, *subclasses(sub))]

    modules: dict[str, set[str]] = defaultdict(set)
    for schema in subclasses(Schema):
        if schema.__module__.startswith("gonghui."):
            modules[schema.__name__].add(schema.__module__)
    clashes = {name: sorted(found) for name, found in modules.items() if len(found) > 1}
    assert not clashes, f"rename one of each (e.g. with the module's word as prefix): {clashes}"
