"""Run schemathesis against the running app for every API operation (D2).

Builds a fresh database with the demo data, serves the app with gunicorn on a local port and
fuzzes every operation of /api/v1/openapi.json as the manager of both associations and as an
administrator, with a fixed seed and a bounded number of cases per operation. Fails on any
5xx, any response the document does not describe (status, content type, headers, body) and
any error loading or using the document.

    .venv/bin/python scripts/api_contract.py [--port N] [--max-examples 12]
        [--database-url postgresql://…/empty_db]   # default: a temporary SQLite file
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_headers_conformance",
        "response_schema_conformance",
    ]
)
SEED = "20261202"
DEMO_PASSWORD = "demo-pass-2026"


def _token(base: str, email: str) -> str:
    request = urllib.request.Request(
        base + "/api/v1/auth/token",
        data=json.dumps({"email": email, "password": DEMO_PASSWORD}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)["token"]


def _wait(base: str, process: subprocess.Popen, seconds: int = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("gunicorn stopped before it answered")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("gunicorn did not answer in time")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--port",
        type=int,
        default=int(os.environ.get("API_CONTRACT_PORT", 0)),
        help="default: a free port",
    )
    parser.add_argument("--max-examples", default=os.environ.get("API_CONTRACT_EXAMPLES", "12"))
    parser.add_argument("--database-url", default=os.environ.get("API_CONTRACT_DATABASE_URL"))
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    options = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="hoa-api-contract-"))
    env = {
        **os.environ,
        "APP_ENV": "development",
        "FLASK_APP": "wsgi.py",
        "DATABASE_URL": options.database_url or f"sqlite:///{scratch / 'contract.sqlite3'}",
        "MAIL_BACKEND": "memory",
        "STORAGE_DIR": str(scratch / "storage"),
    }
    env.pop("REDIS_URL", None)  # jobs run in the web processes
    flask = [str(BIN / "flask")]
    for command in (["db", "upgrade"], ["demo"]):
        done = subprocess.run([*flask, *command], cwd=ROOT, env=env, capture_output=True)
        if done.returncode != 0:  # say why, not only that it failed
            sys.stderr.write(
                done.stdout.decode(errors="replace") + done.stderr.decode("utf-8", "replace")
            )
            raise SystemExit(f"flask {' '.join(command)} failed (exit {done.returncode})")
    base = f"http://127.0.0.1:{options.port}"
    import socket

    if not options.port:
        with socket.socket() as free:
            free.bind(("127.0.0.1", 0))
            options.port = free.getsockname()[1]
        base = f"http://127.0.0.1:{options.port}"
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", options.port)) == 0:
            raise SystemExit(f"port {options.port} is in use; choose another with --port")
    log = open(scratch / "gunicorn.log", "w")  # noqa: SIM115 - closed below
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{options.port}",
            "--access-logfile",
            "-",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    failures = 0
    try:
        _wait(base, server)
        for who in ("manager@example.com", "admin@example.com"):
            token = _token(base, who)
            print(f"== schemathesis as {who} (seed {SEED}, {options.max_examples} cases/op)")
            result = subprocess.run(
                [
                    str(BIN / "st"),
                    "run",
                    base + "/api/v1/openapi.json",
                    "-H",
                    f"Authorization: Bearer {token}",
                    "--checks",
                    CHECKS,
                    "--max-examples",
                    str(options.max_examples),
                    "--seed",
                    SEED,
                    # One worker: CPython 3.11 can fail to parse source on two threads at
                    # once ("AST constructor recursion depth mismatch", gh-106905), which
                    # hypothesis does while describing strategies.
                    "--workers",
                    "1",
                    "--no-color",
                    "--request-timeout",
                    "60",
                    "--suppress-health-check",
                    "all",
                ],
                cwd=scratch,
                env=env,
                check=False,
            )
            failures += result.returncode != 0
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
    errors = [
        line for line in (scratch / "gunicorn.log").read_text().splitlines() if '" 500 ' in line
    ]
    print(f"server errors in the log: {len(errors)}")
    if not options.keep:
        shutil.rmtree(scratch, ignore_errors=True)
    else:
        print(f"kept {scratch}")
    return 1 if failures or errors else 0


if __name__ == "__main__":
    sys.exit(main())
