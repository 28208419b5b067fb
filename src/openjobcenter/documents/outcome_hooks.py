"""What other modules do when a document's processing ends (DESIGN §4.4: an explicit
registry, not a signal).

The documents pipeline runs in the background, after the upload was stored. When a
document leaves ``processing`` (received, refused or failed), every registered hook is
called with it, after the commit. The chat uses this to tell a conversation that a photo
sent in it could not be used.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from openjobcenter.documents.models import Document

logger = logging.getLogger(__name__)

OutcomeHook = Callable[["Document"], None]
_hooks: list[OutcomeHook] = []


def register(hook: OutcomeHook) -> OutcomeHook:
    if hook not in _hooks:
        _hooks.append(hook)
    return hook


def run(document: Document) -> None:
    """Called once a document's processing has ended and is committed. A failing hook is
    logged; it does not stop the others, and the document stays as it is."""
    for hook in list(_hooks):
        try:
            hook(document)
        except Exception:
            logger.exception("document outcome hook %r failed for document %s", hook, document.pk)
