# citymgmt: one image for the web (ASGI), the Celery worker and Celery beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    CITYMGMT_VAR_DIR=/var/lib/citymgmt

RUN apt-get update \
 && apt-get install -y --no-install-recommends gdal-bin libgdal32 libgeos-c1v5 libproj25 gettext \
      fonts-wqy-zenhei libpango-1.0-0 libpangoft2-1.0-0 curl \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.lock .
RUN pip install --no-cache-dir -r requirements.lock
COPY . .
RUN DATABASE_URL=spatialite:////tmp/build.sqlite3 SECRET_KEY=build DEBUG=false \
      python manage.py compilemessages --ignore=.venv -v0 \
 && SECRET_KEY=build DEBUG=false python manage.py collectstatic --noinput -v0

RUN useradd --system --home /app citymgmt && mkdir -p /var/lib/citymgmt/media && chown -R citymgmt /var/lib/citymgmt
USER citymgmt
EXPOSE 8000
CMD ["daphne", "-b", "0.0.0.0", "-p", "8000", "citymgmt.asgi:application"]
