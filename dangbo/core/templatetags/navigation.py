"""``{% nav_links "main" as links %}``: the links the apps registered (``dangbo.core.nav``)."""

from __future__ import annotations

from django import template

from dangbo.core import nav

register = template.Library()


@register.simple_tag(takes_context=True)
def nav_links(context: template.Context, menu: str) -> list[nav.RenderedLink]:
    return nav.links_for(context.get("request"), menu)
