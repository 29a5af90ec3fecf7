"""The definitions page lists every figure with its label and what it counts, for the office and leaders."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from zhengxie.figures import registry
from zhengxie.testing.browser import save_screenshot, sign_in_as

pytestmark = pytest.mark.django_db


def test_every_figure_is_listed_with_its_definition(client, world):
    client.force_login(world.alice)
    page = client.get(reverse("figures:definitions")).content.decode()
    for figure in registry.figures():
        assert figure.label in page
        assert f"{figure.group}.{figure.name}" in page
        assert figure.definition in page


def test_members_may_not_open_the_definitions(client, world):
    client.force_login(world.bob)
    assert client.get(reverse("figures:definitions")).status_code == 403


@pytest.mark.browser
def test_the_definitions_read_on_a_phone(phone_page, live_server, world):
    sign_in_as(phone_page, live_server, "alice")
    phone_page.goto(f"{live_server.url}{reverse('figures:definitions')}")
    expect(phone_page.get_by_role("heading", name="统计口径")).to_be_visible()
    expect(phone_page.get_by_role("heading", name="提案")).to_be_visible()
    expect(phone_page.get_by_text("满意 ÷ 已评价 × 100%。", exact=True)).to_be_visible()
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 376
    save_screenshot(phone_page, "figures-definitions-phone")
