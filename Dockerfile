# Production image: gunicorn web, Celery worker and beat all run from it.
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk gettext libpq-dev gcc \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
# Build-time only values: the real ones come from the environment at run time.
RUN DEBUG=1 python manage.py compilemessages -v 0 --ignore=.venv \
 && DEBUG=0 SECRET_KEY=build-only-$(head -c 48 /dev/urandom | base64 | tr -d '/+=') ALLOWED_HOSTS=build \
      python manage.py collectstatic --noinput -v 0
RUN useradd --create-home safetybank && mkdir -p /app/var/media && chown -R safetybank /app/var
USER safetybank
EXPOSE 8000
CMD ["gunicorn", "safetybank.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--worker-class", "gthread", "--threads", "8", "--timeout", "120"]
