from __future__ import annotations

from typing import Any

from django.forms.renderers import DjangoTemplates

# Typed text takes its direction from its first strong letter (dir="auto"): a Latin name
# typed on a Farsi page, an Arabic name on a German one, both stay readable.
# (Django's text.html, email.html, ... only include input.html, which the template engine
# resolves, so each is mapped here.)
WIDGET_TEMPLATES = {
    **{
        f"django/forms/widgets/{kind}.html": "web/forms/widgets/input.html"
        for kind in ("text", "email", "search", "url", "tel")
    },
    "django/forms/widgets/textarea.html": "web/forms/widgets/textarea.html",
}


class FormRenderer(DjangoTemplates):
    """Every form renders with an error summary and accessible field groups (GOV.UK/KERN)."""

    form_template_name = "web/forms/form.html"
    field_template_name = "web/forms/field.html"

    def get_template(self, template_name: str) -> Any:
        return super().get_template(WIDGET_TEMPLATES.get(template_name, template_name))
