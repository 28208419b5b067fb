"""Form definitions, versioned. Importing this package registers every version.

Never change a released version's keys or meaning: add ``v2`` beside ``v1`` instead, so a
submitted application always shows with the questions it was filed with.
"""

from openjobcenter.applications.definitions import (
    change_notice_v1,
    initial_v1,
    initial_v2,
    renewal_v1,
)

__all__ = ["change_notice_v1", "initial_v1", "initial_v2", "renewal_v1"]
