"""Mutation testing of the modules that guard access, personal data and deadlines (`make mutation`).

A mutant is the module with ONE deliberate bug: a comparison flipped, a constant changed, a
condition removed, `and`/`or` swapped, `|=`/`&=` swapped, a filter keyword dropped, a
normalising call dropped or a return value replaced by None. A mutant is *killed* when at
least one test fails against it; the score is killed / all. A survivor is either a gap in the
tests or an equivalent mutant (listed with its reason in docs/testing.md).

How it stays fast (2 shared cores): one pytest process per module (run under `nice`), the test
database is built once, and mutants are applied in-process by swapping the `__code__` of the
mutated function (module-level constants are recomputed and patched in place). A baseline run
records which tests execute which lines, so each mutant runs only the tests that reach its
line, the module's own test files first, and stops at the first failure.

    python scripts/mutation.py                       # every module below
    python scripts/mutation.py core/jurisdiction.py  # one module (several may be given)
    python scripts/mutation.py --list                # modules and their test files

Not part of `make test` / CI: it takes minutes, not seconds.
"""

from __future__ import annotations

import ast
import copy
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "gonghui"


@dataclass(frozen=True)
class Target:
    tests: tuple[str, ...]
    # Only mutate top-level functions / classes / constants whose name matches (None: all).
    only: str | None = None


# Module (relative to src/gonghui) → its tests, most specific first.
TARGETS: dict[str, Target] = {
    "core/jurisdiction.py": Target(
        tests=(
            "tests/core/test_jurisdiction.py",
            "tests/test_cross_branch_generic.py",
            "tests/console/test_cross_branch.py",
            "tests/cases/test_jurisdiction.py",
            "tests/stations/test_jurisdiction.py",
            "tests/members/test_staff_selectors.py",
        )
    ),
    "cases/routing.py": Target(
        tests=("tests/cases/test_routing.py", "tests/cases/test_deadlines.py", "tests/cases/test_lifecycle.py")
    ),
    # The default deadlines live beside the Case model.
    "cases/models.py": Target(
        tests=("tests/cases/test_routing.py", "tests/cases/test_deadlines.py"),
        only=r"^(DEFAULT_RESOLVE_WORKDAYS|DEFAULT_RESOLVE_WORKDAYS_OTHER|ACCEPT_WORKDAYS)$",
    ),
    "core/workdays.py": Target(
        tests=("tests/core/test_workdays.py", "tests/core/test_holidays.py", "tests/cases/test_deadlines.py")
    ),
    "members/services.py": Target(
        tests=(
            "tests/members/test_transfer_and_card_rules.py",
            "tests/security/test_card_qr.py",
            "tests/members/test_staff_services.py",
            "tests/members/test_staff_api.py",
            "tests/web/test_member_api.py",
            "tests/console/test_pages.py",
        ),
        only=r"transfer|card|CARD_",
    ),
    "accounts/services.py": Target(
        tests=("tests/accounts/test_sign_in_limits.py", "tests/accounts/test_sms_login.py",
               "tests/accounts/test_login_pages.py"),
        only=r"sms|code|_count|staff_authenticate|totp|worker_user|SMS_|STAFF_LOGIN|TOTP_",
    ),
    "core/pii.py": Target(
        tests=("tests/core/test_pii.py", "tests/security/test_logs_and_sms.py", "tests/members/test_admin.py",
               "tests/members/test_staff_services.py")
    ),
    "core/validators.py": Target(tests=("tests/core/test_validators.py", "tests/members/test_staff_services.py")),
    "stations/hours.py": Target(tests=("tests/stations/test_hours.py", "tests/stations/test_api.py")),
    # Statistics: the roll-up up the tree, the periods and the reading of facts.
    "stats/services.py": Target(tests=("tests/stats/test_rollups.py", "tests/stats/test_pages.py",
                                       "tests/roster/test_import_service.py")),
    "stats/selectors.py": Target(tests=("tests/stats/test_selectors.py", "tests/stats/test_rollups.py",
                                        "tests/stats/test_pages.py")),
    # The fund ledger: where money moves.
    "assistance/services.py": Target(
        tests=("tests/assistance/test_ledger_services.py", "tests/assistance/test_ledger_api_and_pages.py")
    ),
    # Medical mutual aid: what a claim pays and what a premium costs (pure functions, worked by
    # hand). The hypothesis properties are left out: a mutant that slows them trips the alarm
    # inside pytest's own reporting and ends the run.
    "mutualaid/engine.py": Target(
        tests=("tests/mutualaid/test_engine_rules.py", "tests/mutualaid/test_premiums.py",
               "tests/mutualaid/test_engine_table.py")
    ),
}

