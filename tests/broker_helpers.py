"""Point Celery at a real broker for one test (conftest otherwise runs every task in-process)."""

import contextlib
import socket
import subprocess
import time
from pathlib import Path

import redis

from safetybank.celery import app

REFUSING = "redis://127.0.0.1:1/0"  # nothing listens on port 1: the broker is down


@contextlib.contextmanager
def broker_at(url: str):
    """Publish to ``url`` (a Redis that is down, ``memory://``, a test's own Redis) instead of running at once."""
    saved = app.conf.broker_url, app.conf.task_always_eager
    app.conf.broker_url, app.conf.task_always_eager = url, False
    try:
        yield app
    finally:
        app.conf.broker_url, app.conf.task_always_eager = saved


def published_in_memory(queue: str = "celery") -> list[tuple[str, list]]:
    """Take every message the in-memory broker holds: (task name, positional arguments), in order."""
    taken = []
    with app.connection_for_read("memory://") as connection:
        simple = connection.SimpleQueue(queue)
        while True:
            try:
                message = simple.get(block=False)
            except simple.Empty:
                break
            taken.append((message.headers["task"], message.payload[0]))
            message.ack()
        simple.close()
    return taken


def _free_port(first: int = 6392) -> int:
    for port in range(first, first + 100):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port for the test's own Redis")


class OwnRedis:
    """A throwaway redis-server on its own port, without persistence."""

    def __init__(self, binary: str, folder: Path):
        self.binary, self.folder, self.port = binary, folder, _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
            + ["--dir", str(self.folder)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url, socket_connect_timeout=1)
        for _ in range(100):
            try:
                client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.1)
        raise RuntimeError("the test's own Redis did not start")

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None
