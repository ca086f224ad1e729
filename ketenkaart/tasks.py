from celery import shared_task

from . import services


# acks_late and reject_on_worker_lost (the project's defaults, said here because this
# task relies on them): a worker that dies half-way hands the message back. Running it
# again is harmless: location_import_run takes only a queued run or one that has shown
# no sign of life for IMPORT_STUCK_AFTER, and applying commits with the run's record.
@shared_task(
    name="ketenkaart.import_locations", acks_late=True, reject_on_worker_lost=True
)
def import_locations(run_id: int) -> str:
    return services.location_import_run(run_id=run_id)


@shared_task(name="ketenkaart.clean_import_files")
def clean_import_files() -> int:
    return services.location_import_files_clean()


@shared_task(name="ketenkaart.publish_location_list")
def publish_location_list(release_id: int) -> str:
    from . import releases

    return releases.release_build(release_id=release_id).status


@shared_task(name="ketenkaart.send_supplier_report_notice")
def send_supplier_report_notice(notified_id: int) -> int:
    from . import notifications

    return notifications.supplier_report_notice_mail(notified_id=notified_id)
