"""gunicorn's settings in production (``deploy/start-web``), read from the environment.

Threaded workers: a page mostly waits on PostgreSQL, so a few threads per process serve more
people than one process per request would, with memory for only ``WEB_CONCURRENCY`` copies of
the application. Each thread keeps its own database connection (``CONN_MAX_AGE``): size
PostgreSQL's ``max_connections`` for workers × threads per web container.
"""

import os

# All interfaces inside the container; the test binds 127.0.0.1.
bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")  # noqa: S104
workers = int(os.environ.get("WEB_CONCURRENCY") or 2)
threads = int(os.environ.get("GUNICORN_THREADS") or 4)
worker_class = "gthread"
# A request past this many seconds is a bug: the worker is replaced rather than left stuck.
timeout = int(os.environ.get("GUNICORN_TIMEOUT") or 30)
graceful_timeout = 20
keepalive = 5
accesslog = "-"
# Restarting a worker now and then bounds the memory a long-lived process can gather.
max_requests = 2000
max_requests_jitter = 200
