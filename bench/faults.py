"""Fault bench (issue 17's proof): the production stack under mixed load while things break.

    python -m bench faults                         # database gonghui_faults on postgres://postgres@127.0.0.1:5432
    BENCH_DATABASE_URL=postgres://user@host:5432/mine python -m bench faults --port-base 18100   # mine_faults
    python -m bench faults --scaling-only          # only the intake-scaling line (~30 s)

Everything it needs is started and stopped here: a throw-away PostgreSQL database (`<name>_faults`
next to the one BENCH_DATABASE_URL names, dropped at the end), its own redis-server (cache,
rate limits, Celery broker), a small TCP proxy in this process between the servers and
PostgreSQL (pausing it freezes the database as a hung primary or a network partition
would), gunicorn as the README runs it (DEBUG=0, `-w 2 --threads 4`) and a Celery worker.

1. Intake scaling: 50 clients on `/healthz`, then 50 clients creating cases through the
   partner API; prints intake throughput as a ratio of `/healthz` throughput (target ≥ 0.2×)
   and the nearby search's p50 alone.
2. Faults, under mixed load from 50 clients (nearby search, case intake with an
   `Idempotency-Key` retried until acknowledged as a partner would, staff case list):
   kill a gunicorn worker; stop Redis for 15 s; freeze the database for 10 s; SIGKILL the
   Celery worker (the whole process group) while it commits a 20,000-row roster import,
   and start it again 2 s later as systemd would. The reaper runs every 5 s with a 40 s
   lease (beat runs it every 5 minutes with a 10-minute lease in production).

Per fault it prints the answers by kind, how long after the fault ended errors went on and
when `/healthz` was 200 again; then the data check: every acknowledged case in the database
once, no key with two cases, no import job stuck, the import complete with the member numbers
it reserved (none burnt) and its upload purged. Exit status 1 when a check fails. A few
minutes; not part of `make test`.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import http.client
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
HOST = "bench.gonghui.example"
CLIENTS = 50
REQUEST_TIMEOUT = 10.0  # what a phone app waits before it gives up
NEARBY = "/api/v1/stations/nearby?lat=22.541&lon=113.94&limit=10"
INTAKE_MARK = "故障基准"


# --- a TCP proxy that can freeze ------------------------------------------------------------


class FreezableProxy:
    """Forwards 127.0.0.1:<port> to PostgreSQL. `freeze()` stops moving bytes either way (the
    connections stay open, as with a hung server); `thaw()` lets them through again.

    The forwarding runs in a process of its own, as a network hop would: in the bench's own
    process its threads would queue for the interpreter lock behind the 50 client threads,
    and every database round trip would pay for that (the intake, ~20 round trips, far more
    than `/healthz`)."""

    def __init__(self, target: tuple[str, int], port: int = 0) -> None:
        import multiprocessing

        ctx = multiprocessing.get_context("spawn")
        self.target = target
        self.flowing = ctx.Event()
        self.flowing.set()
        ours, theirs = ctx.Pipe()
        self.process = ctx.Process(target=_proxy_serve, args=(target, port, self.flowing, theirs, os.getpid()),
                                   daemon=True, name="freezable-proxy")
        self.process.start()
        if not ours.poll(30):
            self.process.kill()
            raise RuntimeError("the database proxy did not start")
        self.port = int(ours.recv())
        self.closed = False

    def freeze(self) -> None:
        self.flowing.clear()

    def thaw(self) -> None:
        self.flowing.set()

    def close(self) -> None:
        self.closed = True
        self.flowing.set()
        self.process.terminate()
        self.process.join(5)


def _proxy_serve(target: tuple[str, int], port: int, flowing: Any, report: Any, parent: int) -> None:
    """The proxy process: accept, and pump each connection both ways while `flowing` is set."""
    listener = socket.create_server(("127.0.0.1", port))
    report.send(listener.getsockname()[1])

    def orphaned() -> None:  # the bench was killed: do not outlive it
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(0)

    threading.Thread(target=orphaned, daemon=True).start()
    while True:
        client, _addr = listener.accept()
        try:
            upstream = socket.create_connection(target, timeout=10)
            upstream.settimeout(None)
        except OSError:
            client.close()
            continue
        for s in (client, upstream):  # as libpq does: no Nagle delay on small messages
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        for src, dst in ((client, upstream), (upstream, client)):
            threading.Thread(target=_pump, args=(src, dst, flowing), daemon=True).start()


def _pump(src: socket.socket, dst: socket.socket, flowing: Any) -> None:
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            flowing.wait()
            dst.sendall(data)
    except OSError:
        pass
    finally:
        # One side gone (a killed worker's connection): close the other, so PostgreSQL
        # sees the client leave and rolls its transaction back.
        for s in (src, dst):
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            with contextlib.suppress(OSError):
                s.close()


# --- processes ----------------------------------------------------------------------------------


def _free_port(wanted: int = 0) -> int:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the servers bind: TIME_WAIT is fine
        s.bind(("127.0.0.1", wanted))
        return int(s.getsockname()[1])


def _wait(check: Callable[[], bool], what: str, limit: float = 60.0) -> None:
    deadline = time.monotonic() + limit
    while not check():
        if time.monotonic() > deadline:
            raise RuntimeError(f"gave up waiting for {what}")
        time.sleep(0.1)


def _redis_answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


class Redis:
    def __init__(self, port: int, workdir: Path) -> None:
        self.port, self.workdir = port, workdir
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not on PATH (apt-get install redis-server)")
        self.proc = subprocess.Popen(  # noqa: S603 - a fixed local binary
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.workdir)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        _wait(lambda: _redis_answers(self.port), "redis-server to answer", 20)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def _stop(proc: subprocess.Popen[Any] | None, *, group: bool = False) -> None:
    if proc is None or proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        if group:
            os.killpg(proc.pid, signal.SIGTERM)
        else:
            proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            if group:
                os.killpg(proc.pid, signal.SIGKILL)
            else:
                proc.kill()
        proc.wait()


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            # "pid (comm) state ppid …": comm may hold spaces, so split after the last ")".
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
    return sorted(found)


class Stack:
    """gunicorn and the Celery worker with the production settings, against the proxy."""

    def __init__(self, env: dict[str, str], workdir: Path, web_port: int) -> None:
        self.env, self.workdir, self.web_port = env, workdir, web_port
        self.web: subprocess.Popen[bytes] | None = None
        self.worker: subprocess.Popen[bytes] | None = None
        self.worker_starts = 0

    def start_web(self) -> None:
        log = open(self.workdir / "gunicorn.log", "ab")  # noqa: SIM115 - the process keeps it
        self.web = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", "gunicorn", "gonghui.wsgi", "-w", "2", "--threads", "4", "--timeout", "30",
             "-b", f"127.0.0.1:{self.web_port}"],
            env=self.env, cwd=ROOT, stdout=log, stderr=log,
        )
        _wait(lambda: _status("GET", self.web_port, "/livez") == 200, "gunicorn to answer", 60)

    def start_worker(self) -> None:
        self.worker_starts += 1
        log = open(self.workdir / f"celery-{self.worker_starts}.log", "ab")  # noqa: SIM115
        # A session of its own: killing the group takes the pool's children too, as the OOM
        # killer or `systemctl kill` would.
        self.worker = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "celery", "-A", "gonghui", "worker", "-l", "info", "-c", "2",
             "--without-gossip", "--without-mingle", "--without-heartbeat"],
            env=self.env, cwd=ROOT, stdout=log, stderr=log, start_new_session=True,
        )
        path = self.workdir / f"celery-{self.worker_starts}.log"
        _wait(lambda: "ready" in path.read_text("utf-8", errors="replace"), "the Celery worker to start", 60)

    def kill_web_worker(self) -> int:
        assert self.web is not None
        workers = _children(self.web.pid)
        if not workers:
            raise RuntimeError("gunicorn has no workers to kill")
        os.kill(workers[0], signal.SIGKILL)
        return workers[0]

    def kill_worker(self) -> None:
        assert self.worker is not None
        os.killpg(self.worker.pid, signal.SIGKILL)
        self.worker.wait()

    def stop(self) -> None:
        _stop(self.worker, group=True)
        _stop(self.web)


# --- HTTP clients -------------------------------------------------------------------------------


def _http(method: str, port: int, path: str, *, body: bytes | None = None, headers: dict[str, str] | None = None,
          timeout: float = REQUEST_TIMEOUT) -> tuple[int, bytes]:
    """One request on a connection of its own (no keep-alive: an idle connection the server
    closed would show up as a spurious reset). Raises what the socket raises."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers={"Host": HOST, "X-Forwarded-Proto": "https", **(headers or {})})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def _status(method: str, port: int, path: str, timeout: float = 5.0) -> int:
    try:
        return _http(method, port, path, timeout=timeout)[0]
    except (OSError, http.client.HTTPException):
        return 0


