"""gunicorn's settings for dangbo (``gunicorn -c deploy/gunicorn.conf.py``).

Read by ``make serve`` (``scripts/serve.sh production``) and by ``deploy/dangbo-web.service``.
Each value can be changed through the environment (see docs/van-hanh.md):

  DANGBO_BIND            address to listen on (default 127.0.0.1:8000; the reverse proxy
                         in front of it terminates TLS)
  DANGBO_WEB_WORKERS     worker processes (default: 2 × cores + 1, at most 8)
  DANGBO_WEB_THREADS     threads per worker (default 2)
  DANGBO_WEB_TIMEOUT     seconds a request may take before its worker is restarted (60)
  DANGBO_FORWARDED_ALLOW_IPS  proxies trusted for X-Forwarded-* (default 127.0.0.1,::1)
"""

import multiprocessing
import os

wsgi_app = "dangbo.wsgi:application"
bind = os.environ.get("DANGBO_BIND", "127.0.0.1:8000").split(",")
workers = int(os.environ.get("DANGBO_WEB_WORKERS", min(2 * multiprocessing.cpu_count() + 1, 8)))
threads = int(os.environ.get("DANGBO_WEB_THREADS", "2"))
worker_class = "gthread"
timeout = int(os.environ.get("DANGBO_WEB_TIMEOUT", "60"))
# On SIGTERM, finish the requests under way for up to this long, then stop.
graceful_timeout = 30
keepalive = 5
# Recycle each worker after this many requests (with jitter) so a slow leak cannot grow.
max_requests = 2000
max_requests_jitter = 200
forwarded_allow_ips = os.environ.get("DANGBO_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# Logs go to standard output and error: systemd's journal (or the terminal) keeps them.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("DANGBO_LOG_LEVEL", "info").lower()
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
proc_name = "dangbo-web"
# Load the application once in the master, so a broken configuration stops start-up at once;
# then build what each worker would build on its first requests (URL tables, catalogues,
# templates: dangbo.core.warm) before the workers are forked from it.
preload_app = True


def when_ready(server):
    from dangbo.core.warm import warm_up

    try:
        server.log.info("warmed up before forking the workers: %s", warm_up())
    except Exception:  # a slower first request is no reason not to serve
        server.log.exception("warming up failed; the workers build what they need themselves")
