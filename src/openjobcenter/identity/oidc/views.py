"""allauth's OpenID Connect login and callback views, with our adapter."""

from __future__ import annotations

from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse

from openjobcenter.identity.oidc import JobcenterOIDCAdapter
from openjobcenter.identity.selectors import provider_by_key
from openjobcenter.identity.views import allow_form_posts_to


@login_not_required
def login(request: HttpRequest, provider_id: str) -> HttpResponse:
    try:
        view = OAuth2LoginView.adapter_view(JobcenterOIDCAdapter(request, provider_id))
        response: HttpResponse = view(request)
    except SocialApp.DoesNotExist:
        raise Http404 from None
    # GET shows allauth's page with a button that posts here and is sent on to the provider.
    allow_form_posts_to(
        response, [p for p in [provider_by_key(provider_id, request)] if p is not None]
    )
    return response


@login_not_required
def callback(request: HttpRequest, provider_id: str) -> HttpResponse:
    try:
        view = OAuth2CallbackView.adapter_view(JobcenterOIDCAdapter(request, provider_id))
        response: HttpResponse = view(request)
    except SocialApp.DoesNotExist:
        raise Http404 from None
    return response
