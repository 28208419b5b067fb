"""The steps of version 1 of the forms, shared by first application, renewal and change
notice (one topic per page). Labels are German source strings, help texts answer
"Was bedeutet das?" in plain language."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from openjobcenter.applications.engine import (
    AnyPerson,
    Eq,
    Field,
    FieldType,
    Has,
    In,
    PersonIs,
    PersonRole,
    Step,
    Yes,
    choices,
)

T = FieldType


def money(key: str, label: object, help_text: object = "", **kw: object) -> Field:
    return Field(key, T.MONEY, label, help=help_text, hint=_("Euro im Monat"), **kw)  # type: ignore[arg-type]


H_NOTICE_AMOUNT = _(
    "Der Betrag, der jeden Monat gezahlt wird. Er steht im Bescheid oder auf dem Kontoauszug."
)
H_NATIONALITY = _(
    "Wenn Sie mehrere Staatsangehörigkeiten haben und eine davon deutsch ist, wählen Sie deutsch."
)
H_EDUCATION = _(
    "Gemeint sind Schule, Berufsausbildung oder Studium. Dafür gelten beim Bürgergeld besondere "
    "Regeln, zum Beispiel beim Einkommen aus einem Ferienjob."
)
T_TOPIC_PERSONAL = _("Angaben zur Person")
T_TOPIC_BANK = _("Bankverbindung")
T_TOPIC_SITUATION = _("Persönliche Situation")
T_TOPIC_HOUSEHOLD = _("Haushalt")
T_TOPIC_HOUSING = _("Wohnung und Heizung")
T_TOPIC_INCOME = _("Einkommen")
T_TOPIC_ASSETS = _("Vermögen")
T_TOPIC_MAINTENANCE = _("Unterhalt")
T_TOPIC_NEEDS = _("Mehrbedarfe")
T_TOPIC_HEALTH = _("Krankenversicherung")
T_TOPIC_DAMAGES = _("Unfälle und Schäden")
T_TOPIC_DECLARATIONS = _("Erklärungen")
T_TOPIC_CHANGES = _("Änderungen")

FILING = Step(
    "filing",
    _("Antrag stellen"),
    T_TOPIC_PERSONAL,
    intro=_(
        "Mit diesen wenigen Angaben ist Ihr Antrag gestellt. Das Bürgergeld kann dann ab dem "
        "Ersten dieses Monats gezahlt werden. Alles Weitere können Sie danach in Ruhe "
        "ergänzen."
    ),
    filing=True,
    fields=(
        Field("first_name", T.TEXT, _("Vorname"), max_length=100, autocomplete="given-name"),
        Field("last_name", T.TEXT, _("Nachname"), max_length=100, autocomplete="family-name"),
        Field(
            "birth_date",
            T.DATE,
            _("Geburtsdatum"),
            hint=_("Zum Beispiel 31.01.1980"),
            autocomplete="bday",
        ),
        Field(
            "street",
            T.TEXT,
            _("Straße und Hausnummer"),
            max_length=200,
            autocomplete="street-address",
        ),
        Field("postcode", T.POSTCODE, _("Postleitzahl"), max_length=5, autocomplete="postal-code"),
        Field("city", T.TEXT, _("Ort"), max_length=100, autocomplete="address-level2"),
        Field(
            "email",
            T.EMAIL,
            _("E-Mail-Adresse"),
            help=_("Hierhin schicken wir die Eingangsbestätigung."),
            max_length=254,
            autocomplete="email",
        ),
        Field(
            "phone",
            T.PHONE,
            _("Telefonnummer"),
            required=False,
            hint=_("Freiwillig. Für schnelle Rückfragen."),
            max_length=30,
            autocomplete="tel",
        ),
    ),
)

NATIONALITY = choices(
    ("german", _("deutsch")),
    ("eu", _("aus einem anderen EU-Staat")),
    ("other", _("aus einem anderen Staat")),
)
MARITAL = choices(
    ("single", _("ledig")),
    ("married", _("verheiratet oder eingetragene Lebenspartnerschaft")),
    ("separated", _("getrennt lebend")),
    ("divorced", _("geschieden")),
    ("widowed", _("verwitwet")),
)

PERSONAL = Step(
    "personal",
    _("Angaben zu Ihrer Person"),
    T_TOPIC_PERSONAL,
    fields=(
        Field(
            "birth_name",
            T.TEXT,
            _("Geburtsname"),
            required=False,
            max_length=100,
            hint=_("Nur wenn er anders ist als Ihr Nachname."),
        ),
        Field("birth_place", T.TEXT, _("Geburtsort"), max_length=100),
        Field(
            "nationality",
            T.CHOICE,
            _("Staatsangehörigkeit"),
            choices=NATIONALITY,
            help=H_NATIONALITY,
        ),
        Field(
            "residence_permit",
            T.TEXT,
            _("Aufenthaltstitel"),
            help=_(
                "Der Aufenthaltstitel steht auf Ihrer Aufenthaltserlaubnis, zum Beispiel "
                "„Aufenthaltserlaubnis nach § 25 AufenthG“."
            ),
            show_if=Eq(".nationality", "other"),
            max_length=200,
        ),
        Field(
            "marital_status",
            T.CHOICE,
            _("Familienstand"),
            choices=MARITAL,
            help=_(
                "So, wie er beim Standesamt eingetragen ist, auch wenn Sie anders zusammenleben."
            ),
        ),
        Field(
            "tax_id",
            T.TAX_ID,
            _("Steuer-Identifikationsnummer"),
            required=False,
            max_length=20,
            help=_(
                "Die 11-stellige Nummer steht auf Ihrer Lohnsteuerbescheinigung oder in "
                "einem Brief des Bundeszentralamts für Steuern."
            ),
        ),
        Field(
            "pension_number",
            T.PENSION_NUMBER,
            _("Rentenversicherungsnummer"),
            required=False,
            max_length=20,
            help=_(
                "Sie steht auf Ihrem Sozialversicherungsausweis und auf Lohnabrechnungen, "
                "zum Beispiel 12 150780 M 003."
            ),
        ),
    ),
)

BANK = Step(
    "bank",
    _("Bankverbindung"),
    T_TOPIC_BANK,
    fields=(
        Field(
            "has_account",
            T.YESNO,
            _("Haben Sie ein Konto, auf das wir das Geld überweisen können?"),
            help=_(
                "Jeder Mensch hat in Deutschland das Recht auf ein Basiskonto. Wenn Sie kein "
                "Konto haben, sprechen Sie uns an."
            ),
        ),
        Field(
            "iban",
            T.IBAN,
            _("IBAN"),
            hint=_("Zum Beispiel DE89 3704 0044 0532 0130 00"),
            max_length=42,
            show_if=Yes(".has_account"),
            help=_("Die IBAN steht auf Ihrer Bankkarte und auf Ihren Kontoauszügen."),
        ),
        Field(
            "account_holder",
            T.TEXT,
            _("Kontoinhaber/in"),
            help=_(
                "Wenn das Konto nicht Ihnen gehört, tragen Sie den Namen der Person ein, der es "
                "gehört."
            ),
            max_length=100,
            show_if=Yes(".has_account"),
        ),
    ),
)

EDUCATION = choices(
    ("none", _("nein")),
    ("school", _("Schule")),
    ("training", _("Ausbildung")),
    ("studies", _("Studium")),
)

SITUATION = Step(
    "situation",
    _("Ihre persönliche Situation"),
    T_TOPIC_SITUATION,
    fields=(
        Field(
            "able_to_work",
            T.YESNO,
            _("Können Sie mindestens 3 Stunden am Tag arbeiten?"),
            help=_(
                "Gemeint ist, ob Sie gesundheitlich in der Lage sind, mindestens 3 Stunden am "
                "Tag zu arbeiten. Ob Sie gerade eine Arbeit haben, spielt keine Rolle."
            ),
        ),
        Field(
            "education",
            T.CHOICE,
            _("Gehen Sie zur Schule, machen Sie eine Ausbildung oder studieren Sie?"),
            help=H_EDUCATION,
            choices=EDUCATION,
        ),
        Field(
            "in_institution",
            T.YESNO,
            _("Sind Sie in einem Krankenhaus oder einer anderen Einrichtung untergebracht?"),
            help=_(
                "Zum Beispiel ein Krankenhaus, eine Reha-Klinik, eine Justizvollzugsanstalt oder "
                "eine Pflegeeinrichtung."
            ),
        ),
        Field(
            "institution",
            T.TEXT,
            _("Name und Ort der Einrichtung"),
            max_length=200,
            show_if=Yes(".in_institution"),
        ),
        Field(
            "pension",
            T.YESNO,
            _("Beziehen oder beantragen Sie eine Rente?"),
            help=_("Zum Beispiel eine Altersrente, Erwerbsminderungsrente oder Witwenrente."),
        ),
    ),
)

MEMBER_ROLE_HELP = _(
    "Tragen Sie alle Menschen ein, die mit Ihnen in der Wohnung leben: Ehe- oder "
    "Lebenspartner/in, Kinder und andere Personen, zum Beispiel Eltern oder "
    "Mitbewohner/innen. Jede Person tragen Sie nur einmal ein."
)

HOUSEHOLD = Step(
    "household",
    _("Wer lebt mit Ihnen im Haushalt?"),
    T_TOPIC_HOUSEHOLD,
    intro=_("Wenn Sie allein leben, lassen Sie die Liste leer."),
    fields=(
        Field(
            "members", T.PERSONS, _("Personen im Haushalt"), required=False, help=MEMBER_ROLE_HELP
        ),
    ),
)

MEMBER = Step(
    "member",
    _("Angaben zur Person"),
    T_TOPIC_HOUSEHOLD,
    per_person=PersonIs(roles=(PersonRole.PARTNER, PersonRole.CHILD, PersonRole.OTHER)),
    fields=(
        Field(
            "nationality",
            T.CHOICE,
            _("Staatsangehörigkeit"),
            choices=NATIONALITY,
            help=H_NATIONALITY,
        ),
        Field(
            "in_benefit_unit",
            T.YESNO,
            _("Wirtschaften Sie gemeinsam aus einem Topf?"),
            help=_(
                "Gemeint ist, ob Sie Miete, Essen und andere Ausgaben gemeinsam bezahlen. "
                "Wohngemeinschaften, in denen jede Person für sich selbst sorgt, antworten "
                "mit Nein."
            ),
            show_if=PersonIs(roles=(PersonRole.OTHER,)),
        ),
        Field(
            "education",
            T.CHOICE,
            _("Geht die Person zur Schule, macht sie eine Ausbildung oder studiert sie?"),
            help=H_EDUCATION,
            choices=EDUCATION,
            show_if=PersonIs(min_age=6),
        ),
        Field(
            "able_to_work",
            T.YESNO,
            _("Kann die Person mindestens 3 Stunden am Tag arbeiten?"),
            help=_(
                "Gemeint ist, ob die Gesundheit der Person mindestens 3 Stunden Arbeit am Tag "
                "erlaubt. Ob sie gerade eine Arbeit hat, spielt keine Rolle."
            ),
            show_if=PersonIs(min_age=15),
        ),
    ),
)

HOUSING_KIND = choices(
    ("rent", _("Ich wohne zur Miete (auch Untermiete)")),
    ("own", _("Ich wohne im eigenen Haus oder in der eigenen Wohnung")),
    ("free", _("Ich wohne mietfrei, zum Beispiel bei Angehörigen")),
    ("none", _("Ich habe keine eigene Wohnung")),
)
HEATING_KIND = choices(
    ("central", _("Zentralheizung oder Fernwärme")),
    ("gas", _("Gasetagenheizung")),
    ("oil", _("Öl")),
    ("electric", _("Strom (Nachtspeicher)")),
    ("solid", _("Holz, Kohle oder Pellets")),
    ("other", _("Sonstiges")),
)
HOT_WATER = choices(
    ("central", _("mit der Heizung (zentral)")),
    ("decentral", _("mit einem Durchlauferhitzer oder Boiler (dezentral)")),
)
RENT_OR_OWN = In(".kind", ("rent", "own"))
HAS_CHILD = AnyPerson(PersonIs(roles=(PersonRole.CHILD,)))
HAS_PARTNER = AnyPerson(PersonIs(roles=(PersonRole.PARTNER,)))

HOUSING = Step(
    "housing",
    _("Wohnung und Heizung"),
    T_TOPIC_HOUSING,
    fields=(
        Field(
            "kind",
            T.CHOICE,
            _("Wie wohnen Sie?"),
            choices=HOUSING_KIND,
            help=_(
                "Untermiete zählt als Miete. Wenn Sie bei Angehörigen wohnen und ihnen Miete "
                "zahlen, wählen Sie ebenfalls Miete."
            ),
        ),
        money(
            "cold_rent",
            _("Kaltmiete"),
            _("Die Miete ohne Nebenkosten und ohne Heizung. Sie steht im Mietvertrag."),
            show_if=Eq(".kind", "rent"),
            confirm_above=Decimal(5000),
        ),
        money(
            "service_charges",
            _("Nebenkosten (ohne Heizung)"),
            _("Vorauszahlung für Wasser, Müll, Hausmeister und Ähnliches."),
            show_if=Eq(".kind", "rent"),
            confirm_above=Decimal(2000),
        ),
        money(
            "mortgage_interest",
            _("Schuldzinsen für Haus oder Wohnung"),
            _("Nur die Zinsen, nicht die Tilgung. Sie stehen im Kreditvertrag."),
            show_if=Eq(".kind", "own"),
            confirm_above=Decimal(5000),
        ),
        money(
            "property_charges",
            _("Nebenkosten für Haus oder Wohnung"),
            _(
                "Grundsteuer, Versicherungen, Wasser, Müll und Ähnliches, umgerechnet auf einen Monat."
            ),
            show_if=Eq(".kind", "own"),
            confirm_above=Decimal(2000),
        ),
        Field(
            "heating_kind",
            T.CHOICE,
            _("Wie wird geheizt?"),
            help=_("Das steht im Mietvertrag oder in der letzten Heizkostenabrechnung."),
            choices=HEATING_KIND,
            show_if=RENT_OR_OWN,
        ),
        money(
            "heating_costs",
            _("Heizkosten"),
            _(
                "Der monatliche Abschlag für die Heizung. Wenn die Heizung in der Miete "
                "enthalten ist, steht der Betrag im Mietvertrag."
            ),
            show_if=RENT_OR_OWN,
            confirm_above=Decimal(1000),
        ),
        Field(
            "hot_water",
            T.CHOICE,
            _("Wie wird Ihr Warmwasser erzeugt?"),
            choices=HOT_WATER,
            show_if=RENT_OR_OWN,
            help=_(
                "Wird das Wasser mit Strom in der Wohnung erwärmt (Durchlauferhitzer, Boiler), "
                "steht Ihnen ein Mehrbedarf zu."
            ),
        ),
        Field(
            "floor_space",
            T.DECIMAL,
            _("Wohnfläche in Quadratmetern"),
            help=_("Sie steht im Mietvertrag. Mit ihr prüfen wir, ob die Kosten angemessen sind."),
            show_if=RENT_OR_OWN,
            max_length=10,
        ),
        Field(
            "moved_in",
            T.DATE,
            _("Seit wann wohnen Sie dort?"),
            help=_("Wenn Sie den Tag nicht wissen, nehmen Sie den Ersten des Monats."),
            show_if=RENT_OR_OWN,
        ),
    ),
)

INCOME_KINDS = choices(
    ("employment", _("Lohn oder Gehalt (auch Minijob)")),
    ("self_employment", _("Selbständige Arbeit")),
    ("unemployment_benefit", _("Arbeitslosengeld")),
    ("child_benefit", _("Kindergeld")),
    ("maintenance", _("Unterhalt")),
    ("advance_maintenance", _("Unterhaltsvorschuss")),
    ("pension", _("Rente")),
    ("parental_benefit", _("Elterngeld")),
    ("housing_benefit", _("Wohngeld")),
    ("other", _("Sonstiges Einkommen")),
)

INCOME = Step(
    "income",
    _("Einkommen"),
    T_TOPIC_INCOME,
    per_person=PersonIs(),
    intro=_("Geben Sie alle Einnahmen dieser Person an, auch kleine Beträge."),
    fields=(
        Field(
            "kinds",
            T.MULTI,
            _("Welche Einnahmen hat die Person?"),
            choices=INCOME_KINDS,
            required=False,
            hint=_("Kreuzen Sie alles an, was zutrifft. Ohne Einnahmen lassen Sie alles leer."),
            help=_(
                "Einkommen ist alles Geld, das Sie bekommen: Lohn, Sozialleistungen, Unterhalt, "
                "auch Geld, das Ihnen Angehörige regelmäßig geben."
            ),
        ),
        Field(
            "employer",
            T.TEXT,
            _("Arbeitgeber"),
            max_length=200,
            show_if=Has(".kinds", "employment"),
        ),
        money(
            "gross_earnings",
            _("Bruttolohn"),
            _("Der Lohn vor Abzug von Steuern und Sozialversicherung."),
            show_if=Has(".kinds", "employment"),
            confirm_above=Decimal(10000),
        ),
        money(
            "net_earnings",
            _("Nettolohn"),
            _("Der Betrag, der auf Ihrem Konto ankommt."),
            show_if=Has(".kinds", "employment"),
            confirm_above=Decimal(10000),
        ),
        Field(
            "business",
            T.TEXT,
            _("Art der selbständigen Tätigkeit"),
            max_length=200,
            show_if=Has(".kinds", "self_employment"),
        ),
        money(
            "self_employment_profit",
            _("Voraussichtlicher Gewinn"),
            _(
                "Einnahmen minus Betriebsausgaben, geschätzt für einen Monat. Genauer fragen wir "
                "in der Anlage EKS."
            ),
            show_if=Has(".kinds", "self_employment"),
            confirm_above=Decimal(10000),
        ),
        money(
            "unemployment_benefit",
            _("Arbeitslosengeld"),
            H_NOTICE_AMOUNT,
            show_if=Has(".kinds", "unemployment_benefit"),
        ),
        money(
            "child_benefit",
            help_text=H_NOTICE_AMOUNT,
            label=_("Kindergeld"),
            show_if=Has(".kinds", "child_benefit"),
        ),
        money(
            "maintenance",
            help_text=_("Der Unterhalt, der jeden Monat tatsächlich gezahlt wird."),
            label=_("Unterhalt"),
            show_if=Has(".kinds", "maintenance"),
        ),
        money(
            "advance_maintenance",
            _("Unterhaltsvorschuss"),
            H_NOTICE_AMOUNT,
            show_if=Has(".kinds", "advance_maintenance"),
        ),
        money(
            "pension", help_text=H_NOTICE_AMOUNT, label=_("Rente"), show_if=Has(".kinds", "pension")
        ),
        money(
            "parental_benefit",
            help_text=H_NOTICE_AMOUNT,
            label=_("Elterngeld"),
            show_if=Has(".kinds", "parental_benefit"),
        ),
        money(
            "housing_benefit",
            help_text=H_NOTICE_AMOUNT,
            label=_("Wohngeld"),
            show_if=Has(".kinds", "housing_benefit"),
        ),
        Field(
            "other_kind",
            T.TEXT,
            _("Art des sonstigen Einkommens"),
            max_length=200,
            show_if=Has(".kinds", "other"),
        ),
        money(
            "other_amount",
            help_text=_(
                "Zum Beispiel Geld von Angehörigen, Einnahmen aus Untervermietung oder ein Stipendium."
            ),
            label=_("Sonstiges Einkommen"),
            show_if=Has(".kinds", "other"),
        ),
    ),
)

ASSET_KINDS = choices(
    ("bank", _("Guthaben auf Konten und Sparbüchern")),
    ("cash", _("Bargeld")),
    ("vehicle", _("Auto oder Motorrad")),
    ("property", _("Haus, Wohnung oder Grundstück")),
    ("insurance", _("Lebens- oder Rentenversicherung, Bausparvertrag")),
    ("securities", _("Aktien, Fonds oder andere Wertpapiere")),
    ("other", _("Sonstiges")),
)

ASSETS = Step(
    "assets",
    _("Vermögen"),
    T_TOPIC_ASSETS,
    fields=(
        Field(
            "significant",
            T.YESNO,
            _("Hat Ihr Haushalt zusammen erhebliches Vermögen?"),
            help=_(
                "Im ersten Jahr (Karenzzeit) ist Vermögen nur erheblich, wenn es mehr als "
                "40.000 € für die erste Person und 15.000 € für jede weitere Person im Haushalt "
                "beträgt. Ihre selbst genutzte Wohnung und ein angemessenes Auto zählen nicht "
                "mit. Nur wenn Sie mit Ja antworten, fragen wir nach Einzelheiten."
            ),
        ),
        Field(
            "kinds",
            T.MULTI,
            _("Welche Vermögenswerte gibt es?"),
            help=_("Kreuzen Sie alle Arten an, auch wenn der Wert klein ist."),
            choices=ASSET_KINDS,
            show_if=Yes(".significant"),
        ),
        Field(
            "total_value",
            T.MONEY,
            _("Gesamtwert ungefähr"),
            help=_(
                "Was Sie heute bekämen, wenn Sie alles verkaufen oder auflösen würden. Schulden "
                "ziehen Sie nicht ab; die nennen Sie in der Erläuterung."
            ),
            hint=_("Euro"),
            show_if=Yes(".significant"),
            confirm_above=Decimal(1000000),
        ),
        Field(
            "details",
            T.TEXTAREA,
            _("Erläuterung"),
            required=False,
            show_if=Yes(".significant"),
            hint=_("Zum Beispiel Bank und Art der Konten, Baujahr des Autos."),
        ),
    ),
)

MAINTENANCE = Step(
    "maintenance_claims",
    _("Unterhaltsansprüche"),
    T_TOPIC_MAINTENANCE,
    fields=(
        Field(
            "separated_partner",
            T.YESNO,
            _("Leben Sie von einem Ehe- oder Lebenspartner getrennt oder sind Sie geschieden?"),
            help=_(
                "Dann könnte Ihnen Unterhalt zustehen. Das Jobcenter prüft das und kann ihn "
                "für Sie geltend machen."
            ),
        ),
        Field(
            "child_other_parent",
            T.YESNO,
            _("Lebt ein Elternteil Ihrer Kinder nicht in Ihrem Haushalt?"),
            help=_("Dann kann Ihren Kindern Unterhalt oder Unterhaltsvorschuss zustehen."),
            show_if=HAS_CHILD,
        ),
        Field(
            "other_parent",
            T.TEXT,
            _("Name und Anschrift des anderen Elternteils"),
            required=False,
            max_length=300,
            show_if=Yes(".child_other_parent"),
        ),
        Field(
            "details",
            T.TEXTAREA,
            _("Weitere Angaben zum Unterhalt"),
            required=False,
            show_if=Yes(".separated_partner"),
        ),
    ),
)

NEEDS = Step(
    "additional_needs",
    _("Mehrbedarfe"),
    T_TOPIC_NEEDS,
    intro=_("Für manche Lebenslagen gibt es zusätzlich Geld. Kreuzen Sie an, was zutrifft."),
    fields=(
        Field(
            "pregnant",
            T.YESNO,
            _("Ist eine Person im Haushalt schwanger?"),
            help=_("Ab der 13. Schwangerschaftswoche gibt es einen Mehrbedarf."),
        ),
        Field(
            "due_date",
            T.DATE,
            _("Voraussichtlicher Geburtstermin"),
            help=_("Der Termin steht im Mutterpass."),
            past_only=False,
            future_only=True,
            show_if=Yes(".pregnant"),
        ),
        Field(
            "single_parent",
            T.YESNO,
            _("Erziehen Sie Kinder allein?"),
            help=_(
                "Wenn Sie mit minderjährigen Kindern ohne Partner/in zusammenleben und "
                "allein für sie sorgen."
            ),
            show_if=HAS_CHILD & ~HAS_PARTNER,
        ),
        Field(
            "disability",
            T.YESNO,
            _(
                "Erhält eine Person Leistungen zur Teilhabe am Arbeitsleben oder Eingliederungshilfe?"
            ),
            help=_("Zum Beispiel wegen einer Behinderung."),
        ),
        Field(
            "diet",
            T.YESNO,
            _("Braucht eine Person aus medizinischen Gründen eine besondere Ernährung?"),
            help=_("Das muss eine Ärztin oder ein Arzt bescheinigen."),
        ),
        Field(
            "diet_details",
            T.TEXT,
            _("Welche Ernährung, für wen?"),
            max_length=300,
            show_if=Yes(".diet"),
        ),
        Field(
            "other",
            T.YESNO,
            _("Gibt es andere unabweisbare, laufende besondere Bedarfe?"),
            help=_(
                "Zum Beispiel Fahrtkosten, um die eigenen Kinder zu sehen, oder "
                "nicht verschreibungspflichtige Medikamente bei chronischer Krankheit."
            ),
        ),
        Field("other_details", T.TEXTAREA, _("Beschreibung"), show_if=Yes(".other")),
    ),
)

INSURANCE_KIND = choices(
    ("statutory", _("gesetzlich versichert")),
    ("family", _("familienversichert")),
    ("private", _("privat versichert")),
    ("none", _("nicht versichert")),
)

HEALTH = Step(
    "health_insurance",
    _("Krankenversicherung"),
    T_TOPIC_HEALTH,
    fields=(
        Field(
            "kind",
            T.CHOICE,
            _("Wie sind Sie krankenversichert?"),
            choices=INSURANCE_KIND,
            help=_(
                "Mit dem Bürgergeld sind Sie in der Regel gesetzlich kranken- und "
                "pflegeversichert. Wir melden Sie bei Ihrer Krankenkasse an."
            ),
        ),
        Field(
            "insurer",
            T.TEXT,
            _("Name der Krankenkasse"),
            help=_("Der Name steht auf Ihrer Gesundheitskarte."),
            max_length=200,
            show_if=In(".kind", ("statutory", "family", "private")),
        ),
    ),
)

DAMAGES = Step(
    "damages",
    _("Unfälle und Schäden"),
    T_TOPIC_DAMAGES,
    fields=(
        Field(
            "third_party",
            T.YESNO,
            _(
                "Ist Ihr Hilfebedarf durch einen Unfall oder Schaden entstanden, den jemand anderes verursacht hat?"
            ),
            help=_(
                "Dann kann das Jobcenter Geld von dieser Person oder ihrer Versicherung "
                "zurückfordern, zum Beispiel nach einem Verkehrsunfall."
            ),
        ),
        Field("details", T.TEXTAREA, _("Was ist passiert?"), show_if=Yes(".third_party")),
    ),
)

DECLARATIONS = Step(
    "declarations",
    _("Erklärungen"),
    T_TOPIC_DECLARATIONS,
    fields=(
        Field(
            "truthful",
            T.CONFIRM,
            _("Ich versichere, dass meine Angaben vollständig und richtig sind."),
            help=_("Falsche Angaben können dazu führen, dass Sie Geld zurückzahlen müssen."),
        ),
        Field(
            "report_changes",
            T.CONFIRM,
            _(
                "Ich teile dem Jobcenter Änderungen sofort mit (zum Beispiel neue Arbeit, Umzug, "
                "mehr Einkommen)."
            ),
            help=_(
                "Dazu sind Sie nach § 60 SGB I verpflichtet. Das geht hier mit einer "
                "Veränderungsmitteilung."
            ),
        ),
        Field(
            "data_processing",
            T.CONFIRM,
            _("Ich habe die Hinweise zum Datenschutz gelesen."),
            help=_(
                "Das Jobcenter verarbeitet Ihre Daten nur, um über Ihren Antrag zu "
                "entscheiden (§ 67a SGB X)."
            ),
        ),
    ),
)
