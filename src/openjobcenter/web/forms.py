from __future__ import annotations

from django.forms.renderers import DjangoTemplates


class FormRenderer(DjangoTemplates):
    """Every form renders with an error summary and accessible field groups (GOV.UK/KERN)."""

    form_template_name = "web/forms/form.html"
    field_template_name = "web/forms/field.html"
