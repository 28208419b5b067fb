from __future__ import annotations

from django.contrib.auth import login
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.html import escape
from django.views.decorators.csrf import csrf_exempt

from tests.idp.control import state

FORM = """<!doctype html><html lang="de"><head><meta charset="utf-8"><title>Anmeldung Verwaltung</title></head>
<body><main><h1>Anmeldung bei der Verwaltung</h1>{error}
<form method="post"><input type="hidden" name="next" value="{next}">
<label for="u">Benutzername</label><input id="u" name="username" autocomplete="username">
<label for="p">Passwort</label><input id="p" name="password" type="password" autocomplete="current-password">
<button type="submit">Anmelden</button></form></main></body></html>"""


@csrf_exempt
def login_view(request: HttpRequest) -> HttpResponse:
    nxt = str(request.POST.get("next") or request.GET.get("next") or "/")
    if request.method == "POST":
        name = str(request.POST.get("username", ""))
        person = state()["users"].get(name)
        if person and person.get("password") == request.POST.get("password"):
            user, _created = User.objects.get_or_create(username=name)
            login(request, user)  # type: ignore[arg-type] # the provider's own User model
            return HttpResponseRedirect(nxt if nxt.startswith("/") else "/")
        return HttpResponse(FORM.format(error="<p>Falsch.</p>", next=escape(nxt)), status=200)
    return HttpResponse(FORM.format(error="", next=escape(nxt)))
