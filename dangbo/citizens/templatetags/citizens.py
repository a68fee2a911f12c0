from django import template

register = template.Library()


@register.filter
def case_overdue(case, today) -> bool:
    """Is the case late to be acknowledged or answered on ``today``?"""
    return case.is_overdue(today)


@register.inclusion_tag("citizens/_unit_times.html", takes_context=True)
def unit_response_times(context, unit) -> dict:
    """For a unit's page: the year's response times of its citizens' cases, and the units
    below it with the most overdue ones (``{% load citizens %}{% unit_response_times unit %}``)."""
    from django.utils import timezone

    from dangbo.citizens.home import figures

    return figures(user=context["request"].user, unit=unit, today=timezone.localdate())
