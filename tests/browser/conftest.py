"""Browser tests: Debian's Chromium, driven by Playwright, against a live server."""

from __future__ import annotations

import os
import shutil
import threading

import pytest
from werkzeug.serving import WSGIRequestHandler, make_server

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"


def browser_required() -> bool:
    """`make test` and CI require the browser tests; a bare `pytest` may skip them."""
    return "true" in (os.environ.get("CI"), os.environ.get("REQUIRE_BROWSER"))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Launch the system Chromium, never a downloaded browser."""
    if not os.path.exists(CHROMIUM):
        message = f"Chromium is not installed at {CHROMIUM} (run `make setup`)."
        if browser_required():
            pytest.fail(message)
        pytest.skip(message)
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


_BODY = "tests.live_server.body"


class _Body:
    """A response body that closes once, whoever asks first: the server or the handler."""

    def __init__(self, iterable):
        self._iterable = iterable
        self._closed = False

    def __iter__(self):
        return iter(self._iterable)

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            close = getattr(self._iterable, "close", None)
            if close is not None:
                close()


class _ClosingHandler(WSGIRequestHandler):
    """Close the response body when the browser drops the connection.

    Werkzeug's development server closes the body in a `finally` that itself reads from
    the socket; when the browser resets the connection (it often does for a static file
    it no longer wants), that read raises and the body, an open file for a static file,
    is left to the garbage collector: a ResourceWarning, an error under
    `filterwarnings = error`, in whichever test happens to be running.
    """

    def connection_dropped(self, error, environ=None) -> None:
        environ = environ if environ is not None else getattr(self, "environ", None) or {}
        body = environ.get(_BODY)
        if body is not None:
            body.close()


def make_live_server(app):
    """A threaded development server for `app` on a free port of 127.0.0.1."""

    def remembering(environ, start_response):
        body = environ[_BODY] = _Body(app(environ, start_response))
        return body

    return make_server("127.0.0.1", 0, remembering, threaded=True, request_handler=_ClosingHandler)


@pytest.fixture(scope="session")
def live_server(app):
    """Serve the test app on a free local port in a background thread."""
    server = make_live_server(app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
