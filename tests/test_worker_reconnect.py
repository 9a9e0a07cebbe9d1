"""Redis stops while a task runs and comes back: the Celery worker reconnects (it used to
die with "Unrecoverable error: AttributeError('NoneType' object has no attribute
'hostname')"), the task in flight completes, and new tasks run.

Starts its own redis-server on a free port and a real worker with Gonghui's Celery settings
(tests/worker_app.py); runs in `make test` (marker `deploy`, about 15 s). Waits are bounded
waits for what the worker reports, not timing assertions.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
REDIS = shutil.which("redis-server")

pytestmark = [
    pytest.mark.deploy,
    pytest.mark.skipif(REDIS is None and os.environ.get("GONGHUI_REQUIRE_SERVICES") != "1",
                       reason="needs redis-server on PATH"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start_redis(port: int, workdir: Path) -> subprocess.Popen[bytes]:
    assert REDIS is not None, "redis-server is required here"
    proc = subprocess.Popen(
        [REDIS, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(workdir)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    _wait_for(lambda: _answers(port), "redis-server to answer")
    return proc


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _wait_for(check: Callable[[], bool], what: str, limit: float = 60,
              worker: subprocess.Popen[bytes] | None = None, log: Path | None = None) -> None:
    deadline = time.monotonic() + limit
    while not check():
        if worker is not None and worker.poll() is not None:
            tail = log.read_text("utf-8", errors="replace")[-3000:] if log else ""
            raise AssertionError(f"the worker died while waiting for {what}:\n{tail}")
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.1)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_worker_survives_a_redis_restart_and_the_task_in_flight_completes(tmp_path):
    port = _free_port()
    broker = f"redis://127.0.0.1:{port}/0"
    redis_proc = _start_redis(port, tmp_path)
    log = tmp_path / "worker.log"
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}}
    env.update(
        CELERY_BROKER_URL=broker, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        PYTHONPATH=os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
    )
    with open(log, "wb") as log_file:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "tests.worker_app", "worker", "-l", "info", "-c", "1",
             "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT,
        )
    try:
        def said(text: str, times: int = 1) -> bool:
            return log.read_text("utf-8", errors="replace").lower().count(text.lower()) >= times

        def wait(check: Callable[[], bool], what: str) -> None:
            _wait_for(check, what, worker=worker, log=log)

        wait(lambda: said("Connected to redis"), "the worker to connect")
        from tests.worker_app import app

        app.conf.broker_url = broker
        app.conf.task_always_eager = False
        first = tmp_path / "first"
        app.send_task("tests.wait_then_write", args=[str(first)])
        wait(lambda: Path(str(first) + ".started").exists(), "the task to start")

        _stop(redis_proc)  # Redis goes away while the task runs
        # Celery says "Connection to broker lost", the project's consumer "broker connection lost".
        wait(lambda: said("connection to broker lost") or said("broker connection lost"), "the worker to notice")
        redis_proc = _start_redis(port, tmp_path)
        wait(lambda: said("Connected to redis", 2), "the worker to reconnect")

        Path(str(first) + ".release").touch()
        wait(first.exists, "the task in flight to complete")
        second = tmp_path / "second"
        Path(str(second) + ".release").touch()
        app.send_task("tests.wait_then_write", args=[str(second)])
        wait(second.exists, "a new task to run")
        assert worker.poll() is None, log.read_text("utf-8", errors="replace")[-3000:]
        assert "Unrecoverable error" not in log.read_text("utf-8", errors="replace")
    finally:
        _stop(worker)
        _stop(redis_proc)
