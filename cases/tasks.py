from celery import shared_task

from . import services


@shared_task(name="cases.flag_overdue")
def flag_overdue() -> int:
    return services.flag_overdue()


@shared_task(name="cases.export_cases")
def export_cases(export_id: int) -> int:
    """Idempotent: a redelivered task leaves a finished export alone."""
    from .exports import run_export
    from .models import CaseExport, ExportStatus

    export = CaseExport.objects.get(pk=export_id)
    if export.status == ExportStatus.RUNNING:
        run_export(export)
    return export.pk
