"""The staff navigation is a shared part kept per job centre, language and set of
permissions (``{% sharedpart "staff-nav" by request.staff_perms %}``, issue 20): each
role sees exactly its own links, whoever's page was rendered first."""

from __future__ import annotations

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.test import Client

from openjobcenter.accounts.models import Role
from openjobcenter.tenants.models import Jobcenter
from tests.conftest import login_with_mfa, make_staff

pytestmark = pytest.mark.django_db

ADMIN_ONLY = "/staff/protokoll/"


def _nav(client: Client, jobcenter: Jobcenter) -> str:
    page = client.get(f"/{jobcenter.slug}/staff/")
    assert page.status_code == 200
    return page.content.decode()


def test_each_role_sees_its_own_navigation(jc_a: Jobcenter) -> None:
    admin = login_with_mfa(Client(), make_staff(jc_a, Role.ADMIN, "admin@example.org"))
    reception = login_with_mfa(Client(), make_staff(jc_a, Role.RECEPTION, "empfang@example.org"))
    assert f'href="/{jc_a.slug}{ADMIN_ONLY}"' in _nav(admin, jc_a)
    assert f'href="/{jc_a.slug}{ADMIN_ONLY}"' not in _nav(reception, jc_a)
    assert f'href="/{jc_a.slug}{ADMIN_ONLY}"' in _nav(admin, jc_a)  # from the kept part


def test_a_module_switched_off_leaves_the_navigation_at_once(jc_a: Jobcenter) -> None:
    admin = login_with_mfa(Client(), make_staff(jc_a, Role.ADMIN, "admin@example.org"))
    jc_a.enabled_modules = sorted({*jc_a.enabled_modules, "messaging"})
    jc_a.save()
    assert f'href="/{jc_a.slug}/staff/nachrichten/"' in _nav(admin, jc_a)
    jc_a.enabled_modules = [m for m in jc_a.enabled_modules if m != "messaging"]
    jc_a.save()
    assert f'href="/{jc_a.slug}/staff/nachrichten/"' not in _nav(admin, jc_a)


def test_the_tag_refuses_a_wrong_form() -> None:
    for wrong in ('{% sharedpart "x" of y %}', '{% sharedpart "x" by %}', "{% sharedpart x %}"):
        with pytest.raises(TemplateSyntaxError):
            Template("{% load parts %}" + wrong + "{% endsharedpart %}")
    rendered = Template('{% load parts %}{% sharedpart "x" by perms %}ok{% endsharedpart %}')
    assert rendered.render(Context({"perms": {"a"}})) == "ok"  # no job centre: rendered
