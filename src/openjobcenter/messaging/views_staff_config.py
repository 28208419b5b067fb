"""Staff pages that configure messaging under ``/<jc>/staff/nachrichten/einstellungen/``:
topics, text templates (each also in every offered language), office hours and
auto-reply."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from openjobcenter.core.access import (
    Perm,
    has_perm,
    request_jobcenter,
    request_staff_roles,
    request_user,
    staff_required,
)
from openjobcenter.messaging import selectors, services
from openjobcenter.messaging.forms import ChatSettingsForm, TemplateForm, TopicForm
from openjobcenter.messaging.views_staff import MODULE, _int_param
from openjobcenter.tenants.modules import require_module


@require_http_methods(["GET", "POST"])
@require_module(MODULE)
@staff_required(Perm.MESSAGING_MANAGE)
def configuration(request: HttpRequest, jc: str) -> HttpResponse:
    jobcenter, user = request_jobcenter(request), request_user(request)
    services.topics_ensure_defaults(jobcenter=jobcenter)
    chat = selectors.chat_settings_of(jobcenter)
    action = request.POST.get("action") if request.method == "POST" else None
    topic_form = TopicForm(request.POST if action == "topic" else None, prefix="topic")
    if not has_perm(request_staff_roles(request), Perm.JOBCENTER_CONFIGURE):
        # Who may read a topic's chats (need-to-know) is the administration's decision.
        del topic_form.fields["category"]
    template_form = TemplateForm(request.POST if action == "template" else None, prefix="tpl")
    settings_form = ChatSettingsForm(
        request.POST if action == "settings" else None,
        prefix="settings",
        initial={
            "office_days": chat.office_days,
            "office_start": chat.office_start,
            "office_end": chat.office_end,
            "auto_reply_enabled": chat.auto_reply_enabled,
            "expected_response": chat.expected_response,
        },
    )
    try:
        if action == "topic" and topic_form.is_valid():
            topic_id = _int_param(request.POST.get("topic_id"))
            services.topic_save(
                jobcenter=jobcenter,
                actor=user,
                topic=selectors.get_topic_for(jobcenter, topic_id) if topic_id else None,
                translations=topic_form.translations(),
                request=request,
                **topic_form.german_data(),
            )
            messages.success(request, _("Das Thema ist gespeichert."))
            return redirect("staff:messaging_config", jc=jc)
        if action == "template" and template_form.is_valid():
            services.template_save(
                jobcenter=jobcenter,
                actor=user,
                request=request,
                translations=template_form.translations(),
                **template_form.german_data(),
            )
            messages.success(request, _("Der Textbaustein ist gespeichert."))
            return redirect("staff:messaging_config", jc=jc)
        if action == "template_delete":
            template = selectors.get_template_for(
                jobcenter, _int_param(request.POST.get("template_id")) or 0
            )
            services.template_delete(template=template, actor=user, request=request)
            messages.success(request, _("Der Textbaustein ist gelöscht."))
            return redirect("staff:messaging_config", jc=jc)
        if action == "settings" and settings_form.is_valid():
            services.chat_settings_save(
                jobcenter=jobcenter, actor=user, request=request, **settings_form.cleaned_data
            )
            messages.success(request, _("Die Einstellungen sind gespeichert."))
            return redirect("staff:messaging_config", jc=jc)
    except services.MessagingError as exc:
        form = {"topic": topic_form, "template": template_form, "settings": settings_form}.get(
            action or ""
        )
        if form is not None:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    return render(
        request,
        "messaging/staff_config.html",
        {
            "topics": selectors.all_topics(jobcenter),
            "templates": selectors.templates_of(jobcenter),
            "topic_form": topic_form,
            "template_form": template_form,
            "settings_form": settings_form,
        },
        status=422
        if action and (topic_form.errors or template_form.errors or settings_form.errors)
        else 200,
    )


def _edit_page(
    request: HttpRequest,
    jc: str,
    form: TopicForm | TemplateForm,
    save: Callable[..., object],
    *,
    target: dict[str, object],
    saved: str,
    heading: str,
    name: str,
) -> HttpResponse:
    """The edit page of one topic or text template: on a valid POST the service ``save``
    (which audits) with the form's German texts and translations and ``target`` (the row
    edited); its refusal stands at the field it names; back to the configuration with
    ``saved`` as the message."""
    if request.method == "POST" and form.is_valid():
        try:
            save(
                jobcenter=request_jobcenter(request),
                actor=request_user(request),
                request=request,
                translations=form.translations(),
                **target,
                **form.german_data(),
            )
        except services.MessagingError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, saved)
            return redirect("staff:messaging_config", jc=jc)
    return render(
        request,
        "messaging/staff_config_edit.html",
        {"form": form, "heading": heading, "name": name},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@require_module(MODULE)
@staff_required(Perm.MESSAGING_MANAGE)
def topic_edit(request: HttpRequest, jc: str, topic: int) -> HttpResponse:
    """One topic's name and description, in German and every offered language."""
    found = selectors.get_topic_for(request_jobcenter(request), topic)
    initial = {
        "name": found.name,
        "description": found.description,
        "position": found.position,
        "is_active": found.is_active,
        "category": found.category,
    }
    form = TopicForm(request.POST or None, initial=initial, translations=found.translations)
    if not has_perm(request_staff_roles(request), Perm.JOBCENTER_CONFIGURE):
        del form.fields["category"]  # the administration's decision (see configuration)
    return _edit_page(
        request,
        jc,
        form,
        services.topic_save,
        target={"topic": found},
        saved=_("Das Thema ist gespeichert."),
        heading=_("Thema bearbeiten"),
        name=found.name,
    )


@require_http_methods(["GET", "POST"])
@require_module(MODULE)
@staff_required(Perm.MESSAGING_MANAGE)
def template_edit(request: HttpRequest, jc: str, template_id: int) -> HttpResponse:
    """One text template, in German and every offered language."""
    found = selectors.get_template_for(request_jobcenter(request), template_id)
    form = TemplateForm(
        request.POST or None,
        initial={"title": found.title, "body": found.body},
        translations=found.translations,
    )
    return _edit_page(
        request,
        jc,
        form,
        services.template_save,
        target={"template": found},
        saved=_("Der Textbaustein ist gespeichert."),
        heading=_("Textbaustein bearbeiten"),
        name=found.title,
    )
