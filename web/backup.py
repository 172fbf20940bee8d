"""Backup and restore of the whole platform: the database (every case, event, step, snapshot, bulletin
record, user and setting) and the media files (photos, bulletin PDFs).

A backup is a folder: ``database.dump`` (``pg_dump`` custom format on PostgreSQL/PostGIS) or
``database.sqlite3`` (SQLite's online backup on the embedded default), ``media.tar.gz`` with the local
media, and ``manifest.json`` saying what was taken and when. Photos in an S3-compatible object store are
not copied: the store's own versioning and replication keep them (docs/operations.md)."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone


class BackupError(Exception):
    pass


def _pg_env() -> tuple[list[str], dict[str, str]]:
    db = connection.settings_dict
    args = [
        "--host",
        db.get("HOST") or "127.0.0.1",
        "--port",
        str(db.get("PORT") or 5432),
        "--username",
        db.get("USER") or "postgres",
        "--dbname",
        db["NAME"],
    ]
    env = os.environ | ({"PGPASSWORD": db["PASSWORD"]} if db.get("PASSWORD") else {})
    return args, env


def _run(command: list[str], env: dict[str, str] | None = None) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[-2000:]}")


def backup(folder: Path) -> dict:
    """Write a backup into ``folder`` (created; must be empty); returns the manifest."""
    folder.mkdir(parents=True, exist_ok=True)
    if any(folder.iterdir()):
        raise BackupError(f"{folder} is not empty")
    if connection.vendor == "postgresql":
        args, env = _pg_env()
        _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(folder / "database.dump"), *args], env)
        database = "database.dump"
    else:
        connection.ensure_connection()
        with sqlite3.connect(folder / "database.sqlite3") as target:
            connection.connection.backup(target)
        database = "database.sqlite3"
    media = Path(settings.MEDIA_ROOT)
    with tarfile.open(folder / "media.tar.gz", "w:gz") as archive:
        if media.is_dir() and not settings.S3_BUCKET:
            archive.add(media, arcname="media")
    manifest = {
        "taken_at": timezone.now().isoformat(),
        "vendor": connection.vendor,
        "database": database,
        "media": "media.tar.gz" if not settings.S3_BUCKET else "in the object store",
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=1))
    return manifest


def restore(folder: Path) -> dict:
    """Restore a backup onto the configured database, which must be new (migrated or empty), and the media
    folder; returns the manifest."""
    manifest = json.loads((folder / "manifest.json").read_text())
    if manifest["vendor"] != connection.vendor:
        raise BackupError(f"a {manifest['vendor']} backup cannot be restored onto {connection.vendor}")
    if connection.vendor == "postgresql":
        args, env = _pg_env()
        connection.close()
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--exit-on-error",
                *args,
                str(folder / manifest["database"]),
            ],
            env,
        )
    else:
        connection.close()
        shutil.copyfile(folder / manifest["database"], connection.settings_dict["NAME"])
    media = Path(settings.MEDIA_ROOT)
    with tarfile.open(folder / "media.tar.gz") as archive:
        for member in archive.getmembers():
            relative = Path(member.name).relative_to("media") if member.name.startswith("media") else None
            # Files and folders only, and only inside the media folder: no links, no absolute paths, no "..".
            if relative is None or not (member.isfile() or member.isdir()) or ".." in relative.parts:
                continue
            if member.isdir():
                (media / relative).mkdir(parents=True, exist_ok=True)
                continue
            (media / relative).parent.mkdir(parents=True, exist_ok=True)
            with archive.extractfile(member) as source, open(media / relative, "wb") as target:
                shutil.copyfileobj(source, target)
    return manifest


def default_folder() -> Path:
    return Path(settings.VAR_DIR) / "backups" / dt.datetime.now().strftime("%Y%m%d-%H%M%S")
