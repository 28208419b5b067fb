"""The documents fixtures (module on, private media folder, after-commit work at once)."""

from tests.documents.conftest import _commit_now, _media, docs_on

__all__ = ["_commit_now", "_media", "docs_on"]
