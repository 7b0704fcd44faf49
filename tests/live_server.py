"""Run a WSGI app on 127.0.0.1 in a background thread, for browser and load tests."""

from __future__ import annotations

import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import requests
from werkzeug.serving import make_server


@contextmanager
def live_server(app: Any) -> Iterator[str]:
    """Serve ``app`` with a threaded server on a free port; yield its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)


def wait_until_serving(base: str, process: subprocess.Popen[bytes], seconds: float = 60) -> None:
    """Poll ``base/login`` until ``workflow serve`` (``process``) answers; fail if it exits
    (with what it wrote to a piped standard error) or takes longer than ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            requests.get(f"{base}/login", timeout=5)
            return
        except requests.RequestException:
            if process.poll() is not None:
                said = process.stderr.read().decode() if process.stderr else ""
                raise AssertionError(f"workflow serve exited: {said}") from None
            assert time.monotonic() < deadline, "workflow serve did not start"
            time.sleep(0.1)


def free_port() -> int:
    """A port on 127.0.0.1 nobody listens on now (for a server in another process)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
