# Soli'dôme: one image for the web server (default command), the Celery worker and Celery beat.
#   docker build -t soli-dome .
# Runtime settings come from the environment (see soli_dome/settings.py and docker-compose.yml).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=soli_dome.settings \
    VAR_DIR=/app/var

RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin app

WORKDIR /app

# Dependencies first, so that code changes do not reinstall them. Every pinned package ships
# manylinux wheels for CPython 3.11 (x86_64 and aarch64): no compiler is needed.
COPY requirements/prod.txt requirements/prod.txt
RUN pip install --require-hashes -r requirements/prod.txt

# The code stays owned by root (read-only for the app user); only VAR_DIR is writable.
COPY . .

# Static files are collected into VAR_DIR/static and served by WhiteNoise. DEBUG=false selects
# the compressed manifest storage; this SECRET_KEY exists only for this build step.
RUN DEBUG=false SECRET_KEY=build-only-collectstatic-key-not-used-at-runtime \
        python manage.py collectstatic --noinput \
    && mkdir -p /app/var/imports \
    && chown -R app:app /app/var

USER app

EXPOSE 8000

# /healthz/ is exempt from the HTTPS redirect. Django still checks the Host header against
# ALLOWED_HOSTS, so the probe sends the first allowed host ("*" or ".example.org" are handled).
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as r; h = (os.environ.get('ALLOWED_HOSTS') or 'localhost').split(',')[0].strip().lstrip('*.') or 'localhost'; r.urlopen(r.Request('http://127.0.0.1:8000/healthz/', headers={'Host': h}), timeout=8)"]

CMD ["gunicorn", "soli_dome.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
