"""gunicorn settings read from the working directory (see README, Deployment)."""

# The longest request line gunicorn accepts: long search terms and filters stay within it.
# Longer lines are answered 414 by gunicorn itself (text/html, documented in the OpenAPI
# document), before the application sees them.
limit_request_line = 8190


def post_worker_init(worker):
    """Start the embedded scheduler (the job sweeper) as each worker boots, so scheduled
    notices and the daily work run even before the first request; with REDIS_URL the
    workers of `flask jobs worker` do this instead."""
    from app.core import jobs

    app = worker.wsgi  # the Flask application (wsgi:app)
    if hasattr(app, "config") and jobs.mode(app) == "thread":
        jobs.start_sweeper(app)