# Actions a role may perform; a mutated action string becomes a weaker one.
_ACTIONS = {"view", "change", "approve", "reveal_pii", "manage_grants", "import"}
_GETTEXT = {"_", "gettext", "gettext_lazy", "ngettext", "pgettext", "ngettext_lazy"}
_LOG_METHODS = {"debug", "info", "warning", "error", "exception", "critical"}
_FILTER_METHODS = {"filter", "exclude", "get"}
_NORMALISERS = {"strip", "rstrip", "lstrip", "upper", "lower", "casefold"}
_COMPARE_SWAP: dict[type, type] = {
    ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq, ast.NotEq: ast.Eq, ast.In: ast.NotIn, ast.NotIn: ast.In,
    ast.Is: ast.IsNot, ast.IsNot: ast.Is,
}
_BINOP_SWAP: dict[type, type] = {
    ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult,
    ast.FloorDiv: ast.Mult, ast.BitOr: ast.BitAnd, ast.BitAnd: ast.BitOr, ast.Mod: ast.FloorDiv,
}
_OP_TEXT = {
    ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!=",
    ast.In: "in", ast.NotIn: "not in", ast.Is: "is", ast.IsNot: "is not", ast.Add: "+",
    ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//", ast.BitOr: "|",
    ast.BitAnd: "&", ast.Mod: "%", ast.And: "and", ast.Or: "or",
}


# ------------------------------------------------------------------------------------------
# Generating mutants
# ------------------------------------------------------------------------------------------


@dataclass
class Mutant:
    path: tuple[tuple[str, int | None], ...]  # where the node sits in the module AST
    new: ast.AST
    line: int
    lines: tuple[int, int]  # the statement holding the mutation, for picking tests
    qualname: str | None  # the top-level function/method to patch; None: module level
    original: str
    mutated: str

    @property
    def label(self) -> str:
        return f"{self.line}: {self.original} → {self.mutated}"


def _short(node: ast.AST) -> str:
    text = ast.unparse(node).replace("\n", " ")
    return text if len(text) <= 70 else text[:67] + "..."


