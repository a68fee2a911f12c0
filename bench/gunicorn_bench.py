"""gunicorn for ``bench/http_bench.py``: production's settings (``deploy/gunicorn.conf.py``),
with each worker's clock at the bench's "today" (25/11/2026 09:00 UTC, ticking), as
``tasks_bench.py`` does in-process, so "overdue" means what it means in Redmine's URL."""

import datetime as dt
from pathlib import Path

exec((Path(__file__).resolve().parent.parent / "deploy" / "gunicorn.conf.py").read_text())  # noqa: S102 - our own settings file

accesslog = None  # one line per request would cost the bench what production's proxy log costs


def post_worker_init(worker):
    import time_machine

    worker.bench_clock = time_machine.travel(dt.datetime(2026, 11, 25, 9, tzinfo=dt.UTC), tick=True)
    worker.bench_clock.start()
