"""Which need-to-know category each piece of a case is (``core.need_to_know``).

The categories and who may see them are decided in ``core.need_to_know``; this module
only says what a document kind or a conversation is about. Unknown kinds and a job
centre's own chat topics count as benefit data: the strict side.
"""

from __future__ import annotations

from openjobcenter.core.need_to_know import Category

HEALTH_KINDS = frozenset(
    {"medical_certificate", "sick_note", "pregnancy_certificate", "disability_proof"}
)
# The default topics (messaging.models.DEFAULT_TOPICS) by their stored German name.
PLACEMENT_TOPICS = frozenset({"Arbeitsvermittlung"})
GENERAL_TOPICS = frozenset({"Termine", "Allgemeines"})


def document_category(kind: str) -> Category:
    return Category.HEALTH_DOCUMENTS if kind in HEALTH_KINDS else Category.FINANCIAL_DOCUMENTS


def conversation_category(*, personal: bool, topic_name: str | None) -> Category:
    """A personal conversation is with the job advisor (placement); a topic's is the
    topic's team's."""
    if personal or topic_name in PLACEMENT_TOPICS:
        return Category.PLACEMENT_CHAT
    if topic_name in GENERAL_TOPICS:
        return Category.GENERAL
    return Category.BENEFIT_CHAT
