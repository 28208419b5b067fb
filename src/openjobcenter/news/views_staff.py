"""Staff pages: write, schedule and remove posts; the moderated fediverse inbox."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from openjobcenter.core.access import Perm, request_jobcenter, request_user, staff_required
from openjobcenter.core.audit import audit
from openjobcenter.core.models import AuditAction
from openjobcenter.news import federation, selectors, services
from openjobcenter.news.forms import PostForm
from openjobcenter.news.models import InboxStatus, Post
from openjobcenter.tenants.modules import require_module

MODULE = "news"


def _post_input(form: PostForm) -> services.PostInput:
    data = form.cleaned_data
    return services.PostInput(
        text=data["text"],
        link=data.get("link") or "",
        image=form.clean_image_value,
        image_alt=data["image_alt"],
        published_at=data["published_at"],
        expires_at=data.get("expires_at"),
        translations=form.translations(),
    )


@require_module(MODULE)
@staff_required(Perm.NEWS_PUBLISH)
@require_GET
def posts(request: HttpRequest, jc: str) -> HttpResponse:
    jobcenter = request_jobcenter(request)
    return render(
        request,
        "news/staff_posts.html",
        {
            "posts": list(selectors.staff_posts(jobcenter)[:100]),
            "now": timezone.now(),
            "handle": federation.handle(jobcenter),
        },
    )


@require_module(MODULE)
@staff_required(Perm.NEWS_PUBLISH)
@require_http_methods(["GET", "POST"])
def post_edit(request: HttpRequest, jc: str, pk: int | None = None) -> HttpResponse:
    jobcenter = request_jobcenter(request)
    found: Post | None = selectors.get_post_for_staff(jobcenter, pk) if pk else None
    initial = {}
    if found is not None:
        initial = {
            "text": found.text,
            "link": found.link,
            "image_alt": found.image_alt,
            "published_at": timezone.localtime(found.published_at),
            "expires_at": timezone.localtime(found.expires_at) if found.expires_at else None,
        }
    has_image = bool(found and found.image)
    if request.method == "POST":
        form = PostForm(
            request.POST,
            request.FILES,
            has_image=has_image,
            translations=found.translations if found is not None else None,
        )
        if form.is_valid():
            if found is None:
                services.post_create(
                    request=request,
                    jobcenter=jobcenter,
                    author=request_user(request),
                    data=_post_input(form),
                )
                messages.success(request, _("Der Beitrag ist gespeichert."))
            else:
                services.post_update(
                    request=request,
                    post=found,
                    actor=request_user(request),
                    data=_post_input(form),
                    drop_image=bool(form.cleaned_data.get("drop_image")),
                )
                messages.success(request, _("Der Beitrag ist geändert."))
            return redirect("staff:news_posts", jc=jobcenter.slug)
        status = 400
    else:
        form = PostForm(
            initial=initial,
            has_image=has_image,
            translations=found.translations if found is not None else None,
        )
        status = 200
    return render(
        request, "news/staff_post_edit.html", {"form": form, "post": found}, status=status
    )


@require_module(MODULE)
@staff_required(Perm.NEWS_PUBLISH)
@require_POST
def post_delete(request: HttpRequest, jc: str, pk: int) -> HttpResponse:
    jobcenter = request_jobcenter(request)
    found = selectors.get_post_for_staff(jobcenter, pk)
    services.post_delete(request=request, post=found, actor=request_user(request))
    messages.success(request, _("Der Beitrag ist gelöscht."))
    return redirect("staff:news_posts", jc=jobcenter.slug)


@require_module(MODULE)
@staff_required(Perm.NEWS_MODERATE)
@require_GET
def inbox(request: HttpRequest, jc: str) -> HttpResponse:
    jobcenter = request_jobcenter(request)
    status = request.GET.get("status", InboxStatus.NEW)
    if status not in InboxStatus.values:
        status = InboxStatus.NEW
    items = selectors.inbox_items(jobcenter, status)
    # What strangers wrote, often with personal data: every read is in the audit log.
    audit(
        request=request,
        action=AuditAction.READ,
        object_type="news_inbox",
        jobcenter=jobcenter,
        detail=f"status={status}, {len(items)} entries",
    )
    return render(
        request,
        "news/staff_inbox.html",
        {
            "items": items,
            "status": status,
            "statuses": InboxStatus.choices,
        },
    )


@require_module(MODULE)
@staff_required(Perm.NEWS_MODERATE)
@require_POST
def inbox_item(request: HttpRequest, jc: str, pk: int) -> HttpResponse:
    jobcenter = request_jobcenter(request)
    item = selectors.get_inbox_item_for(jobcenter, pk)
    status = request.POST.get("status", "")
    if status not in InboxStatus.values:
        messages.error(request, _("Diesen Status gibt es nicht."))
        return redirect("staff:news_inbox", jc=jobcenter.slug)
    services.inbox_item_set_status(
        request=request, item=item, actor=request_user(request), status=status
    )
    messages.success(request, _("Der Eintrag ist geändert."))
    return redirect("staff:news_inbox", jc=jobcenter.slug)
