"""Playwright fixtures: Debian's Chromium, headless, against pytest-django's live server.

One browser per test session; every test gets a fresh context (cookies, storage) and page.
pytest-playwright's own plugin is disabled in pyproject (`-p no:playwright`): its fixtures would
launch a browser that Playwright downloads, and this project uses the system's Chromium only.
"""

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Browser, Page, Playwright, expect, sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
    "--lang=zh-CN",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}
# Long enough for a cold first request (rjieba, template compilation), short enough to fail fast.
TIMEOUT_MS = 10_000

expect.set_options(timeout=TIMEOUT_MS)


def screenshot_dir() -> Path:
    return Path(settings.VAR_DIR) / "screenshots"


@pytest.fixture(scope="session")
def playwright_driver() -> Iterator[Playwright]:
    driver = sync_playwright().start()
    yield driver
    driver.stop()


@pytest.fixture(scope="session")
def browser(playwright_driver: Playwright) -> Iterator[Browser]:
    chromium = playwright_driver.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()


def _new_page(browser: Browser, viewport: dict, **options) -> Page:
    context = browser.new_context(viewport=viewport, locale="zh-CN", timezone_id="Asia/Shanghai", **options)
    context.set_default_timeout(TIMEOUT_MS)
    return context.new_page()


@pytest.fixture
def desktop_page(browser: Browser) -> Iterator[Page]:
    page = _new_page(browser, DESKTOP)
    yield page
    page.context.close()


@pytest.fixture
def page(desktop_page: Page) -> Page:
    return desktop_page


@pytest.fixture
def phone_page(browser: Browser) -> Iterator[Page]:
    page = _new_page(browser, PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    yield page
    page.context.close()


def login(page: Page, live_server, username: str, password: str) -> None:
    """Sign in through the real form, by its Chinese labels, and wait for the next page."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名或手机号").fill(username)
    page.get_by_label("密码").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="登录").click()


def assert_fits_phone(page: Page) -> None:
    """Nothing wider than the phone: no sideways scrolling."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1, f"{page.url} is {width}px wide on a {PHONE['width']}px phone"


def save_screenshot(page: Page, name: str) -> Path:
    """A full-page screenshot at var/screenshots/<name>.png, to be looked at."""
    safe = re.sub(r"[^\w.-]+", "-", name).strip("-")
    path = screenshot_dir() / f"{safe}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture
def screenshot(request) -> Callable[..., Path]:
    """screenshot(page) saves var/screenshots/<test-name>.png; screenshot(page, "step") adds -step."""

    def take(page: Page, step: str = "") -> Path:
        return save_screenshot(page, f"{request.node.name}-{step}" if step else request.node.name)

    return take


# ---------------------------------------------------------------- acting as the user


def nav(page: Page):
    return page.get_by_role("navigation", name="主导航")


def go(page: Page, label: str) -> None:
    """Follow an entry of the main navigation (on a phone, open the menu first)."""
    link = nav(page).get_by_role("link", name=label, exact=True)
    if not link.is_visible():
        page.get_by_text("☰ 菜单").click()
    with page.expect_navigation():
        link.click()


def submit(page: Page, button: str, scope=None) -> None:
    with page.expect_navigation():
        (scope or page).get_by_role("button", name=button, exact=True).click()


def follow(page: Page, link: str | re.Pattern, scope=None) -> None:
    with page.expect_navigation():
        (scope or page).get_by_role("link", name=link).first.click()


def sign_in_as(page: Page, live_server, username: str) -> None:
    """Sign out whoever is signed in on this page, then sign in through the real form."""
    # Imported here: this plugin loads before Django is set up, the factories need the models.
    from zhengxie.core.tests.factories import PASSWORD

    sign_out = page.get_by_role("button", name="退出", exact=True)
    if page.url.startswith(live_server.url) and sign_out.count():
        submit(page, "退出")
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名或手机号").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    submit(page, "登录")
    expect(page.get_by_role("heading", level=1)).to_contain_text("您好")


def told(page: Page, message: str) -> None:
    expect(page.get_by_role("status")).to_have_text(message)
