from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """``{{ labels|get_item:kind }}``: a dict lookup with a variable key; the key itself when absent."""
    if not isinstance(mapping, dict):
        return key
    return mapping.get(key, key)


@register.filter
def part_time_of(basic, post) -> int:
    """How many of those counted for ``post`` hold it part-time (none in reports made before it was counted)."""
    return (basic.get("security_part_time_by_post") or {}).get(post, 0) if isinstance(basic, dict) else 0


def _decimal(value) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        return None


@register.filter
def yuan(value):
    """``460000.00`` → ``460,000.00``: amounts with thousands separators, as the bank writes them."""
    amount = _decimal(value)
    return value if amount is None else f"{amount:,.2f}"


@register.filter
def wan(value):
    """``460000.00`` → ``46``: the amount in 万元 (ten thousand yuan), at most two decimals."""
    amount = _decimal(value)
    if amount is None:
        return value
    return f"{amount / 10000:,.2f}".rstrip("0").rstrip(".")
