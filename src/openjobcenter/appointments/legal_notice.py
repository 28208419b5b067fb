"""Which legal notice (Rechtsfolgenbelehrung) an invitation carries, and its plain words.

An invitation (§ 59 SGB II with § 309 SGB III) only has consequences if the notice told
the person what they are, so it has to fit the person's situation:

- a benefit recipient who misses the appointment without an important reason loses
  10 % of the standard need for one month (§ 32 SGB II);
- an applicant whose application is not decided yet must come all the same (the duty to
  report applies from the claim on), but there is no benefit yet that could be reduced:
  the reduction can only follow once benefits are granted, and a missing answer can
  delay the decision.

The texts are fixed and translated (they must be the same for everyone in that
situation); the job centre's own text on the appointment type is shown beneath them as
an additional note, never instead of them.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

    from openjobcenter.accounts.models import CustomerProfile


class Situation(StrEnum):
    APPLICANT = "applicant"
    RECIPIENT = "recipient"


def situation_of(customer: CustomerProfile) -> Situation:
    """Recipient once an application was decided, or when the person files renewals or
    change notices (only recipients do); otherwise an applicant without a decision."""
    from openjobcenter.applications.models import (
        Application,
        ApplicationKind,
        ApplicationStatus,
    )

    decided = Application.objects.filter(customer=customer).filter(
        status=ApplicationStatus.DECIDED
    ) | Application.objects.filter(
        customer=customer,
        kind__in=(ApplicationKind.RENEWAL, ApplicationKind.CHANGE_NOTICE),
    ).exclude(status=ApplicationStatus.DRAFT)
    return Situation.RECIPIENT if decided.exists() else Situation.APPLICANT


def notice_paragraphs(situation: Situation) -> list[StrPromise]:
    """The notice in plain words, paragraph by paragraph (German source, translated)."""
    common_end = [
        _(
            "Ein wichtiger Grund ist zum Beispiel, dass Sie krank sind und deshalb nicht "
            "teilnehmen können, ein Vorstellungsgespräch haben oder Ihr Kind nicht betreut ist. Sagen "
            "Sie uns den Grund bitte vor dem Termin und schicken Sie einen Nachweis, zum "
            "Beispiel eine ärztliche Bescheinigung."
        ),
        _(
            "Bevor wir etwas entscheiden, fragen wir Sie nach Ihren Gründen. Sie können "
            "sich dann dazu äußern."
        ),
    ]
    if situation == Situation.RECIPIENT:
        return [
            _(
                "Sie bekommen Bürgergeld. Sie sind verpflichtet, an diesem Termin teilzunehmen "
                "(§ 59 SGB II mit § 309 SGB III)."
            ),
            _(
                "Wenn Sie ohne wichtigen Grund nicht teilnehmen, wird Ihr Bürgergeld gemindert: "
                "für einen Monat um 10 Prozent des Regelbedarfs, der für Sie gilt "
                "(§ 32 SGB II)."
            ),
            *common_end,
        ]
    return [
        _(
            "Sie haben Bürgergeld beantragt und über Ihren Antrag ist noch nicht entschieden. "
            "Auch jetzt schon sind Sie verpflichtet, an diesem Termin teilzunehmen "
            "(§ 59 SGB II mit § 309 SGB III)."
        ),
        _(
            "Wenn Sie ohne wichtigen Grund nicht teilnehmen und Ihnen danach Bürgergeld "
            "bewilligt wird, kann es für einen Monat um 10 Prozent des Regelbedarfs, der "
            "für Sie gilt, gemindert werden (§ 32 SGB II). Außerdem kann sich die "
            "Entscheidung über Ihren Antrag verzögern, wenn wir Fragen nicht klären können."
        ),
        *common_end,
    ]
