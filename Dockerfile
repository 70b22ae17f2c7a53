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

# Static files are collected into VAR_DIR/static and served by WhiteNoise (deploy/collect-static
# says how; the production-path test in CI runs the same file).
RUN sh deploy/collect-static \
    && mkdir -p /app/var/imports \
    && chown -R app:app /app/var

USER app

EXPOSE 8000

# deploy/healthcheck.py asks /healthz/ with the first allowed host.
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
    CMD ["python", "deploy/healthcheck.py"]

# Migrations, then gunicorn (soli_dome/gunicorn.py): the same file docker-compose.yml runs.
CMD ["sh", "deploy/start-web"]
