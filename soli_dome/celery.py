"""Celery application: the broker comes from settings (Redis in production, the file system in
the embedded default), task modules are discovered in every installed app."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "soli_dome.settings")

app = Celery("soli_dome")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
