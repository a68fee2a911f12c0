from django import template

register = template.Library()


@register.filter
def case_overdue(case, today) -> bool:
    """Is the case late to be acknowledged or answered on ``today``?"""
    return case.is_overdue(today)
