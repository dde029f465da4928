# One image for the web (gunicorn) and the worker (celery): Django with what WeasyPrint and
# CJK reports need. Runs as an unprivileged user; .dockerignore keeps the developer's .venv,
# database, media, git history and demo signing key out of the build context.
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=config.settings.production
RUN apt-get update && apt-get install -y --no-install-recommends \
        fonts-noto-cjk fonts-dejavu-core libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 gettext \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin app
WORKDIR /app
COPY pyproject.toml ./
COPY config ./config
COPY footprint ./footprint
RUN pip install --no-cache-dir .
COPY manage.py ./
COPY templates ./templates
COPY static ./static
COPY locale ./locale
RUN SECRET_KEY=build ALLOWED_HOSTS=* DATABASE_URL=sqlite:////tmp/build.db SIGNING_PKCS12_PASSPHRASE=build \
        python manage.py collectstatic --noinput -v0 \
    && python manage.py compilemessages -v0 \
    && mkdir -p /app/media /app/var/pki && chown app:app /app/media
USER app
EXPOSE 8000
# docker-compose.yml runs migrations once (its `migrate` service), then this.
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60"]
