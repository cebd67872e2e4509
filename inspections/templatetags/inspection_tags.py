from django import template

register = template.Library()


@register.filter
def cell(cells: dict, level: str):
    """``{{ cells|cell:level }}``: one cell of the compliance grid."""
    return cells.get(level)
