"""The operator's starter set of shared translations (issue 23.3), shipped with the platform.

German texts that job centres commonly enter for appointment types, chat topics and text
templates (the demo job centres use most of them), each translated into every shipped
language. Every job centre whose German text is exactly one of these adopts the
translations automatically (``core/content_i18n.py``) until it enters its own; the
admin's per-language inputs show the adopted text as their placeholder.

Loaded by the migration ``core.0008_shared_translations_starter`` and again by
``manage shared_translations_starter`` (after the set grows, or to restore a deleted row).
Loading never overwrites what the operator changed in /admin/: it only adds sources and
languages that are missing.
"""

from __future__ import annotations

import contextlib
from typing import Any

# source (German) -> {language code: text}; language codes as in settings.ALL_LANGUAGES.
STARTER: dict[str, dict[str, str]] = {
    # Appointment types: names
    "Erstberatung": {
        "en": "Initial consultation",
        "ar": "الاستشارة الأولى",
        "uk": "Перша консультація",
        "tr": "İlk danışmanlık görüşmesi",
        "ru": "Первичная консультация",
        "fa": "مشاوره اولیه",
        "fa-af": "مشوره ابتدایی",
        "pl": "Pierwsza konsultacja",
        "ro": "Consultație inițială",
        "de-x-ls": "Erstes Gespräch",
    },
    "Antragsannahme Bürgergeld": {
        "en": "Handing in your Bürgergeld (citizen's benefit) application",
        "ar": "تقديم طلب إعانة المواطن (Bürgergeld)",
        "uk": "Прийом заяви на Bürgergeld (громадянську допомогу)",
        "tr": "Vatandaşlık parası (Bürgergeld) başvurusu kabulü",
        "ru": "Приём заявления на Bürgergeld (гражданское пособие)",
        "fa": "پذیرش درخواست کمک‌هزینه شهروندی (Bürgergeld)",
        "fa-af": "پذیرش درخواست کمک‌هزینه شهروندی (Bürgergeld)",
        "pl": "Przyjęcie wniosku o Bürgergeld (zasiłek obywatelski)",
        "ro": "Depunerea cererii de Bürgergeld (ajutor cetățenesc)",
        "de-x-ls": "Antrag auf Bürger-Geld abgeben",
    },
    "Telefonische Sprechstunde": {
        "en": "Telephone consultation hours",
        "ar": "ساعات الاستشارة الهاتفية",
        "uk": "Телефонні консультації",
        "tr": "Telefonla danışma saati",
        "ru": "Консультация по телефону",
        "fa": "ساعت مشاوره تلفنی",
        "fa-af": "ساعت مشوره تیلفونی",
        "pl": "Konsultacje telefoniczne",
        "ro": "Program de consultații telefonice",
        "de-x-ls": "Sprech-Stunde am Telefon",
    },
    "Beratung Arbeit und Ausbildung": {
        "en": "Advice on work and training",
        "ar": "استشارة حول العمل والتدريب المهني",
        "uk": "Консультація щодо роботи та професійного навчання",
        "tr": "İş ve meslek eğitimi danışmanlığı",
        "ru": "Консультация по работе и профессиональному обучению",
        "fa": "مشاوره درباره کار و آموزش حرفه‌ای",
        "fa-af": "مشوره در باره کار و آموزش مسلکی",
        "pl": "Doradztwo w sprawie pracy i kształcenia zawodowego",
        "ro": "Consiliere privind munca și formarea profesională",
        "de-x-ls": "Beratung zu Arbeit und Ausbildung",
    },
    # Appointment types: descriptions
    "Erstes Gespräch, wenn Sie neu beim Jobcenter sind.": {
        "en": "First meeting if you are new to the job centre.",
        "ar": "اللقاء الأول إذا كنت جديدًا لدى مركز التوظيف (Jobcenter).",
        "uk": "Перша розмова, якщо ви вперше звертаєтеся до джобцентру.",
        "tr": "Jobcenter'a yeni geldiyseniz ilk görüşme.",
        "ru": "Первая беседа, если вы впервые обращаетесь в джобцентр.",
        "fa": "نخستین گفت‌وگو، اگر تازه به جاب‌سنتر (Jobcenter) آمده‌اید.",
        "fa-af": "نخستین گفتگو، اگر تازه به جاب‌سنتر (Jobcenter) آمده‌اید.",
        "pl": "Pierwsza rozmowa dla osób, które są nowe w Jobcenter.",
        "ro": "Prima discuție, dacă sunteți nou la Jobcenter.",
        "de-x-ls": "Sie sind neu beim Job-Center? Dann gibt es ein erstes Gespräch.",
    },
    "Kurze Fragen zu Ihrem Bescheid oder Ihren Unterlagen.": {
        "en": "Short questions about your decision letter or your documents.",
        "ar": "أسئلة قصيرة حول القرار الصادر لك أو مستنداتك.",
        "uk": "Короткі запитання щодо вашого рішення або ваших документів.",
        "tr": "Kararınız veya belgeleriniz hakkında kısa sorular.",
        "ru": "Короткие вопросы о вашем решении или ваших документах.",
        "fa": "پرسش‌های کوتاه درباره تصمیم‌نامه یا مدارک شما.",
        "fa-af": "پرسش‌های کوتاه در باره فیصله‌نامه یا اسناد شما.",
        "pl": "Krótkie pytania dotyczące decyzji lub dokumentów.",
        "ro": "Întrebări scurte despre decizia sau documentele dumneavoastră.",
        "de-x-ls": "Sie haben eine kurze Frage? Zum Beispiel zu einem Brief. Oder zu Ihren Papieren.",
    },
    "Gespräch über Ihre Arbeitssuche und Ihre Fragen.": {
        "en": "A conversation about your job search and your questions.",
        "ar": "حديث حول بحثك عن عمل وأسئلتك.",
        "uk": "Розмова про ваш пошук роботи та ваші запитання.",
        "tr": "İş arayışınız ve sorularınız hakkında görüşme.",
        "ru": "Беседа о поиске работы и ваших вопросах.",
        "fa": "گفت‌وگو درباره کاریابی و پرسش‌های شما.",
        "fa-af": "گفتگو در باره کاریابی و پرسش‌های شما.",
        "pl": "Rozmowa o poszukiwaniu pracy i Państwa pytaniach.",
        "ro": "Discuție despre căutarea unui loc de muncă și întrebările dumneavoastră.",
        "de-x-ls": "Wir sprechen über Ihre Suche nach Arbeit. Und über Ihre Fragen.",
    },
    # Appointment types: what to bring
    "Personalausweis, Lebenslauf": {
        "en": "ID card, CV",
        "ar": "بطاقة الهوية، السيرة الذاتية",
        "uk": "Посвідчення особи, резюме",
        "tr": "Kimlik kartı, özgeçmiş",
        "ru": "Удостоверение личности, резюме",
        "fa": "کارت شناسایی، رزومه",
        "fa-af": "تذکره، خلص سوانح",
        "pl": "Dowód osobisty, życiorys (CV)",
        "ro": "Carte de identitate, CV",
        "de-x-ls": "Personal-Ausweis, Lebens-Lauf",
    },
    "Personalausweis, Mietvertrag, Kontoauszüge der letzten drei Monate": {
        "en": "ID card, tenancy agreement, bank statements for the last three months",
        "ar": "بطاقة الهوية، عقد الإيجار، كشوف الحساب البنكي لآخر ثلاثة أشهر",
        "uk": "Посвідчення особи, договір оренди, банківські виписки за останні три місяці",
        "tr": "Kimlik kartı, kira sözleşmesi, son üç ayın hesap dökümleri",
        "ru": "Удостоверение личности, договор аренды, выписки со счёта за последние три месяца",
        "fa": "کارت شناسایی، قرارداد اجاره، صورت‌حساب‌های بانکی سه ماه گذشته",
        "fa-af": "تذکره، قرارداد کرایه، صورت‌حساب‌های بانکی سه ماه گذشته",
        "pl": "Dowód osobisty, umowa najmu, wyciągi z konta z ostatnich trzech miesięcy",
        "ro": "Carte de identitate, contract de închiriere, extrase de cont din ultimele trei luni",
        "de-x-ls": "Personal-Ausweis, Miet-Vertrag, Konto-Auszüge von den letzten 3 Monaten",
    },
    # Chat topics beyond the four default ones (those are in the catalogues)
    "Fragen zum Antrag": {
        "en": "Questions about your application",
        "ar": "أسئلة حول الطلب",
        "uk": "Запитання щодо заяви",
        "tr": "Başvuruyla ilgili sorular",
        "ru": "Вопросы по заявлению",
        "fa": "پرسش درباره درخواست",
        "fa-af": "پرسش در باره درخواست",
        "pl": "Pytania dotyczące wniosku",
        "ro": "Întrebări despre cerere",
        "de-x-ls": "Fragen zum Antrag",
    },
    "Unterlagen und Nachweise": {
        "en": "Documents and proofs",
        "ar": "المستندات والإثباتات",
        "uk": "Документи та підтвердження",
        "tr": "Belgeler ve kanıtlar",
        "ru": "Документы и подтверждения",
        "fa": "مدارک و مستندات",
        "fa-af": "اسناد و مدارک",
        "pl": "Dokumenty i zaświadczenia",
        "ro": "Documente și dovezi",
        "de-x-ls": "Papiere und Nach-Weise",
    },
    # Text templates (chat)
    "Vielen Dank für Ihre Nachricht. Wir melden uns so schnell wie möglich bei Ihnen.": {
        "en": "Thank you for your message. We will get back to you as soon as possible.",
        "ar": "شكرًا لرسالتك. سنتواصل معك في أقرب وقت ممكن.",
        "uk": "Дякуємо за ваше повідомлення. Ми зв'яжемося з вами якомога швидше.",
        "tr": "Mesajınız için teşekkür ederiz. En kısa sürede size dönüş yapacağız.",
        "ru": "Спасибо за ваше сообщение. Мы свяжемся с вами как можно скорее.",
        "fa": "از پیام شما سپاسگزاریم. در اسرع وقت با شما تماس می‌گیریم.",
        "fa-af": "از پیام شما تشکر. هر چه زودتر با شما به تماس می‌شویم.",
        "pl": "Dziękujemy za wiadomość. Odezwiemy się najszybciej, jak to możliwe.",
        "ro": "Vă mulțumim pentru mesaj. Vă vom răspunde cât mai curând posibil.",
        "de-x-ls": "Danke für Ihre Nachricht. Wir melden uns bald bei Ihnen.",
    },
}


def load_starter(model: Any, *, clear_cache: bool = True) -> int:
    """Add the starter set to ``model`` (``SharedTranslation`` or its historical version in
    a migration): new sources, and languages a stored source lacks. Texts already stored
    stay as they are (the operator may have improved them). Returns the rows written.

    ``clear_cache=False`` in the migration: the database cache's table may not exist yet
    (``createcachetable`` runs after ``migrate``), and on PostgreSQL a failed query, even a
    suppressed one, aborts the migration's transaction; copies cached before expire in
    5 minutes."""
    from django.core.cache import cache

    from openjobcenter.core.content_i18n import shared_cache_key

    written = 0
    for source, texts in STARTER.items():
        row = model.objects.filter(source=source).first()
        if row is None:
            model.objects.create(source=source, translations=dict(texts))
        else:
            stored = dict(row.translations or {})
            missing = {code: text for code, text in texts.items() if not stored.get(code)}
            if not missing:
                continue
            row.translations = {**stored, **missing}
            row.save(update_fields=["translations"])
        written += 1
        if clear_cache:
            # An unreachable cache is no reason to fail: the copy expires in 5 minutes.
            with contextlib.suppress(Exception):
                cache.delete(shared_cache_key(source))
    return written
