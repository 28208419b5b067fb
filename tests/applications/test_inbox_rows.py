"""The inbox's rows written out in Python (``applications/inbox_rows.py``, issue 20's CPU
target) are the HTML the template loop gave, byte for byte: escaped names, "–" for empty
ones, the labels in the reader's language (an unknown value as itself), the time in the
local time zone, the assignee or "niemand", the link to each application."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from openjobcenter.accounts.models import User
from openjobcenter.applications.inbox_rows import filed_rows, submitted_rows
from openjobcenter.applications.models import Application

pytestmark = pytest.mark.django_db

# The loops as ``applications/staff/inbox.html`` had them.
SUBMITTED_LOOP = """{% load i18n %}{% for app in rows %}
    <tr>
      <td><a href="{% url 'staff:application' jc=jc pk=app.pk %}">{{ app.reference }}</a></td>
      <td>{{ app.customer_name|default:"–" }}</td>
      <td>{{ app.customer_number|default:"–" }}</td>
      <td>{{ app.get_kind_display }}</td>
      <td>{{ app.submitted_at|date:"d.m.Y H:i" }}</td>
      <td>{{ app.get_status_display }}</td>
      <td>{% if app.assignee %}<bdi>{{ app.assignee.display_name }}</bdi>{% else %}{% translate "niemand" %}{% endif %}</td>
    </tr>
  {% endfor %}"""
FILED_LOOP = """{% load i18n %}{% for app in filings %}
    <tr>
      <td><a href="{% url 'staff:application_filing' jc=jc pk=app.pk %}">{{ app.reference }}</a></td>
      <td>{{ app.customer_name|default:"–" }}</td>
      <td>{{ app.customer_number|default:"–" }}</td>
      <td>{{ app.get_kind_display }}</td>
      <td>{{ app.filed_at|date:"d.m.Y H:i" }}</td>
      <td><span class="tag tag-filed">{% translate "gestellt, unvollständig" %}</span></td>
    </tr>
  {% endfor %}"""


def _apps() -> list[Application]:
    """Rows as the inbox reads them (unsaved: only what the rows show matters)."""
    winter = datetime(2026, 1, 31, 23, 30, tzinfo=UTC)  # 1 February in Berlin
    summer = datetime(2026, 7, 5, 6, 7, tzinfo=UTC)
    odd = User(email="o'neil@example.org", first_name="Mia <i>", last_name='"Ö" & Co')
    plain = User(email="nur-mail@example.org")
    return [
        Application(
            pk=7,
            reference="EA-2026-T000007",
            customer_name='Anna <script>alert("x")</script> & Söhne',
            customer_number="K-1 <2>",
            kind="initial",
            status="in_progress",
            submitted_at=winter,
            filed_at=winter,
            assignee=odd,
        ),
        Application(
            pk=123456,
            reference="EA-2026-T123456",
            customer_name="",
            customer_number="",
            kind="continuation",  # not a kind the model knows: shown as stored
            status="documents_requested",
            submitted_at=summer,
            filed_at=None,
            assignee=plain,
        ),
        Application(
            pk=8,
            reference="EA-<&>",
            customer_name="حسین رضایی",
            customer_number="",
            kind="change_notice",
            status="weird&status",
            submitted_at=summer,
            filed_at=summer,
        ),
    ]


@pytest.mark.parametrize("language", ["de", "en", "fa", "de-x-ls"])
def test_rows_are_the_html_of_the_former_template_loop(jc_a: Any, language: str) -> None:
    apps = _apps()
    with translation.override(language), timezone.override("Europe/Berlin"):
        context = Context({"rows": apps, "filings": apps, "jc": jc_a.slug})
        assert submitted_rows(apps, jc_a.slug) == Template(SUBMITTED_LOOP).render(context)
        assert filed_rows(apps, jc_a.slug) == Template(FILED_LOOP).render(context)


def test_rows_show_escaped_values_labels_local_time_and_links(jc_a: Any) -> None:
    with translation.override("en"), timezone.override("Europe/Berlin"):
        html = submitted_rows(_apps(), jc_a.slug)
        filed = filed_rows(_apps(), jc_a.slug)
    assert f'<a href="/{jc_a.slug}/staff/antraege/123456/">EA-2026-T123456</a>' in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Söhne" in html
    assert "<script>" not in html
    assert "<td>–</td>" in html
    assert "<td>continuation</td>" in html
    assert "<td>01.02.2026 00:30</td>" in html  # 23:30 UTC is past midnight in Berlin
    assert "<td>05.07.2026 08:07</td>" in html
    assert "<bdi>Mia &lt;i&gt; &quot;Ö&quot; &amp; Co</bdi>" in html
    assert "<bdi>nur-mail@example.org</bdi>" in html
    assert "<td>weird&amp;status</td>" in html
    assert f'<a href="/{jc_a.slug}/staff/antraege/gestellt/8/">EA-&lt;&amp;&gt;</a>' in filed
    assert "<td></td>" in filed  # no filing date
