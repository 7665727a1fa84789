"""Swagger UI at /api/docs/ runs under the site's CSP, inline styles included (its start-up script is a file,
not inline; the page's own styles are css/api.css): the conftest fails the test on any refused style or script."""

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.django_db(transaction=True)


def test_api_docs_render_the_operations(page: Page, live_server):
    page.goto(f"{live_server.url}/api/docs/")
    upload = page.locator(".opblock-summary-path").filter(has_text="/upload_img").first
    expect(upload).to_be_visible(timeout=20_000)
    upload.click()  # an operation opened: its parameters, responses and examples render too
    expect(page.get_by_role("button", name="Try it out").first).to_be_visible()
    page.get_by_role("button", name="Try it out").first.click()
    expect(page.get_by_role("button", name="Execute").first).to_be_visible()
    expect(page.get_by_role("link", name="← Back to srsite")).to_have_attribute("href", "/")
