"""URL blocks of the notifications module, mounted by ``config/urls.py``."""

from __future__ import annotations

from django.urls import URLPattern

# Under /<jc>/mein-bereich/ (namespace "customer").
customer_patterns: list[URLPattern] = []

# Under /<jc>/staff/ (namespace "staff").
staff_patterns: list[URLPattern] = []

# Under /<jc>/ (namespace "tenant").
tenant_patterns: list[URLPattern] = []
