"""The single exception type raised for input the calculator cannot accept."""

from __future__ import annotations


class CalculationError(Exception):
    """Input error with the offending field path and a plain-language message.

    ``field`` is a path into the input document such as ``"members[0].age"``
    (empty string for the document itself); ``message`` is German for the
    people the calculator serves, ``message_en`` the English counterpart.
    """

    def __init__(self, field: str, message: str, message_en: str) -> None:
        super().__init__(f"{field}: {message}" if field else message)
        self.field = field
        self.message = message
        self.message_en = message_en

    def to_dict(self) -> dict[str, str]:
        """Return the error as a JSON-serialisable dictionary."""
        return {"field": self.field, "message": self.message, "message_en": self.message_en}
