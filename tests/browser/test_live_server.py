"""The browser tests' live server: a connection the browser drops leaves no open file.

Chromium often resets the connection of a static file it no longer wants; the development
server then skipped closing the file, and its ResourceWarning failed whichever test was
running (`filterwarnings = error`). No browser here: a socket that resets does the same.
"""

from __future__ import annotations

import gc
import socket
import struct
import sys
import threading
import urllib.request

import pytest

from tests.browser.conftest import make_live_server

STATIC = "/bootstrap/static/js/bootstrap.min.js"  # what base.html loads


@pytest.fixture
def served(app):
    server = make_live_server(app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_port
    server.shutdown()
    thread.join()
    server.server_close()


def test_a_dropped_static_file_is_closed(served, monkeypatch):
    unraisable = []
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)
    request = f"GET {STATIC} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode()
    for _ in range(30):
        with socket.create_connection(("127.0.0.1", served)) as connection:
            connection.sendall(request)
            assert connection.recv(12) == b"HTTP/1.1 200"
            # Reset (RST) instead of an orderly close, as a browser that gives up does.
            connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    with urllib.request.urlopen(f"http://127.0.0.1:{served}{STATIC}") as response:
        assert response.status == 200 and b"Bootstrap" in response.read()
    gc.collect()
    assert [repr(u.exc_value) for u in unraisable] == []
