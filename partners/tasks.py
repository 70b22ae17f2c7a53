from celery import shared_task

from . import import_jobs


@shared_task(name="partners.run_import_job")
def run_import_job(job_id):
    """A large import, confirmed by a coordinator: checked again and written, all or nothing."""
    import_jobs.run(job_id)
