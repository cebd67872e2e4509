"""Messages a person reads after submitting an inspection: the hidden dangers it raised, each a link."""

from django.utils.html import format_html, format_html_join
from django.utils.translation import ngettext


def hazards_raised(hazards) -> str:
    """ "Submitted. 2 hidden dangers were raised: YH2026-00012, YH2026-00013", the codes linking to them."""
    text = ngettext(
        "Submitted. %(n)s hidden danger was raised:", "Submitted. %(n)s hidden dangers were raised:", len(hazards)
    ) % {"n": len(hazards)}
    links = format_html_join(
        " ", '<a class="alert-link" href="{}">{}</a>', ((h.get_absolute_url(), h.code) for h in hazards)
    )
    return format_html("{} {}", text, links)
