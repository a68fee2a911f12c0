"""The Content-Security-Policy header, from ``settings.DANGBO_CSP``.

Every page loads its scripts and style sheets from our own static files: no inline
``<script>``, no ``on…=`` attributes, no ``eval`` (htmx's trigger filters and ``hx-on`` use it:
the pages use neither, and ``htmx-config`` in ``base.html`` switches eval off), no ``<style>``
elements. Style *attributes* stay allowed (``style-src-attr 'unsafe-inline'``): bar widths and
Gantt positions are computed by the server and written as ``style="width: 42%"``, which works
without JavaScript; an injected attribute can restyle an element but cannot run code or load
anything from elsewhere.

A view that needs another policy sets ``response.csp`` to a dict of directives (merged over the
setting); ``DANGBO_CSP_REPORT_ONLY`` sends the header as ``…-Report-Only`` to try a change out.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from django.conf import settings
from django.http import HttpRequest, HttpResponse


def policy_header(directives: Mapping[str, Sequence[str]]) -> str:
    """``{"script-src": ["'self'"]}`` → ``script-src 'self'``; empty directives are left out."""
    return "; ".join(
        " ".join([name, *sources]) if sources else name
        for name, sources in directives.items()
        if sources is not None
    )


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        directives = dict(getattr(settings, "DANGBO_CSP", None) or {})
        directives.update(getattr(response, "csp", None) or {})
        if not directives:
            return response
        header = "Content-Security-Policy"
        if getattr(settings, "DANGBO_CSP_REPORT_ONLY", False):
            header += "-Report-Only"
        if header not in response:
            response[header] = policy_header(directives)
        return response
