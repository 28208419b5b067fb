"""A rough readability measure for texts in Leichte Sprache (German).

Not a verdict on a text (only a test group can give that, docs/languages.md), but a
guard against regressions: the longest sentence in words, the number of long words
(a part of more than ``LONG_WORD`` letters; hyphenated compounds such as "Job-Center"
count per part, as the Netzwerk Leichte Sprache asks), and the number of sentences that
look passive (a form of "werden" with a past participle).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

LONG_WORD = 13
SENTENCE_END = re.compile(r"(?<=[.!?:])\s+|\n+")
WORD = re.compile(r"[A-Za-zÄÖÜäöüß]+")
PLACEHOLDER = re.compile(r"%\([^)]+\)[-#0 +]*\d*(?:\.\d+)?[a-zA-Z]|\{[^}]*\}|<[^>]+>")
WERDEN = {"werde", "wirst", "wird", "werden", "werdet", "wurde", "wurden", "wurdest", "worden"}
# A past participle: ge...t / ge...en (gemacht, geschrieben), or ...iert (informiert).
PARTICIPLE = re.compile(r"^(ge\w{2,}(t|en)|\w{3,}iert)$")
# Words that look like participles but are not (nouns, adjectives often used in LS).
NOT_PARTICIPLE = {"geld", "gegen", "genug", "gern", "gestern", "geheimen", "gerne", "gesundheit"}


@dataclass(frozen=True)
class Readability:
    longest_sentence: int
    long_words: int
    passive: int

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def sentences(text: str) -> list[str]:
    clean = PLACEHOLDER.sub("X", text)
    return [s.strip() for s in SENTENCE_END.split(clean) if s.strip()]


def _is_passive(words: list[str]) -> bool:
    lowered = [w.lower() for w in words]
    if not WERDEN & set(lowered):
        return False
    return any(PARTICIPLE.match(w) and w not in NOT_PARTICIPLE for w in lowered)


def assess(text: str) -> Readability:
    longest = long_words = passive = 0
    for sentence in sentences(text):
        words = WORD.findall(sentence)  # parts: "Job-Center" is Job, Center
        # A hyphenated compound is one word of the sentence.
        longest = max(longest, sum(1 for token in sentence.split() if WORD.search(token)))
        long_words += sum(1 for w in words if len(w) > LONG_WORD)
        passive += _is_passive(words)
    return Readability(longest, long_words, passive)
