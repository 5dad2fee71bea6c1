# One image for web, worker and beat (docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY requirements.lock ./
RUN pip install -r requirements.lock

COPY . .
# collectstatic needs settings but no real secrets or services.
RUN DJANGO_ENV=production SECRET_KEY=build-only-key-build-only-key-build-only-key-0123456789 \
    ALLOWED_HOSTS=build DEBUG=false python manage.py collectstatic --noinput \
    && useradd --create-home --uid 1000 lawzana \
    && mkdir -p /app/var && chown lawzana /app/var

USER lawzana
EXPOSE 8000
CMD ["gunicorn", "lawzana.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
