"""``{% sharedpart "name" %}…{% endsharedpart %}``: a piece of the page layout that is the
same for everyone who sees the same job centre in the same language (the head's links and
scripts, the brand, the language list, the footer), rendered once per process and
job-centre version (``web/fragments.py``) instead of on every request.

The URL tags, static file look-ups and translations of the layout were most of a tenant
page's remaining CPU after its main part was cached (issue 19: ≥ 50 % of the bare view).
What a part may use: the job centre (``jobcenter`` in the context, read through
``tenants.jccache``, whose version changes with every change of it), the language and the
URL configuration (both in the key). Nothing per person or per request may go inside: the
CSRF token, the current path, the navigation's login state and counts, messages stay
outside. Without a job centre the part depends on the language and URL configuration
alone and is kept per process (``fragments.platform_part``: the login page, the landing
page); with one not read through the cache it is rendered each time.
"""

from __future__ import annotations

from django import template
from django.template.base import FilterExpression, NodeList, Parser, Token
from django.template.context import Context
from django.urls import get_urlconf
from django.utils.safestring import SafeString

from openjobcenter.web.fragments import cached_part, platform_part

register = template.Library()
_URLCONF = "ojc_sharedpart_urlconf"


class SharedPartNode(template.Node):
    def __init__(self, name: str, nodelist: NodeList, by: FilterExpression | None = None) -> None:
        self.name = name
        self.nodelist = nodelist
        self.by = by

    def render(self, context: Context) -> SafeString:
        jobcenter = context.get("jobcenter")
        # The request's URL configuration, looked up once per template render (a page has
        # about ten parts; each look-up goes through asgiref's Local: 4 % of a start page).
        variant = context.render_context.get(_URLCONF)
        if variant is None:
            variant = context.render_context[_URLCONF] = get_urlconf() or ""
        if self.by is not None:
            # A set of names (a staff member's permissions): the part once per set.
            value = self.by.resolve(context)
            variant += "|" + ",".join(sorted(str(v) for v in value or ()))
        if jobcenter is None:
            return platform_part(
                f"layout:{self.name}", variant, lambda: self.nodelist.render(context)
            )
        return cached_part(
            f"layout:{self.name}",
            jobcenter,
            variant,
            lambda: self.nodelist.render(context),
        )


@register.tag
def sharedpart(parser: Parser, token: Token) -> SharedPartNode:
    """``{% sharedpart "name" %}``, or ``{% sharedpart "name" by expr %}`` for a part that
    also depends on ``expr``, a set of names that is not personal (the staff's
    permissions, ``request.staff_perms``): kept once per distinct set."""
    bits = token.split_contents()
    usage = 'usage: {% sharedpart "name" [by expr] %}…{% endsharedpart %}'
    if len(bits) not in (2, 4) or bits[1][0] not in "\"'" or bits[1][-1] != bits[1][0]:
        raise template.TemplateSyntaxError(usage)
    if len(bits) == 4 and bits[2] != "by":
        raise template.TemplateSyntaxError(usage)
    by = parser.compile_filter(bits[3]) if len(bits) == 4 else None
    nodelist = parser.parse(("endsharedpart",))
    parser.delete_first_token()
    return SharedPartNode(bits[1][1:-1], nodelist, by)
