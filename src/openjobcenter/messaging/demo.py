"""Demo conversations for Fulda, so the chat is not empty when someone tries the demo
logins: a customer's question answered by the team, a job advisor asking for a missing
paper (unread by the customer), and text templates. Idempotent: nothing is added when the
demo customer already has a conversation."""

from __future__ import annotations

from openjobcenter.accounts.models import CustomerProfile, User
from openjobcenter.messaging import services
from openjobcenter.messaging.models import Conversation, TextTemplate, Topic
from openjobcenter.tenants.models import Jobcenter

TEMPLATES = (
    (
        "Unterlage fehlt",
        (
            "Guten Tag {vorname} {nachname},\n\nuns fehlt noch eine Unterlage. Bitte laden Sie "
            "sie unter „Meine Unterlagen“ hoch oder schicken Sie hier ein Foto.\n\n"
            "Ihr {jobcenter}"
        ),
    ),
    (
        "Termin fällt aus",
        (
            "Guten Tag {vorname} {nachname},\n\nIhr Termin {termin} muss leider ausfallen. "
            "Bitte buchen Sie unter „Termine“ einen neuen.\n\nIhr {jobcenter}"
        ),
    ),
)


def load_conversations() -> None:
    fulda = Jobcenter.objects.get(slug="fulda")
    customer = CustomerProfile.objects.select_related("user").get(user__email="kunde@example.org")
    caseworker = User.objects.get(email="sachbearbeitung@fulda.example.org")
    advisor = User.objects.get(email="vermittlung@fulda.example.org")
    services.topics_ensure_defaults(jobcenter=fulda)
    for title, body in TEMPLATES:
        if not TextTemplate.objects.filter(jobcenter=fulda, title=title).exists():
            services.template_save(jobcenter=fulda, actor=caseworker, title=title, body=body)
    if Conversation.objects.filter(customer=customer).exists():
        return
    benefits = Topic.objects.filter(jobcenter=fulda).order_by("position").first()
    question = services.conversation_start(
        customer=customer,
        author=customer.user,
        data=services.StartRequest(
            subject="Frage zu meinem Bescheid",
            body="Guten Tag, wie wird mein Minijob auf das Bürgergeld angerechnet?",
            topic=benefits,
        ),
    )
    services.message_send(
        conversation=question,
        author=caseworker,
        body=(
            "Guten Tag Herr Kunde, von Ihrem Verdienst bleiben 100 Euro ganz frei, vom Rest "
            "bis 520 Euro 20 Prozent. Die genaue Rechnung steht auf Seite 3 Ihres Bescheids."
        ),
    )
    services.conversation_mark_read(conversation=question, user=customer.user)
    services.conversation_start(
        customer=customer,
        author=advisor,
        data=services.StartRequest(
            subject="Unterlagen für unser Gespräch",
            body=(
                "Guten Tag Herr Kunde, für unser nächstes Gespräch fehlt mir noch Ihr "
                "Lebenslauf. Können Sie ihn hier als Foto oder PDF schicken?"
            ),
            advisor=advisor,
        ),
    )


MAIN_KINZIG_TOPICS = (
    ("Wohnen und Heizkosten", "Miete, Nebenkosten, Umzug, Heizkostenabrechnung"),
    ("Bildung und Teilhabe", "Schulbedarf, Klassenfahrt, Lernförderung, Vereinsbeitrag"),
)
MAIN_KINZIG_TEMPLATES = (
    (
        "Kontoauszüge fehlen",
        (
            "Guten Tag {vorname} {nachname},\n\nfür Ihren Antrag brauchen wir noch Ihre "
            "Kontoauszüge der letzten drei Monate. Bitte laden Sie sie unter „Meine Unterlagen“ "
            "hoch.\n\nFreundliche Grüße\nIhr {jobcenter}"
        ),
    ),
    (
        "Heizkostenabrechnung erhalten",
        (
            "Guten Tag {vorname} {nachname},\n\nvielen Dank für Ihre Heizkostenabrechnung. "
            "Wir prüfen sie und melden uns, sobald wir entschieden haben.\n\nIhr {jobcenter}"
        ),
    ),
)


def load_main_kinzig_conversations() -> None:
    jobcenter = Jobcenter.objects.get(slug="main-kinzig")
    customer = CustomerProfile.objects.select_related("user").get(
        user__email="kunde.maintal@example.org"
    )
    caseworker = User.objects.get(email="sachbearbeitung@main-kinzig.example.org")
    admin = User.objects.get(email="admin@main-kinzig.example.org")
    services.topics_ensure_defaults(jobcenter=jobcenter)
    for offset, (name, description) in enumerate(MAIN_KINZIG_TOPICS):
        if not Topic.objects.filter(jobcenter=jobcenter, name=name).exists():
            services.topic_save(
                jobcenter=jobcenter,
                actor=admin,
                name=name,
                description=description,
                position=10 + offset,
            )
    for title, body in MAIN_KINZIG_TEMPLATES:
        if not TextTemplate.objects.filter(jobcenter=jobcenter, title=title).exists():
            services.template_save(jobcenter=jobcenter, actor=caseworker, title=title, body=body)
    if Conversation.objects.filter(customer=customer).exists():
        return
    housing = Topic.objects.get(jobcenter=jobcenter, name=MAIN_KINZIG_TOPICS[0][0])
    question = services.conversation_start(
        customer=customer,
        author=customer.user,
        data=services.StartRequest(
            subject="Nachzahlung Heizkosten",
            body=(
                "Guten Tag, ich habe eine Nachzahlung von 214 Euro für die Heizkosten bekommen. "
                "Übernimmt das Jobcenter die Kosten?"
            ),
            topic=housing,
        ),
    )
    services.message_send(
        conversation=question,
        author=caseworker,
        body=(
            "Guten Tag Herr Becker, ja, eine Nachzahlung für Ihre Wohnung können wir übernehmen. "
            "Bitte schicken Sie uns die Abrechnung als Foto oder PDF, dann prüfen wir sie."
        ),
    )
