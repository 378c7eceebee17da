"""gunicorn settings: `gunicorn -c python:puskesos.gunicorn puskesos.wsgi`.

Every value can be overridden on the command line or with GUNICORN_CMD_ARGS.

Sync workers (one request at a time each) by default: a worker accepts a connection
only when it is free, so concurrent clerks are spread over the workers. Threaded
workers keep a browser's keep-alive connection to themselves, and on a loaded desk
several clerks ended up queued on one worker while others idled (the HTTP benches
saw 7 of 8 clients on one worker, p95 far above the others'). Sync workers need a
buffering proxy in front (nginx, as in production): a slow client then costs nginx,
not a worker. ``GUNICORN_THREADS`` > 1 switches to threaded workers.
"""

import multiprocessing
import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
# 2 workers per core + 1 is gunicorn's rule of thumb: while one waits for the database,
# another computes.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", 1))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
