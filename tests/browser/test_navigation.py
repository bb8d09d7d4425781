"""A reader clicks home, district, programme, article, related article: phone and desktop."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

WIDTHS = {"phone": (360, 780), "desktop": (1280, 900)}


def _styled(page) -> bool:
    """The stylesheet loaded: the header has its accent border."""
    width = page.eval_on_selector(".site-header", "e => getComputedStyle(e).borderBottomWidth")
    return width == "3px"


@pytest.mark.parametrize("device", sorted(WIDTHS))
def test_click_through_the_archive(
    device: str, browser, fixture_sites, artifacts_dir: Path
) -> None:
    width, height = WIDTHS[device]
    page = browser.new_page(viewport={"width": width, "height": height})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    base = fixture_sites.sub_url

    def step(name: str, url_pattern: str) -> None:
        page.wait_for_url(re.compile(url_pattern))
        assert _styled(page), f"{name}: stylesheet did not load at {page.url}"
        assert page.locator("h1").count() == 1, f"{name}: one h1 per page"
        page.screenshot(path=str(artifacts_dir / f"navigation-{device}-{name}.png"), full_page=True)

    page.goto(base)
    step("1-home", re.escape(base) + "$")
    page.get_by_role("complementary").get_by_role("link", name="二七区").click()
    step("2-district", r"/initiative-archive/districts/erqi-qu/$")
    assert page.get_by_role("heading", name="二七区", level=1).is_visible()
    page.get_by_role("main").get_by_role("link", name="一把手走流程").click()
    step("3-programme", r"/initiative-archive/programmes/yi-ba-shou-zou-liu-cheng/$")
    timeline = page.locator(".timeline")
    assert timeline.get_by_role("link").count() == 2
    timeline.get_by_role("link", name=re.compile("以营商环境之优")).click()
    step("4-article", r"/initiative-archive/articles/2024-erqi-001/$")
    assert page.get_by_text("2024年6月7日").first.is_visible()
    assert page.locator(".figure-list").get_by_text("99.38%").is_visible()
    page.locator(".related").get_by_role("link").first.click()
    step("5-related", r"/initiative-archive/articles/2024-erqi-002/$")
    assert page.get_by_role("heading", level=1).inner_text() == "饮马池社区：小网格撬动大治理"
    assert errors == []
    page.close()


def test_no_horizontal_scroll_on_a_phone(browser, fixture_sites) -> None:
    page = browser.new_page(viewport={"width": 360, "height": 780})
    for path in ("", "articles/2024-erqi-001/", "districts/erqi-qu/", "matrix/", "places/"):
        page.goto(fixture_sites.sub_url + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path or 'home'} scrolls sideways by {overflow}px at 360px"
    page.close()


def test_keyboard_reaches_the_skip_link_then_the_search_box(browser, fixture_sites) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(fixture_sites.sub_url)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "跳到正文"
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")
    page.goto(fixture_sites.sub_url)
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "q"
    page.keyboard.type("营商")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/initiative-archive/search/\?q="))
    page.close()


def test_copy_link_button_copies_the_permanent_url(browser, fixture_sites) -> None:
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(fixture_sites.sub_url + "articles/2024-erqi-001/")
    page.get_by_role("button", name="复制链接").click()
    page.get_by_text("链接已复制").wait_for()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == "https://example.org/initiative-archive/articles/2024-erqi-001/"
    context.close()


@pytest.mark.parametrize("where", ["root", "sub"])
def test_404_page_is_styled_at_any_depth(where: str, browser, fixture_sites) -> None:
    base = fixture_sites.url if where == "root" else fixture_sites.sub_url
    page = browser.new_page()
    response = page.goto(base + "no/such/deep/page/")
    assert response is not None and response.status == 404
    assert page.get_by_role("heading", name="页面不存在").is_visible()
    assert _styled(page)
    page.get_by_role("link", name="回到首页").click()
    page.wait_for_url(base)
    page.close()


def test_old_urls_redirect_to_the_new_ones(browser, fixture_sites) -> None:
    page = browser.new_page()
    for old, new in (
        ("articles/2024-erqi-1/", "articles/2024-erqi-001/"),
        ("districts/erqi/", "districts/erqi-qu/"),
        ("programmes/yibashou/", "programmes/yi-ba-shou-zou-liu-cheng/"),
    ):
        page.goto(fixture_sites.sub_url + old)
        page.wait_for_url(fixture_sites.sub_url + new)
    page.close()