def _is_docstring(parent: ast.AST | None, node: ast.AST) -> bool:
    body = getattr(parent, "body", None)
    return bool(
        isinstance(parent, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
        and body
        and body[0] is node
        and isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    )


def _call_name(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


class _Collector:
    def __init__(self, only: str | None) -> None:
        self.only = re.compile(only) if only else None
        self.mutants: list[Mutant] = []

    def collect(self, tree: ast.Module) -> list[Mutant]:
        for index, stmt in enumerate(tree.body):
            name = _top_level_name(stmt)
            if self.only and not (name and self.only.search(name)):
                continue
            if isinstance(stmt, ast.Import | ast.ImportFrom) or _is_docstring(tree, stmt):
                continue
            if isinstance(stmt, ast.If) and "TYPE_CHECKING" in ast.unparse(stmt.test):
                continue
            if _is_typing_only(stmt):
                continue
            if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
                self._function(stmt, (("body", index),), stmt.name)
            elif isinstance(stmt, ast.ClassDef):
                for j, item in enumerate(stmt.body):
                    if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                        self._function(item, (("body", index), ("body", j)), f"{stmt.name}.{item.name}")
            else:
                self._visit(stmt, (("body", index),), None, stmt)
        return self.mutants

    def _function(self, fn: ast.FunctionDef | ast.AsyncFunctionDef, path: Any, qualname: str) -> None:
        # Decorators, defaults and annotations are evaluated once at import: not patchable.
        for i, stmt in enumerate(fn.body):
            if i == 0 and _is_docstring(fn, stmt):
                continue
            self._visit(stmt, (*path, ("body", i)), qualname, stmt)

    def _add(self, path: Any, new: ast.AST, node: ast.AST, stmt: ast.stmt, qualname: str | None,
             original: str | None = None, mutated: str | None = None) -> None:
        end = stmt.end_lineno or stmt.lineno
        if isinstance(stmt, ast.If | ast.While | ast.For | ast.With | ast.Try):
            header = getattr(stmt, "test", None) or getattr(stmt, "iter", None)
            end = (header.end_lineno if header is not None else stmt.lineno) or stmt.lineno
        self.mutants.append(
            Mutant(
                path=tuple(path), new=new, line=getattr(node, "lineno", stmt.lineno),
                lines=(stmt.lineno, end), qualname=qualname,
                original=original if original is not None else _short(node),
                mutated=mutated if mutated is not None else _short(new),
            )
        )

    def _visit(self, node: ast.AST, path: Any, qualname: str | None, stmt: ast.stmt, skip_str: bool = False) -> None:
        if isinstance(node, ast.stmt):
            stmt = node
        self._mutate(node, path, qualname, stmt, skip_str)
        for name, value in ast.iter_fields(node):
            if name in {"annotation", "returns", "decorator_list", "type_comment"}:
                continue
            if isinstance(node, ast.arguments):
                continue  # defaults
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda) and name == "args":
                continue
            child_skip = skip_str
            if isinstance(node, ast.Call):
                callee = _call_name(node)
                if callee in _GETTEXT or (callee in _LOG_METHODS and isinstance(node.func, ast.Attribute)):
                    child_skip = True
            if isinstance(node, ast.JoinedStr):
                child_skip = True
            if isinstance(value, list):
                for i, item in enumerate(value):
                    if isinstance(item, ast.AST):
                        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) and i == 0 and _is_docstring(node, item):
                            continue
                        skip = child_skip or (isinstance(item, ast.keyword) and item.arg in {"field", "verbose_name"})
                        self._visit(item, (*path, (name, i)), qualname, stmt, skip)
            elif isinstance(value, ast.AST):
                self._visit(value, (*path, (name, None)), qualname, stmt, child_skip)

    def _mutate(self, node: ast.AST, path: Any, qualname: str | None, stmt: ast.stmt, skip_str: bool) -> None:
        add = self._add
        if isinstance(node, ast.Compare):
            for i, op in enumerate(node.ops):
                swap = _COMPARE_SWAP.get(type(op))
                if swap is None:
                    continue
                new = copy.deepcopy(node)
                new.ops[i] = swap()
                add(path, new, node, stmt, qualname, _OP_TEXT[type(op)], _OP_TEXT[swap])
        elif isinstance(node, ast.Constant):
            value = node.value
            if isinstance(value, bool):
                add(path, ast.Constant(value=not value), node, stmt, qualname)
            elif isinstance(value, int | float):
                add(path, ast.Constant(value=value + 1), node, stmt, qualname)
            elif isinstance(value, str) and not skip_str:
                if value in _ACTIONS:
                    weaker = "view" if value != "view" else "change"
                    add(path, ast.Constant(value=weaker), node, stmt, qualname)
                else:
                    add(path, ast.Constant(value=f"XX{value}XX"), node, stmt, qualname)
        elif isinstance(node, ast.BoolOp):
            swap = ast.Or if isinstance(node.op, ast.And) else ast.And
            new = copy.deepcopy(node)
            new.op = swap()
            add(path, new, node, stmt, qualname, _OP_TEXT[type(node.op)], _OP_TEXT[swap])
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            add(path, copy.deepcopy(node.operand), node, stmt, qualname)
        elif isinstance(node, ast.AugAssign | ast.BinOp):
            swap = _BINOP_SWAP.get(type(node.op))
            if swap is not None:
                new = copy.deepcopy(node)
                new.op = swap()
                add(path, new, node, stmt, qualname, _OP_TEXT[type(node.op)] + ("=" if isinstance(node, ast.AugAssign) else ""),
                    _OP_TEXT[swap] + ("=" if isinstance(node, ast.AugAssign) else ""))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in _FILTER_METHODS:
                for i, kw in enumerate(node.keywords):
                    if kw.arg is None:
                        continue
                    new = copy.deepcopy(node)
                    del new.keywords[i]
                    add(path, new, node, stmt, qualname, f".{node.func.attr}({kw.arg}=…)", f"without {kw.arg}=")
                for i, arg in enumerate(node.args):
                    new = copy.deepcopy(node)
                    del new.args[i]
                    add(path, new, node, stmt, qualname, f".{node.func.attr}({_short(arg)})", "without it")
            if node.func.attr in _NORMALISERS or (node.func.attr == "replace" and len(node.args) == 2):
                add(path, copy.deepcopy(node.func.value), node, stmt, qualname, f".{node.func.attr}(…)", "dropped")
        if isinstance(node, ast.If):
            add((*path, ("test", None)), ast.Constant(value=False), node.test, stmt, qualname, f"if {_short(node.test)}", "if False")
            if node.orelse:
                add((*path, ("test", None)), ast.Constant(value=True), node.test, stmt, qualname, f"if {_short(node.test)}", "if True")
        elif isinstance(node, ast.IfExp):
            new_test = ast.UnaryOp(op=ast.Not(), operand=copy.deepcopy(node.test))
            add((*path, ("test", None)), new_test, node.test, stmt, qualname)
        elif isinstance(node, ast.comprehension):
            for i, cond in enumerate(node.ifs):
                add((*path, ("ifs", i)), ast.Constant(value=True), cond, stmt, qualname, f"if {_short(cond)}", "(condition dropped)")
        elif isinstance(node, ast.Return) and node.value is not None:
            if not (isinstance(node.value, ast.Constant) and node.value.value is None):
                new = ast.Return(value=ast.Constant(value=None))
                add(path, new, node, stmt, qualname, f"return {_short(node.value)}", "return None")


