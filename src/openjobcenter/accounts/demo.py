"""Demo people: customers and staff in every role, with a known TOTP secret."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP

from openjobcenter.accounts.models import CustomerProfile, Role, StaffMembership, User
from openjobcenter.tenants.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, DemoLogin
from openjobcenter.tenants.models import Jobcenter

STAFF = [
    ("admin@fulda.example.org", "Anna", "Admin", "fulda", Role.ADMIN),
    ("sachbearbeitung@fulda.example.org", "Sami", "Sachbearbeiter", "fulda", Role.CASEWORKER),
    ("vermittlung@fulda.example.org", "Vera", "Vermittlerin", "fulda", Role.JOB_ADVISOR),
    ("empfang@fulda.example.org", "Emil", "Empfang", "fulda", Role.RECEPTION),
    ("teamleitung@fulda.example.org", "Tanja", "Teamleitung", "fulda", Role.TEAM_LEAD),
    ("admin@wiesbaden.example.org", "Willi", "Admin", "wiesbaden", Role.ADMIN),
    # The second fully adapted job centre (tenants.demo.load_main_kinzig).
    ("admin@main-kinzig.example.org", "Marta", "Adler", "main-kinzig", Role.ADMIN),
    (
        "sachbearbeitung@main-kinzig.example.org",
        "Mehmet",
        "Yilmaz",
        "main-kinzig",
        Role.CASEWORKER,
    ),
    ("vermittlung@main-kinzig.example.org", "Katrin", "Berger", "main-kinzig", Role.JOB_ADVISOR),
    ("empfang@main-kinzig.example.org", "Jonas", "Weber", "main-kinzig", Role.RECEPTION),
    ("teamleitung@main-kinzig.example.org", "Sabine", "Roth", "main-kinzig", Role.TEAM_LEAD),
]
CUSTOMERS = [
    ("kunde@example.org", "Karl", "Kunde", "fulda", "1234567A", "Marktstraße 3", "36037", "Fulda"),
    (
        "kundin@example.org",
        "Olena",
        "Kovalenko",
        "fulda",
        None,
        "Bahnhofstraße 7",
        "36088",
        "Hünfeld",
    ),
    (
        "kunde.maintal@example.org",
        "Lukas",
        "Becker",
        "main-kinzig",
        "MKK-204711",
        "Kennedystraße 8",
        "63477",
        "Maintal",
    ),
    (
        "kundin.gelnhausen@example.org",
        "Amira",
        "Haddad",
        "main-kinzig",
        None,
        "Kuhgasse 4",
        "63571",
        "Gelnhausen",
    ),
]


def _user(email: str, first: str, last: str, **extra: object) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            email=email, password=DEMO_PASSWORD, first_name=first, last_name=last, **extra
        )
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def load_people() -> list[DemoLogin]:
    logins: list[DemoLogin] = []
    operator = _user("operator@example.org", "Otto", "Operator", is_staff=True, is_superuser=True)
    # The admin asks for the second factor too (core.admin_site): the same demo secret.
    if not Authenticator.objects.filter(user=operator, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(operator, DEMO_TOTP_SECRET)
    logins.append(DemoLogin(operator.email, "operator: Django admin at /admin/ (TOTP below)"))
    for email, first, last, slug, role in STAFF:
        user = _user(email, first, last)
        StaffMembership.objects.get_or_create(
            user=user, jobcenter=Jobcenter.objects.get(slug=slug), role=role
        )
        if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            TOTP.activate(user, DEMO_TOTP_SECRET)
        logins.append(DemoLogin(email, f"staff /{slug}/staff/ ({role.label}, TOTP below)"))
    for email, first, last, slug, number, street, postcode, city in CUSTOMERS:
        user = _user(email, first, last)
        CustomerProfile.objects.get_or_create(
            user=user,
            defaults={
                "jobcenter": Jobcenter.objects.get(slug=slug),
                "customer_number": number,
                "street": street,
                "postcode": postcode,
                "city": city,
            },
        )
        logins.append(DemoLogin(email, f"customer of /{slug}/"))
    return logins
