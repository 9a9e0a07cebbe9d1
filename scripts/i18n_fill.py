"""Fill the English catalogue (django.po) from scripts/i18n_en.json, the translation memory.

`make messages` runs: makemessages -l en -> this script -> compilemessages -> catalogue tests.

The JSON maps each Chinese msgid to its English text (a list ``[singular, plural]`` for
plural entries; the key is ``"context\\u0004msgid"`` for entries with a msgctxt). The JSON is
the source of truth: an entry found there is (re)written in the .po and loses any ``fuzzy``
flag. An entry missing from the JSON keeps a hand-made translation if it has one; a fuzzy
guess from msgmerge is cleared, so the catalogue test reports it instead of shipping it.

    python scripts/i18n_fill.py            # fill, report what is still untranslated
    python scripts/i18n_fill.py --todo     # also write scripts/i18n_todo.json: the missing
                                           # msgids with "" values; translate, merge into
                                           # i18n_en.json (--merge-todo does it), re-run
    python scripts/i18n_fill.py --harvest  # copy hand-made .po translations into the JSON
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PO_PATH = ROOT / "src" / "gonghui" / "locale" / "en" / "LC_MESSAGES" / "django.po"
JSON_PATH = ROOT / "scripts" / "i18n_en.json"
TODO_PATH = ROOT / "scripts" / "i18n_todo.json"

HEADER = {
    "Project-Id-Version": "Gonghui",
    "Language": "en",
    "Language-Team": "English",
    "Last-Translator": "Gonghui contributors",
    "Content-Type": "text/plain; charset=UTF-8",
    "Plural-Forms": "nplurals=2; plural=(n != 1);",
}

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b"}


def po_unquote(text: str) -> str:
    text = text.strip()
    if len(text) < 2 or text[0] != '"' or text[-1] != '"':
        raise ValueError(f"not a quoted .po string: {text!r}")
    body, out, i = text[1:-1], [], 0
    while i < len(body):
        if body[i] == "\\" and i + 1 < len(body):
            out.append(_ESCAPES.get(body[i + 1], "\\" + body[i + 1]))
            i += 2
        else:
            out.append(body[i])
            i += 1
    return "".join(out)


def po_quote(text: str) -> str:
    escaped = (
        text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t").replace("\r", "\\r")
    )
    lines = escaped.split("\n")
    if len(lines) == 1:
        return f'"{escaped}"'
    parts = [line + "\\n" for line in lines[:-1]] + ([lines[-1]] if lines[-1] else [])
    return '""\n' + "\n".join(f'"{part}"' for part in parts)


@dataclass
class PoEntry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)  # "#.", "#:", "# " lines, verbatim
    previous: list[str] = field(default_factory=list)  # "#|" lines (msgmerge's old msgid)
    obsolete: list[str] = field(default_factory=list)  # "#~" lines, verbatim
    line: int = 0

    @property
    def key(self) -> str:
        return f"{self.msgctxt}\x04{self.msgid}" if self.msgctxt is not None else self.msgid

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and all(text.strip() for text in self.msgstr.values())


def po_parse(text: str) -> list[PoEntry]:
    """Parse the .po files GNU gettext writes (the header is the entry with msgid "")."""
    entries: list[PoEntry] = []
    entry = PoEntry()
    target: tuple[str, int] | None = None
    has_msgid = False

    def flush() -> None:
        nonlocal entry, target, has_msgid
        if has_msgid or entry.obsolete:
            entries.append(entry)
        entry, target, has_msgid = PoEntry(), None, False

    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            flush()
        elif line.startswith("#~"):
            entry.obsolete.append(raw)
        elif line.startswith("#,"):
            entry.flags.extend(f.strip() for f in line[2:].split(",") if f.strip())
        elif line.startswith("#|"):
            entry.previous.append(raw)
        elif line.startswith("#"):
            entry.comments.append(raw)
        elif line.startswith('"'):
            if target is None:
                raise ValueError(f"line {lineno}: text outside an entry")
            _assign(entry, target, po_unquote(line), append=True)
        else:
            keyword, _, rest = line.partition(" ")
            if keyword in {"msgctxt", "msgid"} and entry.msgstr:
                flush()
            if keyword.startswith("msgstr[") and keyword.endswith("]"):
                target = ("msgstr", int(keyword[7:-1]))
            elif keyword in {"msgctxt", "msgid", "msgid_plural", "msgstr"}:
                target = (keyword, 0)
            else:
                raise ValueError(f"line {lineno}: unexpected {raw!r}")
            if keyword == "msgid":
                entry.line, has_msgid = lineno, True
            _assign(entry, target, po_unquote(rest), append=False)
    flush()
    return entries


def _assign(entry: PoEntry, target: tuple[str, int], value: str, *, append: bool) -> None:
    name, index = target
    if name == "msgstr":
        entry.msgstr[index] = (entry.msgstr.get(index, "") if append else "") + value
    elif name == "msgid":
        entry.msgid = (entry.msgid if append else "") + value
    elif name == "msgid_plural":
        entry.msgid_plural = ((entry.msgid_plural or "") if append else "") + value
    else:
        entry.msgctxt = ((entry.msgctxt or "") if append else "") + value


def po_render(entries: list[PoEntry]) -> str:
    blocks = []
    for e in entries:
        if not e.msgid and not e.msgstr and e.obsolete:
            blocks.append("\n".join(e.obsolete))
            continue
        lines = list(e.comments)
        if e.flags:
            lines.append("#, " + ", ".join(e.flags))
        lines.extend(e.previous)
        if e.msgctxt is not None:
            lines.append("msgctxt " + po_quote(e.msgctxt))
        lines.append("msgid " + po_quote(e.msgid))
        if e.msgid_plural is not None:
            lines.append("msgid_plural " + po_quote(e.msgid_plural))
            for index in sorted(e.msgstr) or [0, 1]:
                lines.append(f"msgstr[{index}] " + po_quote(e.msgstr.get(index, "")))
        else:
            lines.append("msgstr " + po_quote(e.msgstr.get(0, "")))
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def _fix_header(entry: PoEntry) -> None:
    fields: dict[str, str] = {}
    for line in entry.msgstr.get(0, "").splitlines():
        name, sep, value = line.partition(":")
        if sep:
            fields[name.strip()] = value.strip()
    fields.update(HEADER)
    fields.pop("Report-Msgid-Bugs-To", None)
    entry.msgstr[0] = "".join(f"{name}: {value}\n" for name, value in fields.items())
    entry.flags = [f for f in entry.flags if f != "fuzzy"]
    entry.comments = ["# English catalogue for Gonghui. Filled by scripts/i18n_fill.py "
                      "from scripts/i18n_en.json; edit the JSON, then run `make messages`."]


def fill(entries: list[PoEntry], memory: dict[str, str | list[str]]) -> list[PoEntry]:
    """Write translations from `memory` into `entries`; return the entries still missing."""
    missing = []
    for e in entries:
        if not e.msgid:
            _fix_header(e)
            continue
        found = memory.get(e.key)
        if found is not None and (found if isinstance(found, str) else all(found)):
            if e.msgid_plural is None:
                e.msgstr = {0: found if isinstance(found, str) else found[0]}
            else:
                forms = [found, found] if isinstance(found, str) else list(found)
                e.msgstr = {0: forms[0], 1: forms[-1]}
            e.flags = [f for f in e.flags if f != "fuzzy"]
            e.previous = []
        elif e.fuzzy:
            # msgmerge guessed from a similar string: never ship a guess.
            e.msgstr = dict.fromkeys(e.msgstr or {0: ""}, "")
            e.flags = [f for f in e.flags if f != "fuzzy"]
            e.previous = []
        if not e.translated:
            missing.append(e)
    return missing


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--po", type=Path, default=PO_PATH)
    parser.add_argument("--json", type=Path, default=JSON_PATH)
    parser.add_argument("--todo", action="store_true", help=f"write missing msgids to {TODO_PATH.name}")
    parser.add_argument("--merge-todo", action="store_true", help=f"merge filled {TODO_PATH.name} into the JSON first")
    parser.add_argument("--harvest", action="store_true", help="copy hand-made .po translations into the JSON")
    args = parser.parse_args(argv)

    memory: dict[str, str | list[str]] = json.loads(args.json.read_text("utf-8")) if args.json.exists() else {}
    if args.merge_todo and TODO_PATH.exists():
        todo = json.loads(TODO_PATH.read_text("utf-8"))
        done = {k: v for k, v in todo.items() if v and (isinstance(v, str) or all(v))}
        memory.update(done)
        print(f"merged {len(done)} translations from {TODO_PATH.name}")
    entries = po_parse(args.po.read_text("utf-8"))
    if args.harvest:
        for e in entries:
            if e.msgid and e.translated and not e.fuzzy and e.key not in memory:
                memory[e.key] = e.msgstr[0] if e.msgid_plural is None else [e.msgstr[0], e.msgstr.get(1, "")]
    missing = fill(entries, memory)
    args.po.write_text(po_render(entries), "utf-8")
    args.json.write_text(
        json.dumps(dict(sorted(memory.items())), ensure_ascii=False, indent=1) + "\n", "utf-8"
    )
    total = sum(1 for e in entries if e.msgid)
    print(f"{args.po.relative_to(ROOT) if args.po.is_relative_to(ROOT) else args.po}: "
          f"{total - len(missing)}/{total} translated")
    if missing:
        print(f"{len(missing)} msgids have no English yet (add them to {args.json.name}):", file=sys.stderr)
        for e in missing[:40]:
            print(f"  {e.key!r}", file=sys.stderr)
        if args.todo:
            todo = {e.key: ("" if e.msgid_plural is None else ["", ""]) for e in missing}
            TODO_PATH.write_text(json.dumps(todo, ensure_ascii=False, indent=1) + "\n", "utf-8")
            print(f"wrote {TODO_PATH.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
