"""One proposal carried through its whole life in a real browser, by every person it passes through:
the member who writes it, the co-signer, the proposal office, the co-handling and the lead unit, the
supervising leader — including an unsatisfied rating and the re-handling it starts."""

import re

import pytest
from playwright.sync_api import Page, expect

from zhengxie.proposals.models import Proposal, Rating, Reply
from zhengxie.testing.browser import assert_fits_phone, follow, go, save_screenshot, sign_in_as, submit, told

pytestmark = pytest.mark.browser

TITLE = "关于加快老旧小区加装电梯的建议"
REASON = "本市建成于2000年以前的老旧小区约有1,200个，多数为六层以下住宅，没有电梯。\n老年居民上下楼困难。"
SUGGESTIONS = "一、简化加装电梯的审批流程，实行联合审查。\n二、提高财政补贴标准，并允许提取住房公积金。"
TIMELINE_STEPS = (
    "提交",
    "确认联名",
    "立案",
    "交办",
    "签收",
    "会签",
    "提交答复",
    "审核通过答复",
    "记录督办活动",
)


def expect_state(page: Page, *badges: str) -> None:
    status = page.get_by_role("group", name="当前状态")
    for badge in badges:
        expect(status).to_contain_text(badge)


def section(page: Page, heading: str):
    return page.get_by_role("region", name=heading, exact=True)


def shot(page: Page, name: str) -> None:
    save_screenshot(page, f"proposals-{name}")


