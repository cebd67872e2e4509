"""Helpers for the Playwright tests."""


def htmx_idle(page) -> None:
    """Wait until HTMX has finished swapping and wiring up new content: an event fired on an element
    in the 20 ms before htmx binds it would otherwise be lost (a person is never that fast)."""
    page.wait_for_function("!document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added')")
