"""The job centre's letterhead on the PDFs it issues (receipts, application summary).

PDFs leave the platform (printed, forwarded to other offices), so they carry the job
centre's own name, logo and colour, like its letters, not the platform's. The logo is
embedded as a data: URI so WeasyPrint never fetches anything; only the raster formats
the settings page accepts (PNG, JPEG, WebP), read up to ``LOGO_MAX_BYTES``.
"""

from __future__ import annotations

import base64
import re
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.storage import default_storage

if TYPE_CHECKING:
    from openjobcenter.tenants.models import Jobcenter

_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"RIFF", "image/webp"),
)


def _logo_data_uri(jobcenter: Jobcenter) -> str:
    name = jobcenter.logo.name if jobcenter.logo else ""
    if not name or not default_storage.exists(name):
        return ""
    with default_storage.open(name, "rb") as handle:
        data = handle.read(settings.LOGO_MAX_BYTES + 1)
    if len(data) > settings.LOGO_MAX_BYTES:
        return ""
    for magic, mime in _SIGNATURES:
        if data.startswith(magic) and (mime != "image/webp" or data[8:12] == b"WEBP"):
            return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
    return ""


def _title(jobcenter: Jobcenter) -> str:
    # Job centres are registered by their district's name ("Landkreis Fulda"); on paper
    # the sender is the job centre, so it says so unless the name already does.
    if "jobcenter" in jobcenter.name.casefold():
        return jobcenter.name
    return f"Jobcenter {jobcenter.name}"


def _address_lines(jobcenter: Jobcenter) -> list[str]:
    """The main office's address and the job centre's contact: where a reply goes."""
    lines = []
    office = jobcenter.offices.order_by("position", "name").first()
    if office is not None:
        lines.append(f"{office.street}, {office.postcode} {office.city}")
    contact = [part for part in (jobcenter.phone, jobcenter.email) if part]
    if office is not None and not contact and office.phone:
        contact.append(office.phone)
    if contact:
        lines.append(" · ".join(contact))
    return lines


def letterhead(jobcenter: Jobcenter) -> dict[str, Any]:
    colour = jobcenter.primary_colour if _COLOUR.match(jobcenter.primary_colour or "") else ""
    return {
        "name": jobcenter.name,
        "title": _title(jobcenter),
        "lines": _address_lines(jobcenter),
        "colour": colour or "#1d4f91",
        "logo": _logo_data_uri(jobcenter),
    }
