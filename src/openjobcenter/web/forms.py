from __future__ import annotations

from typing import Any

from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

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


def _attrs(attrs: dict[str, Any]) -> str:
    """Django's ``attrs.html``: `` name="value"`` each, ``True`` as the bare name, ``False``
    left out."""
    return "".join(
        f" {conditional_escape(name)}"
        + ("" if value is True else f'="{conditional_escape(str(value))}"')
        for name, value in attrs.items()
        if value is not False
    )


class PlainSelect(forms.Select):
    """A select written out in Python: the HTML of Django's ``select.html`` with its
    ``select_option.html`` per option, byte for byte, without a template include per
    option (a select of 30 staff names through the templates cost more CPU than the rest
    of its form; issue 20)."""

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: Any = None,
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        out = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                out.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
            out.extend(
                f'\n  <option value="{conditional_escape(str(option["value"]))}"'
                f"{_attrs(option['attrs'])}>{conditional_escape(option['label'])}</option>\n"
                for option in options
            )
            if group_name:
                out.append("\n  </optgroup>")
        out.append("\n</select>")
        return mark_safe("".join(out))  # every value above is escaped


class PlainFieldsMixin:
    """A form whose ``{{ form }}`` writes its field groups out in Python when it has no
    errors, no hidden fields and only plain fields (no fieldset, no checkbox): the HTML of
    ``web/forms/form.html`` with ``field.html`` per field, byte for byte, without a
    template per field (a filter form shown on every request of a busy page; issue 20).
    Any other case, and an explicit template, renders through the templates."""

    def render(
        self,
        template_name: str | None = None,
        context: dict[str, Any] | None = None,
        renderer: Any = None,
    ) -> SafeString:
        form: Any = self
        fields = form.visible_fields()
        if (
            template_name is not None
            or context is not None
            or renderer is not None
            or not isinstance(form.renderer, FormRenderer)
            or form.template_name != FormRenderer.form_template_name
            or form.errors
            or form.hidden_fields()
            or any(
                f.use_fieldset or f.widget_type == "checkbox" or f.field.template_name
                for f in fields
            )
        ):
            return super().render(template_name, context, renderer)  # type: ignore[misc,no-any-return]
        optional = f' <span class="optional">({conditional_escape(gettext("freiwillig"))})</span>'
        out = []
        for field in fields:
            auto_id = conditional_escape(field.auto_id)
            hint = (
                f'<div class="hint" id="{auto_id}_helptext">'
                f"{conditional_escape(field.help_text)}</div>"
                if field.help_text
                else ""
            )
            out.append(
                f'<div class="field">\n\n  <label for="{auto_id}">'
                f"{conditional_escape(field.label)}{'' if field.field.required else optional}"
                f"</label>\n  {hint}\n  \n  {field}\n\n</div>"
            )
        return mark_safe("".join(out))  # every value above is escaped

    __str__ = __html__ = render
