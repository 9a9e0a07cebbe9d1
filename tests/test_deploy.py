"""The production path, as the README documents it, with DEBUG=0: `check --deploy`,
`collectstatic`, `migrate`, then gunicorn serves a page and a hashed static file.

Runs in `make test` (marker `deploy`; about 10 s: three management commands and one gunicorn
worker on a throw-away SQLite file and static root).
"""

from __future__ import annotations

import http.client
import json
import os
import re
import selectors
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
STATIC_SRC = ROOT / "src" / "gonghui" / "static"
HOST = "gonghui.example.cn"

PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "x7Qe-production-like-secret-for-the-deploy-check-0123456789abcdef",
    "FIELD_ENCRYPTION_KEY": "Z29uZ2h1aS1kZXBsb3ktY2hlY2stbm90LWEtcmVhbCE=",
    "BLIND_INDEX_KEY": "blind-index-key-for-the-deploy-check-0123456789",
    "ALLOWED_HOSTS": HOST,
    "CSRF_TRUSTED_ORIGINS": f"https://{HOST}",
    "SMS_CONSOLE_ALLOWED": "1",  # no SMS gateway in a test install
    "CACHE_DATABASE": "1",  # the shared cache production requires, without a Redis here
}


def test_vendored_files_name_no_missing_source_map():
    """The manifest storage rewrites `sourceMappingURL` references: a map that is not shipped
    makes `collectstatic` fail in production (leaflet 1.9.4 named one)."""
    missing = []
    for path in STATIC_SRC.rglob("*"):
        if path.suffix not in {".js", ".css"}:
            continue
        for ref in re.findall(r"sourceMappingURL=([^\s*]+)", path.read_text("utf-8", errors="replace")):
            if not ref.startswith("data:") and not (path.parent / ref).exists():
                missing.append(f"{path.relative_to(STATIC_SRC)} → {ref}")
    assert not missing, missing


def _env(tmp_path: Path) -> dict[str, str]:
    dropped = {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE"}
    base = {k: v for k, v in os.environ.items() if k not in dropped}
    return {
        **base, **PRODUCTION_ENV,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "STATIC_ROOT": str(tmp_path / "static"),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "PYTHONPATH": str(ROOT / "src"),
    }


def _manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args], env=env, cwd=ROOT,
        capture_output=True, text=True, timeout=120, check=False,
    )


def _listening_port(proc: subprocess.Popen[str]) -> int:
    """gunicorn binds port 0 and logs the port it got: read its log until then (bounded)."""
    assert proc.stderr is not None
    sel = selectors.DefaultSelector()
    sel.register(proc.stderr, selectors.EVENT_READ)
    log = []
    while sel.select(timeout=30):
        line = proc.stderr.readline()
        if not line:
            break
        log.append(line)
        found = re.search(r"Listening at: http://127\.0\.0\.1:(\d+)", line)
        if found:
            return int(found.group(1))
    raise AssertionError("gunicorn did not start:\n" + "".join(log))


def _get(port: int, path: str) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        # What nginx sends: the public host name and the scheme it terminated.
        conn.request("GET", path, headers={"Host": HOST, "X-Forwarded-Proto": "https"})
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


@pytest.mark.deploy
def test_production_install_checks_collects_migrates_and_serves(tmp_path):
    env = _env(tmp_path)
    for command in (
        ("check", "--deploy", "--fail-level", "WARNING"),
        ("collectstatic", "--noinput"),
        ("migrate", "--noinput"),
        ("createcachetable",),
    ):
        result = _manage(env, *command)
        assert result.returncode == 0, f"{' '.join(command)}:\n{result.stdout}\n{result.stderr}"

    manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text("utf-8"))["paths"]
    hashed_css = manifest["css/base.css"]
    assert hashed_css != "css/base.css"

    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "gonghui.wsgi", "-w", "1", "--threads", "2", "-b", "127.0.0.1:0"],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    try:
        port = _listening_port(proc)
        status, _headers, body = _get(port, "/healthz")
        assert status == 200, body
        status, _headers, body = _get(port, "/livez")
        assert status == 200, body
        status, _headers, body = _get(port, "/")
        assert status == 200, body[:500]
        assert f"/static/{hashed_css}".encode() in body  # pages name the hashed files
        status, headers, body = _get(port, f"/static/{hashed_css}")
        assert status == 200
        assert body == (STATIC_SRC / "css" / "base.css").read_bytes()
        assert "max-age=" in headers.get("cache-control", "")
        status, _headers, _body = _get(port, "/static/vendor/leaflet/leaflet.js.map")
        assert status == 404
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stderr is not None:
            proc.stderr.close()


def test_systemd_units_restart_the_services_whatever_ends_them():
    """deploy/*.service: a crashed web server, worker or beat is started again, forever."""
    units = sorted((ROOT / "deploy").glob("*.service"))
    assert {u.name for u in units} >= {"gonghui-web.service", "gonghui-worker.service", "gonghui-beat.service"}
    for unit in units:
        text = unit.read_text("utf-8")
        assert "\nRestart=always\n" in text, unit.name
        assert "\nStartLimitIntervalSec=0\n" in text, unit.name  # never give up restarting
        assert "EnvironmentFile=/etc/gonghui.env" in text, unit.name
