# One image for web, worker, beat and the one-off migrate job (docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
# The social cards (lawzana/og_image.py) draw Chinese titles: a slim image has no font at all.
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/*
ENV OG_FONT_PATH=/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc
# Only what production runs: no test, browser or load-testing tools in the image.
COPY requirements-prod.lock ./
RUN pip install -r requirements-prod.lock

COPY . .
# collectstatic needs settings but no real secrets or services (PRODUCTION_WITHOUT_SERVICES: the
# one place the image loads production settings without a database, Redis or mail server);
# static files are hashed and compressed here, at build time, and served by WhiteNoise with a
# one-year immutable cache.
RUN DJANGO_ENV=production SECRET_KEY=build-only-key-build-only-key-build-only-key-0123456789 \
    ALLOWED_HOSTS=build DEBUG=false PRODUCTION_WITHOUT_SERVICES=true python manage.py collectstatic --noinput \
    && useradd --create-home --uid 1000 lawzana \
    && mkdir -p /app/var/media && chown -R lawzana /app/var

USER lawzana
EXPOSE 8000
# WEB_CONCURRENCY (gunicorn's own variable) sets the number of workers.
CMD ["gunicorn", "-c", "python:lawzana.gunicorn_conf", "lawzana.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "4", "--max-requests", "2000", "--max-requests-jitter", "200"]
