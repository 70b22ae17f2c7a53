"""The production settings plus one reference page (``benchmarks/urls.py``)."""

from soli_dome.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.urls"
