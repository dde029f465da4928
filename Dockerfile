# Web image: Django + gunicorn, with what WeasyPrint and CJK reports need.
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=config.settings.production
RUN apt-get update && apt-get install -y --no-install-recommends \
        fonts-noto-cjk fonts-dejavu-core libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 gettext \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml ./
COPY config ./config
COPY footprint ./footprint
RUN pip install --no-cache-dir .
COPY . .
RUN SECRET_KEY=build ALLOWED_HOSTS=* DATABASE_URL=sqlite:////tmp/build.db SIGNING_PKCS12_PASSPHRASE=build \
        python manage.py collectstatic --noinput -v0 \
    && python manage.py compilemessages -v0
EXPOSE 8000
CMD ["sh", "-c", "python manage.py migrate --noinput && python manage.py load_reference_data && gunicorn config.wsgi:application --bind 0.0.0.0:8000 --workers 3 --timeout 120"]
