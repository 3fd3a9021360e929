"""gunicorn settings read from the working directory (see README, Deployment)."""

# The longest request line gunicorn accepts: long search terms and filters stay within it.
# Longer lines are answered 414 by gunicorn itself (text/html, documented in the OpenAPI
# document), before the application sees them.
limit_request_line = 8190