def test_one_proposal_goes_from_draft_through_rehandling_to_closed(page, phone_page, live_server, pw):
    # 1. The member writes the proposal, invites a co-signer, and submits it.
    sign_in_as(page, live_server, "bob")
    go(page, "我的提案")
    follow(page, "撰写提案")
    expect(page.get_by_role("heading", name="撰写提案")).to_be_visible()
    page.get_by_label("案由").fill(TITLE)
    page.get_by_label("类别").select_option(label="社会建设")
    page.get_by_label("提案类型").select_option(label="联名提案")
    page.get_by_label("提案理由").fill(REASON)
    page.get_by_label("具体建议").fill(SUGGESTIONS)
    page.get_by_label("邀请联名委员").fill("赵大伟")
    shot(page, "member-form")
    submit(page, "保存草稿")

    told(page, "草稿已保存。确认无误后请点击“提交”。")
    expect(page.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    expect_state(page, "草稿")
    proposers = section(page, "提案人")
    expect(proposers.get_by_role("listitem").filter(has_text="赵大伟")).to_contain_text("待确认")
    submit(page, "提交")

    told(page, "提案已提交，待受邀委员确认联名后送审查。")
    expect_state(page, "待联名")
    shot(page, "detail-member-cosigning")

    # 2. The co-signer sees the invitation in the notifications and signs.
    sign_in_as(page, live_server, "dave")
    bell = page.get_by_role("link", name="通知，1 条未读")
    expect(bell).to_be_visible()
    follow(page, "通知，1 条未读")
    expect(page.get_by_role("heading", name="通知")).to_be_visible()
    shot(page, "notifications")
    follow(page, f"李博邀请您联名提案“{TITLE}”，请确认。")

    invitation = section(page, "联名邀请")
    expect(invitation).to_contain_text("李博邀请您联名本提案")
    shot(page, "detail-cosigner-invited")
    submit(page, "确认联名", invitation)
    told(page, "您已确认联名。")
    expect_state(page, "已提交", "待审查")
    expect(page.get_by_role("link", name="通知", exact=True)).to_be_visible()

    # 3. The proposal office files it, makes it a key proposal and assigns a lead and a co-handling unit.
    sign_in_as(page, live_server, "staff")
    go(page, "提案审查")
    expect(page.get_by_role("heading", name="提案审查")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text=TITLE)).to_contain_text("李博")
    shot(page, "review-queue")
    follow(page, TITLE)
    review = section(page, "审查")
    expect(review).to_be_visible()
    shot(page, "detail-staff-review")
    submit(page, "立案", review)

    told(page, "已立案。")
    expect_state(page, "已立案", "待交办")
    expect(page.get_by_role("definition").filter(has_text="第1号")).to_have_count(1)

    # The office proposes it as a key proposal and records the chair's meeting's decision.
    key = section(page, "重点提案")
    submit(page, "拟定为重点提案", key)
    told(page, "已拟定为重点提案，待主席会议确定。")
    key.get_by_label("领衔督办领导").select_option(label="周主席")
    key.get_by_label("主席会议决定说明").fill("第三次主席会议确定")
    submit(page, "记录主席会议决定", key)
    told(page, "已确定为重点提案。")
    expect(page.get_by_role("definition").filter(has_text="周主席领衔督办")).to_have_count(1)
    follow(page, "交办承办单位")
    expect(page.get_by_role("heading", name=f"交办：{TITLE}")).to_be_visible()
    # Only the unit fields of the chosen way of assigning are shown.
    page.get_by_role("radio", name="分办（各自答复）").check()
    expect(page.get_by_role("group", name="分办单位")).to_be_visible()
    expect(page.get_by_role("group", name="协办单位")).to_be_hidden()
    page.get_by_role("radio", name="主办（可加协办）").check()
    expect(page.get_by_role("group", name="分办单位")).to_be_hidden()
    page.get_by_label("主办单位", exact=True).select_option(label="发展改革委")
    page.get_by_role("group", name="协办单位").get_by_role("checkbox", name="教育局").check()
    shot(page, "assign")
    submit(page, "交办")

    told(page, "已交办，承办单位将收到通知。")
    expect_state(page, "已交办", "待签收")
    units = section(page, "承办单位")
    expect(units.get_by_role("row").filter(has_text="发展改革委")).to_contain_text("主办")
    expect(units.get_by_role("row").filter(has_text="教育局")).to_contain_text("协办")

    # 4. The co-handling unit signs for it and sends its view; the lead unit talks with the proposer
    # and replies.
    sign_in_as(page, live_server, "handler1")
    go(page, "承办提案")
    follow(page, TITLE)
    co_part = section(page, "本单位办理（协办）")
    # On a slow connection an impatient second click does not post the form again.
    held = []
    accept_url = re.compile(r"/assignments/\d+/accept/$")
    page.route(accept_url, lambda route: held.append(route))
    box = co_part.get_by_role("button", name="签收", exact=True).bounding_box()
    for _ in range(2):
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.wait_for_timeout(150)
    assert len(held) == 1
    with page.expect_navigation():
        held[0].continue_()
    page.unroute(accept_url)
    told(page, "已签收。")
    page.get_by_label("协办意见").fill(
        "教育局将把学校周边老旧小区纳入明年的改造计划，并配合做好住户意见征集。"
    )
    shot(page, "detail-co-unit")
    submit(page, "提交会签意见", co_part)
    told(page, "会签意见已送主办单位。")

    sign_in_as(page, live_server, "handler0")
    go(page, "承办提案")
    expect(page.get_by_role("heading", name=re.compile("^承办提案"))).to_contain_text("发展改革委")
    expect(page.get_by_role("row").filter(has_text=TITLE)).to_contain_text("待签收")
    shot(page, "inbox")
    follow(page, TITLE)
    lead_part = section(page, "本单位办理（主办）")
    submit(page, "签收", lead_part)
    told(page, "已签收。")
    lead_part.get_by_text("记录沟通情况（办前面商）").click()
    page.get_by_label("沟通方式").select_option(label="面商")
    page.get_by_label("沟通情况").fill("到李博委员单位面商，介绍了加装电梯补贴政策的修订思路。")
    submit(page, "保存沟通记录", lead_part)
    told(page, "沟通情况已记录。")
    expect(units).to_contain_text("面商")
    shot(page, "detail-lead-unit")
    follow(page, "撰写答复", lead_part)

    expect(page.get_by_role("heading", name=f"答复：{TITLE}")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("教育局将把学校周边老旧小区纳入明年的改造计划")
    page.get_by_label("答复内容").fill(
        "李博委员：\n您提出的关于加快老旧小区加装电梯的建议收悉。我委已会同有关部门研究修订补贴办法。"
    )
    page.get_by_label("答复类别").select_option("B")
    page.get_by_label("签发人").fill("王建国")
    shot(page, "reply-form")
    submit(page, "保存并提交督办审核")

    told(page, "答复已提交督办审核。")
    expect_state(page, "答复审核", "督办未审核")

    # 5. The office approves the reply, correcting its class.
    sign_in_as(page, live_server, "staff")
    go(page, "交办督办")
    waiting = section(page, "督办未审核的答复（1）")
    expect(waiting).to_contain_text("发展改革委")
    shot(page, "board")
    follow(page, TITLE, waiting)

    replies = section(page, "答复")
    replies.get_by_role("radio", name="审核通过，发送提案人").check()
    # Left alone, the class stays the unit's own; here the office corrects it.
    expect(replies.get_by_label("答复类别（可更正）")).to_have_value("")
    replies.get_by_label("答复类别（可更正）").select_option("A")
    replies.get_by_label("审核意见").fill("补贴办法已印发，按A类答复。")
    shot(page, "detail-staff-reply-review")
    submit(page, "提交审核结果", replies)
    told(page, "答复已审核通过，提案人可以查看和评价。")
    expect_state(page, "已答复", "委员未评价", "重点")
    expect(replies.get_by_role("article")).to_contain_text("A类")

    # 6. The supervising leader records a supervision visit.
    sign_in_as(page, live_server, "leader")
    go(page, "重点提案")
    shot(page, "key-list")
    follow(page, TITLE)
    supervision = section(page, "督办活动")
    # The form is open: recording supervision is what the leader came for.
    supervision.get_by_label("形式").select_option(label="走访调研")
    supervision.get_by_label("督办情况").fill("到两个试点小区实地查看加装电梯进展。")
    submit(page, "保存", supervision)
    told(page, "督办活动已记录。")
    expect(supervision.get_by_role("listitem")).to_contain_text(
        ["走访调研：到两个试点小区实地查看加装电梯进展。"]
    )
    shot(page, "detail-leader")

    # 7. On the phone the member rates the reply 不满意: it goes back to the lead unit, once.
    phone = phone_page
    sign_in_as(phone, live_server, "bob")
    go(phone, "我的提案")
    due = section(phone, "待我评价的答复")
    expect(due).to_contain_text(TITLE)
    assert_fits_phone(phone)
    shot(phone, "phone-mine")
    follow(phone, TITLE, due)
    rating = section(phone, "答复").get_by_role("article")
    rating.get_by_role("group", name="对办理工作").get_by_role("radio", name="不满意").check()
    rating.get_by_role("group", name="对办理结果").get_by_role("radio", name="不满意").check()
    rating.get_by_label("意见").fill("补贴标准偏低，希望进一步研究。")
    assert_fits_phone(phone)
    shot(phone, "phone-detail-rating")
    submit(phone, "提交评价", rating)
    told(phone, "评价已提交，谢谢！")
    expect_state(phone, "办理中")
    expect(section(phone, "承办单位").get_by_role("row").filter(has_text="发展改革委")).to_contain_text(
        "重新办理"
    )

    # The lead unit re-handles it on the phone and sends a second reply.
    sign_in_as(phone, live_server, "handler0")
    go(phone, "承办提案")
    row = phone.get_by_role("row").filter(has_text=TITLE)
    expect(row).to_contain_text("重新办理")
    assert_fits_phone(phone)
    shot(phone, "phone-inbox")
    follow(phone, TITLE, row)
    lead_part = section(phone, "本单位办理（主办）")
    expect(lead_part).to_contain_text("提案人对上次答复不满意")
    follow(phone, "撰写答复", lead_part)
    expect(section(phone, "重新办理")).to_contain_text("补贴标准偏低，希望进一步研究。")
    phone.get_by_label("答复内容").fill("李博委员：\n根据您的意见，我委将补贴标准由每台20万元提高到25万元。")
    phone.get_by_label("答复类别").select_option("A")
    phone.get_by_label("签发人").fill("王建国")
    assert_fits_phone(phone)
    shot(phone, "phone-reply-form")
    submit(phone, "保存草稿")
    told(phone, "答复草稿已保存。")
    expect_state(phone, "办理中")
    follow(phone, "修改答复")
    expect(phone.get_by_label("答复内容")).to_have_value(re.compile("每台20万元提高到25万元"))
    submit(phone, "保存并提交督办审核")
    told(phone, "答复已提交督办审核。")
    expect_state(phone, "答复审核", "督办未审核")

    sign_in_as(page, live_server, "staff")
    go(page, "交办督办")
    follow(page, TITLE, section(page, "督办未审核的答复（1）"))
    replies.get_by_role("radio", name="审核通过，发送提案人").check()
    submit(page, "提交审核结果", replies)
    told(page, "答复已审核通过，提案人可以查看和评价。")

    # The member is satisfied with the second reply: the proposal is closed.
    sign_in_as(page, live_server, "bob")
    go(page, "我的提案")
    follow(page, TITLE, section(page, "待我评价的答复"))
    second = replies.get_by_role("article").filter(has_text="重新办理")
    second.get_by_role("group", name="对办理工作").get_by_role("radio", name="满意", exact=True).check()
    second.get_by_role("group", name="对办理结果").get_by_role("radio", name="满意", exact=True).check()
    shot(page, "detail-member-rating")
    submit(page, "提交评价", second)
    told(page, "评价已提交，谢谢！")
    expect_state(page, "已办结")
    expect(page.get_by_role("group", name="当前状态")).not_to_contain_text("委员未评价")
    expect(replies.get_by_role("article")).to_have_count(2)
    expect(page.get_by_role("link", name=re.compile("^答复函"))).to_have_text(
        ["答复函（发展改革委）PDF", "答复函（发展改革委，重新办理）PDF"]
    )
    timeline = section(page, "办理过程").get_by_role("listitem")
    for step in TIMELINE_STEPS:
        expect(timeline.filter(has_text=step).first).to_be_visible()
    unsatisfied = timeline.filter(has_text="评价答复").filter(has_text="办理中")
    expect(unsatisfied).to_contain_text("退回重新办理")
    expect(unsatisfied).to_contain_text("不满意")
    expect(timeline.filter(has_text="评价答复").filter(has_text="已办结")).to_contain_text("满意")
    shot(page, "detail-closed")

    proposal = Proposal.objects.get(title=TITLE)
    assert proposal.state == Proposal.State.CLOSED
    assert proposal.number == 1
    assert proposal.rehandled is True
    assert proposal.key_leader == pw.leader
    replies_made = list(proposal.replies.order_by("round"))
    assert [(r.round, r.state, r.result_class) for r in replies_made] == [
        (1, Reply.State.APPROVED, "A"),
        (2, Reply.State.APPROVED, "A"),
    ]
    assert list(proposal.ratings.order_by("id").values_list("result", flat=True)) == [
        Rating.Level.UNSATISFIED,
        Rating.Level.SATISFIED,
    ]


def test_the_admin_changes_the_proposal_rules_on_a_phone_and_a_wrong_pair_is_refused(
    phone_page, live_server, pw
):
    page = phone_page
    sign_in_as(page, live_server, "alice")
    go(page, "提案设置")
    expect(page.get_by_role("heading", name="提案工作设置", level=1)).to_be_visible()
    page.get_by_label("办理期限（交办后月数）").fill("5")
    page.get_by_label("延期后最长期限（交办后月数）").fill("4")
    submit(page, "保存")
    expect(page.get_by_text("延期后最长期限不能短于办理期限。")).to_be_visible()
    assert_fits_phone(page)
    shot(page, "settings-refused-phone")
    page.get_by_label("延期后最长期限（交办后月数）").fill("8")
    page.get_by_label("无沟通未协商不答复").check()
    submit(page, "保存")
    told(page, "提案工作设置已保存。")
    expect(page.get_by_label("办理期限（交办后月数）")).to_have_value("5")
    expect(page.get_by_label("无沟通未协商不答复")).to_be_checked()
