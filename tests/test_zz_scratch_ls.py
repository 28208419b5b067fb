import re
from html import unescape
from typing import Any

from django.conf import settings
from django.test import Client

from tests.test_easy_language import SELF_CHECK_CASES, _customer_url
from tests.applications.customer_data import COUPLE, enable, save, step_url
from openjobcenter.applications.models import Application
from openjobcenter.core.languages import EASY_GERMAN


def main_lines(html: str) -> list[str]:
    m = re.search(r"<main.*?</main>", html, re.S)
    body = m.group(0) if m else html
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", body, flags=re.S)
    body = re.sub(r"<(br|/p|/li|/h\d|/div|/dt|/dd|/label|/option|/legend|/summary|/th|/td|/button|/a)[^>]*>", "\n", body)
    body = re.sub(r"<[^>]+>", " ", body)
    return [re.sub(r"\s+", " ", unescape(l)).strip() for l in body.split("\n") if l.strip()]


def compare(get: Any, label: str) -> None:
    ls = main_lines(get(EASY_GERMAN))
    de = main_lines(get("de"))
    same = [l for l in ls if l in de and len(l.split()) >= 3]
    print(f"\n=== {label}: {len(same)} same of {len(ls)}")
    for l in dict.fromkeys(same):
        print("   ", l[:200])


def test_scratch(client: Client, customer_client: Client, customer, jc_a, outbox) -> None:
    enable(jc_a)
    path = f"/{jc_a.slug}/vorabcheck/"
    for i, (data, status) in enumerate(SELF_CHECK_CASES):
        def get(lang, data=data):
            customer.user.preferred_language = lang
            customer.user.save(update_fields=["preferred_language"])
            return client.post(path, data).content.decode()
        compare(get, f"selfcheck {i}")
    jc = customer.jobcenter
    c = customer_client
    c.post(f"/{jc.slug}/antrag/aus-vorabcheck/", SELF_CHECK_CASES[1][0])
    c.post(_customer_url("application_start", jc, kind_slug="erstantrag"))
    app = Application.objects.get(customer=customer)

    def as_(lang, url):
        customer.user.preferred_language = lang
        customer.user.save(update_fields=["preferred_language"])
        c.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
        return c.get(url).content.decode()

    compare(lambda l: as_(l, _customer_url("application_start", jc, kind_slug="erstantrag")), "start")
    compare(lambda l: as_(l, _customer_url("application", jc, pk=app.pk)), "overview fresh")
    for key, values in COUPLE.items():
        compare(lambda l: as_(l, step_url(app, key)), "step " + key)
        save(c, app, key, values)
    compare(lambda l: as_(l, _customer_url("application", jc, pk=app.pk)), "overview full")
    compare(lambda l: as_(l, _customer_url("application_proofs", jc, pk=app.pk)), "proofs")
    compare(lambda l: as_(l, _customer_url("application_submit", jc, pk=app.pk)), "submit")
    c.post(_customer_url("application_submit", jc, pk=app.pk), {"idempotency_key": "x"})
    compare(lambda l: as_(l, _customer_url("application", jc, pk=app.pk)), "overview sent")
    compare(lambda l: as_(l, _customer_url("application_receipt", jc, pk=app.pk)), "receipt")
    jc.enabled_modules = sorted({*jc.enabled_modules, "documents"})
    jc.save()
    compare(lambda l: as_(l, _customer_url("documents", jc)), "documents")
    compare(lambda l: as_(l, _customer_url("document_upload", jc)), "upload")
