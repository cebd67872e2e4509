from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """``{{ labels|get_item:kind }}``: a dict lookup with a variable key; the key itself when absent."""
    if not isinstance(mapping, dict):
        return key
    return mapping.get(key, key)
