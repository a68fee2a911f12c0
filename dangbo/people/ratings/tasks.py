"""Background jobs of the ratings, run by the django-tasks worker (``manage.py db_worker``)."""

from __future__ import annotations

from django_tasks import task


@task()
def prefill_campaign_task(campaign_id: int) -> int:
    """Pre-fill a rating campaign's subtree (a whole province takes minutes: the campaign's page
    shows the progress the job writes). Returns the number of subjects."""
    from .services import campaign_prefill

    return campaign_prefill(campaign_id=campaign_id)