def _kind(status: int | None, exc: BaseException | None) -> str:
    if exc is not None:
        if isinstance(exc, TimeoutError | socket.timeout):
            return "timeout"
        if isinstance(exc, ConnectionRefusedError):
            return "refused"
        if isinstance(exc, ConnectionResetError | BrokenPipeError | http.client.RemoteDisconnected):
            return "connection reset"
        return f"error {type(exc).__name__}"
    assert status is not None
    return "ok" if 200 <= status < 300 else f"http {status}"


@dataclass
class Sample:
    at: float
    op: str
    kind: str
    seconds: float


@dataclass
class Intake:
    key: str
    phone: str
    first_at: float
    acknowledged: str = ""  # the case number, once a 201 came back
    attempts: int = 0
    gave_up: str = ""


@dataclass
class Load:
    port: int
    tokens: dict[str, str]
    stop: threading.Event = field(default_factory=threading.Event)
    samples: list[Sample] = field(default_factory=list)
    intakes: list[Intake] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, sample: Sample) -> None:
        with self.lock:
            self.samples.append(sample)

    def request(self, op: str, method: str, path: str, body: Any = None,
                headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        started = time.monotonic()
        data = json.dumps(body, ensure_ascii=False).encode() if body is not None else None
        hdrs = {"Content-Type": "application/json", **(headers or {})} if data else dict(headers or {})
        try:
            status, payload = _http(method, self.port, path, body=data, headers=hdrs)
        except (OSError, http.client.HTTPException) as exc:
            self.record(Sample(started, op, _kind(None, exc), time.monotonic() - started))
            return 0, b""
        self.record(Sample(started, op, _kind(status, None), time.monotonic() - started))
        return status, payload

    def intake_once(self, item: Intake) -> None:
        item.attempts += 1
        payload = {
            "category": "wage_arrears", "description": f"{INTAKE_MARK} 单位拖欠工资两个月。key={item.key}",
            "reporter_name": "基准来电人", "reporter_phone": item.phone, "employer_name": "基准单位",
            "region_code": "440305", "amount_fen": 600000, "people_count": 3,
        }
        status, body = self.request("intake", "POST", "/api/v1/cases/", payload, {
            "Authorization": f"Bearer {self.tokens['partner']}", "Idempotency-Key": item.key,
        })
        if status == 201:
            item.acknowledged = json.loads(body)["number"]
        elif 400 <= status < 500 and status not in (408, 409, 429):
            item.gave_up = f"http {status}"  # refused for good: not acknowledged, never retried

    def client(self, mix: str) -> None:
        pending: list[Intake] = []
        rng = random.Random()  # noqa: S311 - load mix, not security
        while not self.stop.is_set():
            if pending:  # a partner retries with the same key until it has an answer
                item = pending[0]
                self.intake_once(item)
                if item.acknowledged or item.gave_up:
                    pending.pop(0)
                else:
                    time.sleep(1)
                continue
            roll = rng.random()
            if mix == "healthz":
                self.request("healthz", "GET", "/healthz")
            elif mix == "nearby" or (mix == "mixed" and roll < 0.6):
                self.request("nearby", "GET", NEARBY)
            elif mix == "intake" or roll < 0.85:
                item = Intake(key=str(uuid.uuid4()), phone=f"139{rng.randrange(10**8):08d}", first_at=time.monotonic())
                with self.lock:
                    self.intakes.append(item)
                self.intake_once(item)
                if not (item.acknowledged or item.gave_up):
                    pending.append(item)
            else:
                self.request("case list", "GET", "/api/v1/cases/?queue=new&limit=20",
                             headers={"Authorization": f"Bearer {self.tokens['staff']}"})
        # Stopping: finish what is pending, as a partner's retry queue would (bounded).
        deadline = time.monotonic() + 40
        while pending and time.monotonic() < deadline:
            item = pending[0]
            self.intake_once(item)
            if item.acknowledged or item.gave_up:
                pending.pop(0)
            else:
                time.sleep(1)

    @contextlib.contextmanager
    def running(self, mix: str, clients: int = CLIENTS) -> Iterator[None]:
        threads = [threading.Thread(target=self.client, args=(mix,), daemon=True) for _ in range(clients)]
        for t in threads:
            t.start()
        try:
            yield
        finally:
            self.stop.set()
            for t in threads:
                t.join(60)
            self.stop.clear()


class HealthProbe:
    """Polls /healthz twice a second: when the service said it was healthy again."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.samples: list[tuple[float, int]] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stop.is_set():
            self.samples.append((time.monotonic(), _status("GET", self.port, "/healthz")))
            time.sleep(0.5)

    def healthy_after(self, moment: float) -> float | None:
        for at, status in self.samples:
            if at >= moment and status == 200:
                return at
        return None


# --- setup --------------------------------------------------------------------------------------


def _database(base_url: str) -> tuple[str, Callable[[], None]]:
    """A fresh database next to the one `base_url` names; returns its URL and a dropper."""
    import psycopg

    parts = urlsplit(base_url)
    name = f"{parts.path.lstrip('/') or 'gonghui'}_faults"
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return parts._replace(path=f"/{name}").geturl(), drop


def _production_env(workdir: Path) -> dict[str, str]:
    dropped = {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "DJANGO_SETTINGS_MODULE", "TASK_RUNNER_FALLBACK"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update({
        "DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(50),
        "FIELD_ENCRYPTION_KEY": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        "BLIND_INDEX_KEY": secrets.token_urlsafe(32),
        "ALLOWED_HOSTS": f"{HOST},127.0.0.1", "CSRF_TRUSTED_ORIGINS": f"https://{HOST}",
        "SMS_BACKEND": "bench.cases.NullSms", "MEDIA_ROOT": str(workdir / "media"),
        "STATIC_ROOT": str(workdir / "static"),
        # Validation beats every 15 s: the lease must be longer than that.
        "ROSTER_JOB_LEASE_SECONDS": "40",
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
        "DJANGO_SETTINGS_MODULE": "gonghui.settings",
    })
    return env


def _seed(rows: int, workdir: Path) -> dict[str, Any]:
    from gonghui.accounts.auth import api_token_create
    from gonghui.accounts.models import RoleGrant, User
    from gonghui.core.testdata import uscc_make
    from gonghui.orgs.models import Region, Union
    from gonghui.orgs.services import employer_create, regions_load, union_create
    from gonghui.stations import services as station_services

    from .roster import generate_csv

    if not Region.objects.exists():
        regions_load()
    national = union_create(name="中华全国总工会", kind=Union.Kind.NATIONAL, parent=None)
    province = union_create(name="广东省总工会", kind=Union.Kind.PROVINCIAL, parent=national, region=Region.objects.get(code="440000"))
    city = union_create(name="深圳市总工会", kind=Union.Kind.CITY, parent=province, region=Region.objects.get(code="440300"))
    county = union_create(name="南山区总工会", kind=Union.Kind.COUNTY, parent=city, region=Region.objects.get(code="440305"))
    employer = employer_create(uscc=uscc_make(region="440300", serial=7), name="基准测试制造有限公司",
                               region=Region.objects.get(code="440305"))
    grassroots = union_create(name="基准测试制造有限公司工会", kind=Union.Kind.GRASSROOTS, parent=county,
                              region=Region.objects.get(code="440305"), employer=employer)
    admin = User.objects.create_superuser(username="bench-admin", password="bench-password-123")
    for i in range(30):
        data = station_services.station_data_validate(
            name=f"基准驿站{i}", kind="yizhan", address=f"深圳市南山区基准路{i}号", lat=22.50 + i * 0.003,
            lon=113.90 + i * 0.003, facilities=["water", "charging"], hours_text="24小时",
        )
        station_services.station_create(actor=admin, union=county, data=data)
    staff = User.objects.create_user(username="bench-staff", password="bench-password-123")
    RoleGrant.objects.create(user=staff, union=province, role=RoleGrant.Role.STAFF)
    partner = User.objects.create_user(username="bench-partner", password="bench-password-123")
    RoleGrant.objects.create(user=partner, union=province, role=RoleGrant.Role.OPERATOR)
    _, partner_key = api_token_create(user=partner, name="bench-partner")
    _, staff_key = api_token_create(user=staff, name="bench-staff")
    roster = workdir / "roster.csv"
    generate_csv(roster, rows=rows, uscc=employer.uscc)
    return {"tokens": {"partner": partner_key, "staff": staff_key}, "grassroots": grassroots, "roster": roster}


# --- phases ---------------------------------------------------------------------------------


def _rate(load: Load, op: str) -> tuple[float, float]:
    """Answers per second (ok ones) and p50 latency of `op` over the samples taken."""
    ok = [s for s in load.samples if s.op == op and s.kind == "ok"]
    if not ok:
        return 0.0, 0.0
    span = max(s.at + s.seconds for s in ok) - min(s.at for s in ok)
    return len(ok) / span if span > 0 else 0.0, statistics.median(s.seconds for s in ok)


def scaling(port: int, tokens: dict[str, str], seconds: float) -> tuple[float, float, float]:
    results = {}
    for mix in ("healthz", "intake", "nearby"):
        load = Load(port, tokens)
        with load.running(mix):
            time.sleep(seconds)
        results[mix] = _rate(load, mix)
    healthz, intake, nearby = results["healthz"][0], results["intake"][0], results["nearby"][1]
    print(f"  /healthz at {CLIENTS} clients            {healthz:8.1f} req/s")
    print(f"  case intake at {CLIENTS} clients         {intake:8.1f} req/s  (partner API, routed, numbered)")
    print(f"  intake / healthz                   {intake / healthz:8.3f}×  (target ≥ 0.2×)")
    print(f"  nearby alone p50                   {nearby * 1000:8.1f} ms")
    return healthz, intake, nearby


@dataclass
class Fault:
    name: str
    started: float
    ended: float = 0.0
    window_end: float = 0.0
    notes: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


def _roster_fault(stack: Stack, seed: dict[str, Any], fault: Fault) -> dict[str, Any]:
    """Upload, validate, commit; SIGKILL the worker while it commits; start it again."""
    from gonghui.members.models import ImportJob

    port, token = stack.web_port, seed["tokens"]["staff"]
    boundary = uuid.uuid4().hex
    content = seed["roster"].read_bytes()
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"union_id\"\r\n\r\n{seed['grassroots'].pk}\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"roster.csv\"\r\n"
            f"Content-Type: text/csv\r\n\r\n").encode() + content + f"\r\n--{boundary}--\r\n".encode()
    status, answer = _http("POST", port, "/api/v1/members/imports", body=body, timeout=120, headers={
        "Authorization": f"Bearer {token}", "Content-Type": f"multipart/form-data; boundary={boundary}"})
    if status != 202:
        raise RuntimeError(f"roster upload answered {status}: {answer[:300]!r}")
    job_id = json.loads(answer)["id"]
    _wait(lambda: ImportJob.objects.get(pk=job_id).status != ImportJob.Status.VALIDATING, "the roster validation", 300)
    job = ImportJob.objects.get(pk=job_id)
    if job.status != ImportJob.Status.VALIDATED:
        raise RuntimeError(f"roster validation ended {job.status}: {job.message}")
    status, answer = _http("POST", port, f"/api/v1/members/imports/{job_id}/commit", timeout=60,
                           headers={"Authorization": f"Bearer {token}"})
    if status != 202:
        raise RuntimeError(f"roster commit answered {status}: {answer[:300]!r}")
    # Kill once the task has started its transaction (it notes its start in heartbeat_at).
    _wait(lambda: ImportJob.objects.filter(pk=job_id, heartbeat_at__isnull=False).exists(), "the commit to start", 120)
    time.sleep(1.0)
    fault.started = time.monotonic()
    stack.kill_worker()
    fault.notes.append(f"SIGKILLed the Celery worker during the commit of {job.valid_rows} rows")
    time.sleep(2.0)  # systemd's RestartSec
    stack.start_worker()
    fault.ended = time.monotonic()
    return {"job_id": job_id, "valid_rows": job.valid_rows}


def faults(stack: Stack, redis: Redis, proxy: FreezableProxy, seed: dict[str, Any]) -> tuple[Load, list[Fault], HealthProbe, dict[str, Any]]:
    from gonghui.members.roster_jobs import roster_imports_reap

    load = Load(stack.web_port, seed["tokens"])
    probe = HealthProbe(stack.web_port)
    reaper_stop = threading.Event()

    def reaper() -> None:  # beat's roster_imports_reap, on the bench's compressed time scale
        from django.db import close_old_connections

        while not reaper_stop.wait(5):
            with contextlib.suppress(Exception):
                roster_imports_reap()
            close_old_connections()

    threading.Thread(target=reaper, daemon=True).start()
    done: list[Fault] = []
    roster: dict[str, Any] = {}
    with load.running("mixed"):
        time.sleep(8)  # a calm start: the mixed nearby p50 before any fault
        fault = Fault("gunicorn worker killed (SIGKILL)", time.monotonic())
        fault.notes.append(f"killed worker pid {stack.kill_web_worker()}")
        fault.ended = time.monotonic()
        done.append(fault)
        time.sleep(10)

        fault = Fault("Redis stopped for 15 s", time.monotonic())
        redis.stop()
        time.sleep(15)
        redis.start()
        fault.ended = time.monotonic()
        done.append(fault)
        time.sleep(15)

        fault = Fault("database frozen for 10 s (proxy paused)", time.monotonic())
        proxy.freeze()
        time.sleep(10)
        proxy.thaw()
        fault.ended = time.monotonic()
        done.append(fault)
        time.sleep(15)

        fault = Fault("Celery worker killed during a roster import", time.monotonic())
        roster = _roster_fault(stack, seed, fault)
        done.append(fault)

        from gonghui.members.models import ImportJob

        def import_over() -> bool:
            return ImportJob.objects.get(pk=roster["job_id"]).status not in (
                ImportJob.Status.COMMITTING, ImportJob.Status.VALIDATING)

        try:
            _wait(import_over, "the killed import to be resumed and finish", 240)
            roster["finished_after"] = time.monotonic() - fault.ended
        except RuntimeError as exc:
            fault.failures.append(str(exc))
        time.sleep(5)
    reaper_stop.set()
    probe.stop.set()
    for i, f in enumerate(done):
        f.window_end = done[i + 1].started if i + 1 < len(done) else time.monotonic()
    return load, done, probe, roster


# --- report and checks -------------------------------------------------------------------------


def _report_fault(fault: Fault, load: Load, probe: HealthProbe) -> None:
    # By when each answer came (or the client gave up): a request sent just before a freeze
    # that times out during it belongs to the freeze.
    window = [s for s in load.samples if fault.started <= s.at + s.seconds < fault.window_end]
    kinds = Counter(f"{s.op}: {s.kind}" for s in window if s.kind != "ok")
    ok = sum(1 for s in window if s.kind == "ok")
    errors = [s for s in window if s.kind != "ok"]
    last_error = max((s.at + s.seconds for s in errors), default=None)
    print(f"\n  ◆ {fault.name}")
    for note in fault.notes:
        print(f"    {note}")
    print(f"    answers in the window: {ok} ok, {len(errors)} not ok"
          + ("" if not kinds else " — " + ", ".join(f"{k} ×{n}" for k, n in kinds.most_common())))
    tail = 0.0 if last_error is None else max(0.0, last_error - fault.ended)
    print(f"    errors went on {tail:.1f} s after the fault ended")
    healthy = probe.healthy_after(fault.ended)
    if healthy is None:
        fault.failures.append("/healthz never answered 200 again")
    else:
        print(f"    /healthz 200 again {max(0.0, healthy - fault.ended):.1f} s after the fault ended")
    recent = [s for s in window if s.at + s.seconds > fault.window_end - 3]
    if recent and all(s.kind != "ok" for s in recent):
        fault.failures.append("still failing at the end of its window")
    intakes = [i for i in load.intakes if fault.started <= i.first_at < fault.window_end]
    retried = sum(1 for i in intakes if i.attempts > 1)
    print(f"    intakes started: {len(intakes)}, retried by the client: {retried}, "
          f"acknowledged: {sum(1 for i in intakes if i.acknowledged)}")
    for failure in fault.failures:
        print(f"    FAILED: {failure}")


def data_check(load: Load, roster: dict[str, Any]) -> list[str]:
    from gonghui.cases.models import Case
    from gonghui.core.models import IdempotencyKey, Sequence
    from gonghui.members.models import ImportJob, Membership
    from gonghui.members.services import roster_import_files_purge

    failures: list[str] = []
    found: dict[str, list[str]] = {}
    for description, number in Case.objects.filter(description__startswith=INTAKE_MARK).values_list("description", "number"):
        key = re.search(r"key=([0-9a-f-]+)", description)
        if key:
            found.setdefault(key.group(1), []).append(number)
    acknowledged = [i for i in load.intakes if i.acknowledged]
    missing = [i.key for i in acknowledged if i.acknowledged not in found.get(i.key, [])]
    duplicated = {k: v for k, v in found.items() if len(v) > 1}
    unanswered = [i for i in load.intakes if not i.acknowledged]
    print("\n  data check")
    print(f"    intakes: {len(load.intakes)}; acknowledged {len(acknowledged)}; in the database {len(found)}; "
          f"never acknowledged {len(unanswered)} ({sum(1 for i in unanswered if i.key in found)} of them stored)")
    print(f"    acknowledged but missing: {len(missing)}; keys with more than one case: {len(duplicated)}")
    if missing:
        failures.append(f"{len(missing)} acknowledged intakes are not in the database")
    if duplicated:
        failures.append(f"{len(duplicated)} intakes were stored more than once")
    pending_keys = IdempotencyKey.objects.filter(status_code=0).count()
    if pending_keys:
        failures.append(f"{pending_keys} idempotency keys stuck in progress")
    stuck = ImportJob.objects.filter(status__in=[ImportJob.Status.VALIDATING, ImportJob.Status.COMMITTING]).count()
    print(f"    import jobs stuck validating/committing: {stuck}")
    if stuck:
        failures.append(f"{stuck} import jobs stuck")
    if roster:
        job = ImportJob.objects.get(pk=roster["job_id"])
        numbers = sorted(int(n[2:]) for n in Membership.objects.filter(source="import").values_list("number", flat=True))
        start = job.member_numbers_start or 0
        counter = Sequence.objects.filter(name="member_number").values_list("value", flat=True).first() or 0
        contiguous = numbers == list(range(start, start + job.valid_rows))
        print(f"    roster import: {job.status}, {job.imported_rows}/{job.valid_rows} rows, attempts {job.attempts}, "
              f"finished {roster.get('finished_after', float('nan')):.1f} s after the worker came back")
        print(f"    member numbers {start}…{start + job.valid_rows - 1} contiguous: {contiguous}; "
              f"counter at {counter} (burnt: {counter - (start + job.valid_rows - 1)})")
        if job.status != ImportJob.Status.DONE or job.imported_rows != job.valid_rows:
            failures.append(f"roster import ended {job.status} with {job.imported_rows}/{job.valid_rows} rows: {job.message}")
        if not contiguous or counter != start + job.valid_rows - 1:
            failures.append("member numbers were burnt or are not contiguous")
        purged = roster_import_files_purge(older_than_days=0)
        job.refresh_from_db()
        print(f"    upload purged: {not job.file} ({purged} file(s) removed)")
        if job.file:
            failures.append("the roster upload was not purged")
    return failures


# --- main ---------------------------------------------------------------------------------------


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench faults")
    parser.add_argument("--scaling-only", action="store_true", help="only the intake-scaling line")
    parser.add_argument("--seconds", type=float, default=8.0, help="length of each scaling phase")
    parser.add_argument("--rows", type=int, default=20000, help="rows of the roster import killed mid-commit")
    parser.add_argument("--port-base", type=int, default=0,
                        help="ports: proxy = base, Redis = base+1, gunicorn = base+2 (0: any free ports)")
    args = parser.parse_args(argv)
    from django.conf import settings

    if settings.configured:  # `python -m bench` ran another benchmark in this process first
        return subprocess.call([sys.executable, "-m", "bench.faults", *argv], cwd=ROOT)  # noqa: S603

    base_url = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/gonghui")
    if not base_url.startswith("postgres"):
        print("the fault bench needs PostgreSQL (BENCH_DATABASE_URL=postgres://…)", file=sys.stderr)
        return 2
    ports = [_free_port(args.port_base + i if args.port_base else 0) for i in range(3)]
    with tempfile.TemporaryDirectory(prefix="gonghui-bench-faults-") as tmp:
        workdir = Path(tmp)
        database_url, drop = _database(base_url)
        pg = urlsplit(database_url)
        proxy = FreezableProxy((pg.hostname or "127.0.0.1", pg.port or 5432), ports[0])
        redis = Redis(ports[1], workdir)
        stack: Stack | None = None
        try:
            redis.start()
            env = _production_env(workdir)
            served = pg._replace(netloc=f"{pg.username or 'postgres'}"
                                 f"{':' + pg.password if pg.password else ''}@127.0.0.1:{proxy.port}").geturl()
            env.update(DATABASE_URL=served, REDIS_URL=f"redis://127.0.0.1:{ports[1]}/0")
            # This process seeds and checks the data directly, not through the proxy.
            os.environ.update({**env, "DATABASE_URL": database_url, "DB_STATEMENT_TIMEOUT_MS": "0"})
            sys.path[:0] = [str(ROOT / "src")]
            import django

            django.setup()
            from django.core.management import call_command

            call_command("migrate", verbosity=0)
            seed = _seed(args.rows, workdir)
            print(f"fault bench: PostgreSQL {pg.path.lstrip('/')} via proxy :{proxy.port}, Redis :{ports[1]}, "
                  f"gunicorn -w 2 --threads 4 :{ports[2]}, Celery worker -c 2; {CLIENTS} clients")
            stack = Stack(env, workdir, ports[2])
            stack.start_web()
            stack.start_worker()
            print("\n  intake scaling (no faults)")
            scaling(stack.web_port, seed["tokens"], args.seconds)
            if args.scaling_only:
                return 0
            load, done, probe, roster = faults(stack, redis, proxy, seed)
            calm = [s for s in load.samples if s.op == "nearby" and s.kind == "ok" and s.at < done[0].started]
            if calm:
                print(f"\n  mixed load before the faults: nearby p50 {statistics.median(s.seconds for s in calm) * 1000:.1f} ms")
            for fault in done:
                _report_fault(fault, load, probe)
            failures = [f"{fault.name}: {x}" for fault in done for x in fault.failures]
            failures += data_check(load, roster)
            print()
            for failure in failures:
                print(f"  FAILED {failure}")
            print("  all checks passed" if not failures else f"  {len(failures)} check(s) failed")
            return 1 if failures else 0
        finally:
            if stack is not None:
                stack.stop()
            redis.stop()
            proxy.close()
            with contextlib.suppress(Exception):
                from django.db import connections

                connections.close_all()
            drop()


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
