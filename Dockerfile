# citymgmt: one image for the web (ASGI), the Celery worker and Celery beat.

# Front-end libraries from the npm registry, at build time (never from a CDN at run time).
FROM node:20-bookworm-slim AS frontend
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts --loglevel=error

FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    CITYMGMT_VAR_DIR=/var/lib/citymgmt

# GDAL/GEOS/PROJ for GeoDjango, gettext for the catalogues, Noto Sans CJK (the bulletin's font), Pango for
# WeasyPrint, curl for the health check.
RUN apt-get update \
 && apt-get install -y --no-install-recommends gdal-bin libgdal32 libgeos-c1v5 libproj25 gettext \
      fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 curl \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements-runtime.lock .
RUN pip install --no-cache-dir --require-hashes -r requirements-runtime.lock
COPY . .
COPY --from=frontend /app/node_modules ./node_modules
RUN DATABASE_URL=spatialite:////tmp/build.sqlite3 SECRET_KEY=build DEBUG=false \
      python manage.py compilemessages --ignore=node_modules -v0 \
 && SECRET_KEY=build DEBUG=false python manage.py collectstatic --noinput -v0

RUN useradd --system --home /app citymgmt && mkdir -p /var/lib/citymgmt/media && chown -R citymgmt /var/lib/citymgmt
USER citymgmt
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --retries=5 CMD curl -fsS http://localhost:8000/login/ || exit 1
CMD ["daphne", "-b", "0.0.0.0", "-p", "8000", "citymgmt.asgi:application"]
