# The Convenant platform: one image for the web process, the Celery worker and beat.
# docker-compose.yml describes how they run together with PostgreSQL and Redis.
#
# The .mo files of the translations are committed, so no gettext and no compilemessages.

# Debian 12, as on the CI machine: the WeasyPrint libraries below are its package names.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# Pango and HarfBuzz render the PDFs (WeasyPrint); DejaVu is the font they fall back to.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 convenant \
    && useradd --system --uid 10001 --gid convenant --home-dir /app \
        --shell /usr/sbin/nologin convenant

WORKDIR /app

# The lock file first, so a change to the code reuses the layer with the packages.
COPY requirements.lock ./
RUN pip install -r requirements.lock

COPY . .

ENV DJANGO_DEBUG=false \
    STATIC_ROOT=/app/var/static \
    MEDIA_ROOT=/data/media \
    PRIVATE_MEDIA_ROOT=/data/private

# Static files are part of the image (WhiteNoise serves them with hashed names). The
# secret key here exists only for this command; the containers get the real one. The
# upload folders belong to the user the containers run as, so the volumes mounted on them
# are writable.
RUN DJANGO_SECRET_KEY=collectstatic-at-build-time-only \
        python manage.py collectstatic --noinput --verbosity 0 \
    && mkdir -p /data/media /data/private \
    && chown -R convenant:convenant /data

USER convenant

EXPOSE 8000

# docker-compose.yml gives the web, worker and beat services their own commands.
CMD ["gunicorn", "convenant.wsgi:application", "--bind", "0.0.0.0:8000"]
