"""A backup (database dump and media) restored onto a fresh database brings back cases, photos, snapshots
and bulletins."""

import datetime as dt
import os
import subprocess
import sys
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection

from cases.attachments import check_photo
from cases.choices import AttachmentKind
from cases.services import perform
from evaluation.bulletin import generate_bulletin
from evaluation.services import compute_snapshot, start_snapshot

from .lifecycle import S, advance, at, new_case
from .test_rules_and_photos import jpeg_with_gps
from .test_settings import ROOT


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_backup_restored_onto_a_fresh_database_brings_everything_back(users, city, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    case = advance(new_case(users, city, now=at(2026, 11, 3, 9)), users, city, S.DISPATCHED, now=at(2026, 11, 3, 9))
    photo = check_photo(SimpleUploadedFile("after.jpg", jpeg_with_gps()), AttachmentKind.AFTER)
    perform(
        case_id=case.pk,
        action="handle",
        actor=users.unit_operator_d1,
        note="已清理",
        photos=[photo],
        now=at(2026, 11, 3, 10),
    )
    compute_snapshot(start_snapshot(start=dt.date(2026, 11, 1), end=dt.date(2026, 11, 30)))
    bulletin = generate_bulletin(dt.date(2026, 11, 1))
    photo_name = case.attachments.get().image.name

    call_command("backup", str(tmp_path / "backup"))
    assert {p.name for p in (tmp_path / "backup").iterdir()} == {"database.dump", "media.tar.gz", "manifest.json"}

    fresh = f"citymgmt_restore_{uuid.uuid4().hex[:8]}"
    db = connection.settings_dict
    subprocess.run(["createdb", "-h", db["HOST"] or "127.0.0.1", "-U", db["USER"] or "postgres", fresh], check=True)
    try:
        env = os.environ | {
            "DATABASE_URL": f"postgis://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{fresh}",
            "MEDIA_ROOT": str(tmp_path / "restored-media"),
            "SECRET_KEY": "restore",
        }
        manage = [sys.executable, "manage.py"]
        restored = subprocess.run(
            [*manage, "restore", str(tmp_path / "backup")], cwd=ROOT, env=env, capture_output=True, text=True
        )
        assert restored.returncode == 0, restored.stderr
        counts = subprocess.run(
            [
                *manage,
                "shell",
                "-c",
                "from cases.models import Case, Attachment; from evaluation.models import "
                "Snapshot, Bulletin; print(Case.objects.count(), Attachment.objects.count(), "
                "Snapshot.objects.filter(status='done').count(), Bulletin.objects.count(), "
                "Case.objects.get().state)",
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        assert counts.stdout.splitlines()[-1].split() == ["1", "1", "1", "1", S.HANDLED], counts.stderr
        assert (tmp_path / "restored-media" / photo_name).stat().st_size > 0
        assert (tmp_path / "restored-media" / bulletin.pdf.name).read_bytes().startswith(b"%PDF")
    finally:
        subprocess.run(["dropdb", "-h", db["HOST"] or "127.0.0.1", "-U", db["USER"] or "postgres", fresh], check=False)
