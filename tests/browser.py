"""Helpers for the Playwright tests."""

from playwright.sync_api import expect


def htmx_idle(page) -> None:
    """Wait until HTMX has finished swapping and wiring up new content: an event fired on an element
    in the 20 ms before htmx binds it would otherwise be lost (a person is never that fast).

    A locator, not ``wait_for_function``: that evaluates a string in the page, which the
    Content-Security-Policy (no 'unsafe-eval') refuses, as it should."""
    expect(page.locator(".htmx-request, .htmx-swapping, .htmx-settling, .htmx-added")).to_have_count(0)