def _is_typing_only(stmt: ast.stmt) -> bool:
    """`M = TypeVar(...)`, `logger = logging.getLogger(...)`: nothing a test could observe."""
    value = getattr(stmt, "value", None)
    return isinstance(value, ast.Call) and _call_name(value) in {"TypeVar", "getLogger", "NewType"}


def _top_level_name(stmt: ast.stmt) -> str | None:
    if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return stmt.name
    if isinstance(stmt, ast.Assign) and isinstance(stmt.targets[0], ast.Name):
        return stmt.targets[0].id
    if isinstance(stmt, ast.AnnAssign | ast.AugAssign) and isinstance(stmt.target, ast.Name):
        return stmt.target.id
    if isinstance(stmt, ast.For) and isinstance(stmt.target, ast.Name | ast.Tuple):
        # A loop that fills a module-level table: named by what it fills.
        for sub in ast.walk(stmt):
            if isinstance(sub, ast.Subscript) and isinstance(sub.value, ast.Name):
                return sub.value.id
    return None


def _apply(tree: ast.Module, mutant: Mutant) -> ast.Module:
    tree = copy.deepcopy(tree)
    parent: Any = tree
    for name, index in mutant.path[:-1]:
        parent = getattr(parent, name) if index is None else getattr(parent, name)[index]
    name, index = mutant.path[-1]
    new = copy.deepcopy(mutant.new)
    if index is None:
        setattr(parent, name, new)
    else:
        getattr(parent, name)[index] = new
    return ast.fix_missing_locations(tree)


def collect_mutants(rel: str) -> tuple[ast.Module, list[Mutant]]:
    source = (SRC / rel).read_text()
    tree = ast.parse(source)
    return tree, _Collector(TARGETS[rel].only).collect(tree)


