"""gunicorn configuration: `gunicorn -c rased/gunicorn.py rased.wsgi` (see README, « Production »)."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers: the pages are short and database-bound; WeasyPrint renders in the worker.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
# Recycle workers now and then: WeasyPrint keeps memory after big documents.
max_requests = 500
max_requests_jitter = 50
# The access log has paths and status codes only; pupil names never travel in URLs.
accesslog = "-"
access_log_format = '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
