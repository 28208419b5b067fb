"""The news settings, typed (``settings.NEWS``, config/news_settings.py)."""

from __future__ import annotations

from django.conf import settings

from openjobcenter.config.news_settings import NewsSettings


def news_conf() -> NewsSettings:
    return settings.NEWS
