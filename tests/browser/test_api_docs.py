"""The API's docs page (/api/docs) in real headless Chromium under the portal's Content-Security-
Policy (script-src 'self', no inline script): Swagger UI loads from our own static files, shows
every operation, and the browser reports no CSP violation or script error."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_the_api_docs_page_works_under_the_csp(live_server, new_page, artifacts):
    page = new_page()
    problems, requests = [], []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("request", lambda request: requests.append(request.url))
    response = page.goto(f"{live_server.url}/api/docs")
    assert response.status == 200
    assert "script-src 'self'" in response.headers["content-security-policy"]
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("SODPA Portal API")
    expect(page.locator(".opblock-summary-path").first).to_be_visible()
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert {path.replace("\u200b", "") for path in paths} >= {
        "/api/frameworks", "/api/regions", "/api/regions/{region_id}/history",
        "/api/assessments/{assessment_id}/recommendations", "/api/benchmarks"}
    artifacts(page, "api-docs")
    assert problems == []
    assert all(url.startswith(live_server.url) or url.startswith("data:") for url in requests), requests
