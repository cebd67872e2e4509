"""Point Celery at a real broker for one test (conftest otherwise runs every task in-process)."""

import contextlib

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
