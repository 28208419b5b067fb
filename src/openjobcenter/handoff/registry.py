"""The registry of hand-off backends: key → backend instance."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from openjobcenter.handoff.base import HandoffBackend

B = TypeVar("B", bound="type[HandoffBackend]")

_backends: dict[str, HandoffBackend] = {}


def register(cls: B) -> B:
    """Class decorator: make a backend available under its ``key``."""
    _backends[cls.key] = cls()
    return cls


def get_backend(key: str) -> HandoffBackend:
    """The backend registered under ``key``; ``KeyError`` when there is none."""
    return _backends[key]


def all_backends() -> list[HandoffBackend]:
    return list(_backends.values())