# ------------------------------------------------------------------------------------------
# Applying a mutant inside the running test process
# ------------------------------------------------------------------------------------------


def _functions_of(module: Any) -> list[Any]:
    found: list[Any] = []

    def add(obj: Any) -> None:
        seen = set()
        while obj is not None and id(obj) not in seen:
            seen.add(id(obj))
            if hasattr(obj, "__code__"):
                found.append(obj)
            obj = getattr(obj, "__wrapped__", None)

    for value in list(vars(module).values()):
        if isinstance(value, type) and value.__module__ == module.__name__:
            for attr in vars(value).values():
                if isinstance(attr, staticmethod | classmethod):
                    add(attr.__func__)
                elif isinstance(attr, property):
                    for f in (attr.fget, attr.fset):
                        add(f)
                else:
                    add(attr)
        elif callable(value):
            add(value)
    return found


def _code_by_qualname(code: Any, qualname: str) -> Any:
    for const in code.co_consts:
        if hasattr(const, "co_qualname"):
            if const.co_qualname == qualname:
                return const
            inner = _code_by_qualname(const, qualname)
            if inner is not None:
                return inner
    return None


def _module_level_statements(tree: ast.Module) -> list[ast.stmt]:
    keep = []
    for stmt in tree.body:
        if isinstance(stmt, ast.Import | ast.ImportFrom | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            continue
        if isinstance(stmt, ast.If) and "TYPE_CHECKING" in ast.unparse(stmt.test):
            continue
        if isinstance(stmt, ast.Expr) or _is_typing_only(stmt):
            continue
        keep.append(stmt)
    return keep


def _clear_caches(module: Any) -> None:
    """`lru_cache`d functions must not answer from what the previous mutant (or the
    original) computed."""
    for value in list(vars(module).values()):
        if callable(getattr(value, "cache_clear", None)):
            value.cache_clear()


class Patch:
    """Swap a mutant into the live module; `undo()` puts the original back."""

    def __init__(self, module: Any, path: str, tree: ast.Module, mutant: Mutant, only: str | None) -> None:
        self.undos: list[Any] = []
        mutated = _apply(tree, mutant)
        if mutant.qualname is not None:
            code = compile(mutated, path, "exec")
            new_code = _code_by_qualname(code, mutant.qualname)
            targets = [f for f in _functions_of(module)
                       if f.__code__.co_filename == path and f.__code__.co_qualname == mutant.qualname]
            if new_code is None or not targets:
                raise LookupError(f"cannot patch {mutant.qualname}")
            for func in targets:
                self.undos.append((func, "__code__", func.__code__))
                func.__code__ = new_code
        else:
            pattern = re.compile(only) if only else None
            stmts = [s for s in _module_level_statements(mutated)
                     if pattern is None or pattern.search(_top_level_name(s) or "")]
            namespace = {k: (copy.copy(v) if isinstance(v, dict | list | set) else v) for k, v in vars(module).items()}
            exec(compile(ast.fix_missing_locations(ast.Module(body=stmts, type_ignores=[])), path, "exec"), namespace)  # noqa: S102
            for name, new_value in namespace.items():
                old = getattr(module, name, None)
                if name.startswith("__") or old is new_value:
                    continue
                try:
                    same = bool(old == new_value)
                except Exception:  # noqa: BLE001 - incomparable objects count as changed
                    same = False
                if same:
                    continue
                if isinstance(old, dict | list | set) and type(old) is type(new_value):
                    self.undos.append(("inplace", old, copy.copy(old)))
                    old.clear()
                    old.update(new_value) if not isinstance(old, list) else old.extend(new_value)
                    continue
                # Modules that did `from x import NAME` hold their own reference: patch those too.
                for other in list(sys.modules.values()):
                    if getattr(other, "__name__", "").startswith("gonghui") and getattr(other, name, None) is old:
                        self.undos.append((other, name, old))
                        setattr(other, name, new_value)
        _clear_caches(module)
        self.module = module

    def undo(self) -> None:
        for entry in reversed(self.undos):
            if entry[0] == "inplace":
                _, obj, saved = entry
                obj.clear()
                obj.update(saved) if not isinstance(obj, list) else obj.extend(saved)
            else:
                obj, name, value = entry
                setattr(obj, name, value)
        _clear_caches(self.module)


# ------------------------------------------------------------------------------------------
# pytest plugin: runs inside the test process (`-p mutation`)
# ------------------------------------------------------------------------------------------


class _Timeout(Exception):
    pass


def _alarm(signum: int, frame: Any) -> None:
    raise _Timeout("mutant ran too long (probably an endless loop)")


def pytest_runtestloop(session: Any) -> bool | None:
    rel = os.environ.get("MUTATION_MODULE")
    if not rel or session.config.option.collectonly:
        return None
    import importlib

    from _pytest.runner import runtestprotocol

    path = str(SRC / rel)
    module = importlib.import_module("gonghui." + rel[:-3].replace("/", "."))
    tree, mutants = collect_mutants(rel)
    items = list(session.items)
    out: dict[str, Any] = {"module": rel, "tests": len(items), "mutants": [], "baseline_failures": []}

    # Baseline: which lines of the module each test runs, and how long it takes.
    covered: dict[str, set[int]] = {}
    durations: dict[str, float] = {}

    class _SessionOnly:
        """A stand-in "next test" that keeps only session fixtures (the test database)."""

        def listchain(self) -> list[Any]:
            return [session]

    keep_session: Any = _SessionOnly()

    def run(item: Any, nextitem: Any) -> bool:
        reports = runtestprotocol(item, nextitem=nextitem, log=False)
        return all(not r.failed for r in reports)

    for i, item in enumerate(items):
        lines: set[int] = set()

        def local(frame: Any, event: str, arg: Any, lines: set[int] = lines) -> Any:
            if event == "line":
                lines.add(frame.f_lineno)
            return local

        def tracer(frame: Any, event: str, arg: Any, lines: set[int] = lines, local: Any = local) -> Any:
            if frame.f_code.co_filename == path:
                lines.add(frame.f_lineno)
                return local
            return None

        _clear_caches(module)  # so every test that needs a cached function is seen running it
        start = time.monotonic()
        sys.settrace(tracer)
        try:
            ok = run(item, items[i + 1] if i + 1 < len(items) else keep_session)
        finally:
            sys.settrace(None)
        durations[item.nodeid] = time.monotonic() - start
        if ok:
            covered[item.nodeid] = lines
        else:
            out["baseline_failures"].append(item.nodeid)
    healthy = [item for item in items if item.nodeid in covered]
    out["baseline_seconds"] = round(sum(durations.values()))

    plans: list[list[Any]] = []
    for mutant in mutants:
        if mutant.qualname is None:
            plans.append(list(healthy))
        else:
            low, high = mutant.lines
            plans.append([it for it in healthy if any(low <= n <= high for n in covered[it.nodeid])])

    killers: list[str] = []  # tests that killed earlier mutants run first
    signal.signal(signal.SIGALRM, _alarm)
    for mutant, plan in zip(mutants, plans, strict=True):
        result: dict[str, Any] = {"line": mutant.line, "original": mutant.original, "mutated": mutant.mutated,
                                  "function": mutant.qualname or "(module)", "status": "survived", "by": None}
        rank = {nodeid: n for n, nodeid in enumerate(killers)}
        plan = sorted(plan, key=lambda it: rank.get(it.nodeid, len(rank)))
        if not plan:
            result["status"] = "no test reaches it"
        else:
            try:
                patch = Patch(module, path, tree, mutant, TARGETS[rel].only)
            except LookupError as exc:
                result["status"] = f"not applied: {exc}"
                patch = None
            except Exception as exc:  # noqa: BLE001 - the mutated module cannot even load
                result["status"] = "killed"
                result["by"] = f"import: {type(exc).__name__}"
                patch = None
            if patch is not None:
                try:
                    for j, item in enumerate(plan):
                        nxt = plan[j + 1] if j + 1 < len(plan) else keep_session
                        signal.alarm(max(10, int(durations[item.nodeid] * 10) + 1))
                        try:
                            ok = run(item, nxt)
                        except _Timeout:
                            ok = False
                        finally:
                            signal.alarm(0)
                        if not ok:
                            result["status"] = "killed"
                            result["by"] = item.nodeid
                            if item.nodeid in killers:
                                killers.remove(item.nodeid)
                            killers.insert(0, item.nodeid)
                            session._setupstate.teardown_exact(keep_session)
                            break
                finally:
                    patch.undo()
        out["mutants"].append(result)
        sys.stderr.write("." if result["status"] == "killed" else "S")
        sys.stderr.flush()
    session._setupstate.teardown_exact(None)
    sys.stderr.write("\n")
    Path(os.environ["MUTATION_OUT"]).write_text(json.dumps(out, ensure_ascii=False, indent=1))
    return True


# ------------------------------------------------------------------------------------------
# Driver
# ------------------------------------------------------------------------------------------


def _run_module(rel: str) -> dict[str, Any]:
    target = TARGETS[rel]
    tests = [t for t in target.tests if (ROOT / t).exists()]
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        out_path = handle.name
    env = dict(os.environ, MUTATION_MODULE=rel, MUTATION_OUT=out_path, TASK_RUNNER_FALLBACK="sync",
               PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT / "scripts"), os.environ.get("PYTHONPATH")])))
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    command = ["nice", "-n", "15", sys.executable, "-m", "pytest", "-p", "mutation", "-m", "not browser",
               "-q", "-p", "no:randomly", *tests]
    started = time.monotonic()
    subprocess.run(command, cwd=ROOT, env=env, check=False)  # noqa: S603
    data = json.loads(Path(out_path).read_text() or "{}") if Path(out_path).stat().st_size else {}
    os.unlink(out_path)
    data["seconds"] = round(time.monotonic() - started)
    return data


