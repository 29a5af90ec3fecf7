"""Similar proposals and suggested units in the browser: a member sees last year's near-duplicate while
typing; staff merge a duplicate from the review page and assign with the suggested unit preselected."""

import pytest
from playwright.sync_api import expect

from zhengxie.proposals import services, suggest
from zhengxie.proposals.models import Proposal
from zhengxie.search import similar
from zhengxie.search.index import learn_terms, refresh_keywords

from .builders import draft, submitted
from .test_browser import assert_fits_phone, shot, sign_in_as, submit
from .test_similar import ELEVATOR, ELEVATOR_AGAIN

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _fresh():
    similar.forget()
    suggest._models.clear()


def test_member_sees_a_similar_filed_proposal_while_typing(phone_page, live_server, pw):
    filed = draft(pw, person=pw.dave, **ELEVATOR)
    services.submit_proposal(actor=pw.actor(pw.dave), proposal=filed)
    services.file_proposal(actor=pw.actor(pw.staff), proposal=filed)
    sign_in_as(phone_page, live_server, "bob")
    phone_page.goto(f"{live_server.url}/proposals/new/")
    panel = phone_page.locator("#similar-results")
    expect(panel).to_contain_text("输入案由和内容后自动提示")
    phone_page.get_by_label("案由").fill(ELEVATOR_AGAIN["title"])
    phone_page.get_by_label("提案理由").fill(ELEVATOR_AGAIN["reason"])
    expect(panel).to_contain_text(ELEVATOR["title"])
    expect(panel).to_contain_text("相似度")
    expect(panel.locator("mark").first).to_be_visible()
    assert_fits_phone(phone_page)
    shot(phone_page, "similar-while-typing")


def test_staff_merge_from_the_review_page_and_assign_with_a_suggestion(page, live_server, pw):
    education, _, transport = pw.units
    first = submitted(pw, **ELEVATOR)
    staff = pw.actor(pw.staff)
    services.file_proposal(actor=staff, proposal=first)
    services.assign_units(actor=staff, proposal=first, lead=transport, co=[])
    learn_terms()
    refresh_keywords(["proposal"])
    suggest.learn(pw.org)
    again = draft(pw, person=pw.dave, **ELEVATOR_AGAIN)
    services.submit_proposal(actor=pw.actor(pw.dave), proposal=again)
    third = submitted(pw, title="关于老旧小区电梯加装补贴的建议", reason=ELEVATOR["reason"])

    sign_in_as(page, live_server, "staff")
    page.goto(f"{live_server.url}/proposals/{again.pk}/")
    section = page.locator("#similar")
    expect(section).to_contain_text(ELEVATOR["title"])
    shot(page, "similar-review")
    with page.expect_navigation():
        section.locator(".similar-item").filter(has_text=ELEVATOR["title"]).get_by_role(
            "button", name="并入此提案"
        ).click()
    again.refresh_from_db()
    assert again.state == Proposal.State.MERGED and again.merged_into == first

    services.file_proposal(actor=staff, proposal=third)
    page.goto(f"{live_server.url}/proposals/{third.pk}/assign/")
    expect(page.locator("#suggested-units")).to_contain_text(transport.name)
    expect(page.get_by_label("主办单位", exact=True)).to_have_value(str(transport.pk))
    shot(page, "assign-suggested")
    submit(page, "交办")
    third.refresh_from_db()
    assert third.assignments.get().unit == transport
