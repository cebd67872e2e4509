"""A person makes an API token on their page, sees it once, and opens the API documentation, which
draws from the vendored Swagger UI under the site's CSP (no CDN, no inline script)."""

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_make_a_token_and_read_the_api_documentation(live_server, page):
    UserFactory(username="zhangwei", full_name="张伟")
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(f"{live_server.url}/api/tokens/")
    page.get_by_label("用户名").fill("zhangwei")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()

    page.get_by_label("名称").fill("数据仓库")
    page.get_by_role("button", name="生成令牌").click()
    expect(page.locator("#new-token")).to_contain_text("sbk_")
    page.reload()
    expect(page.locator("#new-token")).to_have_count(0)

    page.get_by_role("link", name="API 文档").click()
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible(timeout=15000)
    expect(page.locator(".swagger-ui")).to_contain_text("/api/v1/assignments/today/")
    assert not [e for e in errors if "Content Security Policy" in e], errors