def main(argv: list[str]) -> int:
    if "--list" in argv:
        for rel, target in TARGETS.items():
            print(f"{rel}: {len(collect_mutants(rel)[1])} mutants; tests: {' '.join(target.tests)}")
        return 0
    json_out = None
    if "--json" in argv:
        json_out = argv[argv.index("--json") + 1]
        argv = [a for a in argv if a not in {"--json", json_out}]
    modules = argv or list(TARGETS)
    unknown = [m for m in modules if m not in TARGETS]
    if unknown:
        print(f"unknown module(s): {', '.join(unknown)}; known: {', '.join(TARGETS)}")
        return 2
    results = []
    for rel in modules:
        print(f"== {rel}", flush=True)
        data = _run_module(rel)
        if "baseline_seconds" in data:
            print(f"   baseline {data['baseline_seconds']}s, total {data['seconds']}s")
        if "mutants" not in data:
            print(f"   {rel}: the test run failed before mutating (see the pytest output above)")
            results.append({"module": rel, "error": True})
            continue
        results.append(data)
        for failure in data["baseline_failures"]:
            print(f"   baseline failure (test left out): {failure}")
    print()
    print(f"{'module':28} {'mutants':>7} {'killed':>6} {'score':>6}  time")
    worst = 100.0
    for data in results:
        if data.get("error"):
            print(f"{data['module']:28} {'error':>7}")
            worst = 0.0
            continue
        total = len(data["mutants"])
        killed = sum(1 for m in data["mutants"] if m["status"] == "killed")
        score = 100.0 * killed / total if total else 100.0
        worst = min(worst, score)
        print(f"{data['module']:28} {total:7} {killed:6} {score:5.1f}%  {data['seconds']}s")
    for data in results:
        for m in data.get("mutants", []):
            if m["status"] != "killed":
                print(f"SURVIVED src/gonghui/{data['module']}:{m['line']} [{m['function']}] "
                      f"{m['original']} → {m['mutated']}" + ("" if m["status"] == "survived" else f"  ({m['status']})"))
    if json_out:
        Path(json_out).write_text(json.dumps(results, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
