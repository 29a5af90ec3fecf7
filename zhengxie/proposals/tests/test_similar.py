"""Similar proposals: found while writing and on the review page, with score and shared words, only
what the person may know of, merged from the list by staff."""

import pytest
from django.urls import reverse

from zhengxie.proposals import services, similarity
from zhengxie.proposals.models import Proposal
from zhengxie.search import similar
from zhengxie.search.index import learn_terms, refresh_keywords

from .builders import draft, submitted

pytestmark = pytest.mark.django_db

ELEVATOR = {
    "title": "关于加快老旧小区加装电梯的建议",
    "reason": "老旧小区多为六层以下住宅，没有电梯，老年居民上下楼困难，加装电梯意愿强烈但协调难、资金难。",
    "suggestions": "一是简化加装电梯审批流程；二是提高财政补贴标准；三是允许提取住房公积金用于加装电梯。",
}
ELEVATOR_AGAIN = {
    "title": "关于推进既有住宅加装电梯的建议",
    "reason": "我市老旧小区老年人比例高，上下楼难，加装电梯审批环节多，居民出资难以协调。",
    "suggestions": "建议简化审批，加大补贴，支持提取公积金加装电梯。",
}
SCHOOL = {
    "title": "关于缓解中小学课后托管难的建议",
    "reason": "双职工家庭放学后接孩子难，课后服务时间短、内容单一。",
    "suggestions": "延长课后服务时间，引入科技体育艺术课程，财政给予补助。",
}


@pytest.fixture(autouse=True)
def _fresh_similarity_cache():
    similar.forget()
    yield
    similar.forget()


def learn():
    learn_terms()
    refresh_keywords(["proposal"])


def titles(found):
    return [s.proposal.title for s in found]


def test_staff_see_the_near_duplicate_first_with_score_and_shared_words(pw):
    first = submitted(pw, **ELEVATOR)
    submitted(pw, **SCHOOL)
    learn()
    found = similarity.similar_proposals(
        pw.actor(pw.staff), title=ELEVATOR_AGAIN["title"], body=ELEVATOR_AGAIN["reason"]
    )
    assert found[0].proposal == first
    assert 0 < found[0].score <= 1 and "电梯" in "".join(found[0].shared)
    assert all(s.score <= found[0].score for s in found)
    assert found[0].can_merge_into and found[0].url


def test_new_and_changed_proposals_are_found_without_a_rebuild(pw):
    submitted(pw, **SCHOOL)
    learn()
    staff = pw.actor(pw.staff)
    assert similarity.similar_proposals(staff, title=ELEVATOR["title"], body=ELEVATOR["reason"]) == []
    later = submitted(pw, **ELEVATOR)  # written after the process built its index
    assert titles(similarity.similar_proposals(staff, title=ELEVATOR["title"], body=ELEVATOR["reason"])) == [
        later.title
    ]


def test_a_process_reads_the_snapshot_another_saved_and_catches_up(pw, settings, tmp_path, monkeypatch):
    import numpy as np

    settings.SIMILAR_SNAPSHOTS = tmp_path
    first = submitted(pw, **ELEVATOR)
    submitted(pw, **SCHOOL)
    learn()
    staff = pw.actor(pw.staff)
    built = similarity.similar_proposals(staff, title=ELEVATOR_AGAIN["title"], body=ELEVATOR_AGAIN["reason"])
    saved = snapshots(tmp_path)
    assert len(saved) == 1 and (saved[0] / "meta.json").exists() and (saved[0] / "data.npy").exists()
    similar.forget()  # another process, or this one started again: nothing in memory
    loaded = similarity.similar_proposals(staff, title=ELEVATOR_AGAIN["title"], body=ELEVATOR_AGAIN["reason"])
    assert isinstance(similar._indexes[(pw.org.pk, "proposal")].base.ids, np.memmap)  # read, not built
    assert [(s.proposal, round(s.score, 5), s.shared) for s in loaded] == [
        (s.proposal, round(s.score, 5), s.shared) for s in built
    ]
    assert loaded[0].proposal == first
    # What was written since the snapshot is found (the delta); past DELTA_LIMIT it is built and saved anew.
    again = submitted(pw, **ELEVATOR_AGAIN)
    assert again in [s.proposal for s in similarity.similar_proposals(staff, **_text(ELEVATOR))]
    monkeypatch.setattr(similar, "DELTA_LIMIT", 0)
    submitted(pw, **SCHOOL)
    assert again in [s.proposal for s in similarity.similar_proposals(staff, **_text(ELEVATOR))]
    assert not isinstance(similar._indexes[(pw.org.pk, "proposal")].base.ids, np.memmap)
    assert [p.name for p in tmp_path.iterdir()] != [p.name for p in saved] and len(
        list(tmp_path.iterdir())
    ) == 1


def snapshots(folder):
    """The saved snapshots, in the folder of the test database."""
    return [path for db in folder.iterdir() for path in db.iterdir()]


def _text(fields):
    return {"title": fields["title"], "body": fields["reason"] + fields["suggestions"]}


def test_drafts_and_other_members_unfiled_proposals_stay_hidden(pw):
    draft(pw, person=pw.dave, **ELEVATOR)
    other = draft(pw, person=pw.dave, **ELEVATOR_AGAIN)
    services.submit_proposal(actor=pw.actor(pw.dave), proposal=other)
    bob = pw.actor(pw.bob)
    assert similarity.similar_proposals(bob, title=ELEVATOR["title"], body=ELEVATOR["reason"]) == []
    services.file_proposal(actor=pw.actor(pw.staff), proposal=other)
    found = similarity.similar_proposals(bob, title=ELEVATOR["title"], body=ELEVATOR["reason"])
    # Filed proposals are known inside the committee: the title shows, the page does not open.
    assert titles(found) == [other.title] and found[0].url == "" and not found[0].can_merge_into
    # Another organisation never sees it.
    outsider = pw.actor(pw.other_staff, pw.world.other_org)
    assert similarity.similar_proposals(outsider, title=ELEVATOR["title"], body=ELEVATOR["reason"]) == []


def test_only_this_and_earlier_years_and_never_itself(pw):
    proposal = submitted(pw, **ELEVATOR)
    staff = pw.actor(pw.staff)
    year = pw.session.year
    text = {"title": ELEVATOR["title"], "body": ELEVATOR["reason"]}
    assert titles(similarity.similar_proposals(staff, **text, year=year)) == [proposal.title]
    assert similarity.similar_proposals(staff, **text, year=year - 1) == []
    assert similarity.similar_proposals(staff, **text, exclude=proposal.pk) == []


def test_too_little_text_answers_nothing(pw):
    submitted(pw, **ELEVATOR)
    assert similarity.similar_proposals(pw.actor(pw.staff), title="电梯", body="") == []


def test_writing_form_panel_follows_what_is_typed(client, pw):
    submitted(pw, **ELEVATOR)
    services.file_proposal(actor=pw.actor(pw.staff), proposal=Proposal.objects.get())
    client.force_login(pw.dave)
    url = reverse("proposals:similar")
    assert "输入案由和内容后自动提示" in client.post(url).content.decode()
    html = client.post(
        url, {"title": ELEVATOR_AGAIN["title"], "reason": ELEVATOR_AGAIN["reason"]}
    ).content.decode()
    assert ELEVATOR["title"] in html and "相似度" in html and "共同关键词" in html
    assert "并入此提案" not in html
    huge = client.post(url, {"title": "电梯" * 5000, "reason": "'\"*NEAR:&|!" * 3000})
    assert huge.status_code == 200
    client.force_login(pw.handlers[0])
    assert client.post(url, {"title": "电梯"}).status_code == 403
    client.logout()
    assert client.post(url).status_code == 401
    assert client.get(url).status_code == 405


def test_staff_merge_a_duplicate_from_the_review_page(client, pw):
    first = submitted(pw, **ELEVATOR)
    services.file_proposal(actor=pw.actor(pw.staff), proposal=first)
    again = draft(pw, person=pw.dave, **ELEVATOR_AGAIN)
    services.submit_proposal(actor=pw.actor(pw.dave), proposal=again)
    client.force_login(pw.staff)
    html = client.get(reverse("proposals:detail", args=[again.pk])).content.decode()
    assert "相似提案" in html and ELEVATOR["title"] in html and "并入此提案" in html
    response = client.post(
        reverse("proposals:merge", args=[again.pk]), {"into": f"#{first.pk}", "note": "相似"}
    )
    assert response.status_code == 302
    again.refresh_from_db()
    assert again.state == Proposal.State.MERGED and again.merged_into == first


def test_reindex_saves_each_organisations_matrix(pw, settings, tmp_path):
    import io

    from django.core.management import call_command

    settings.SIMILAR_SNAPSHOTS = tmp_path
    submitted(pw, **ELEVATOR)
    out = io.StringIO()
    call_command("reindex", stdout=out)
    assert [p.name.split("-")[:2] for p in snapshots(tmp_path)] == [[str(pw.org.pk), "proposal"]]
    assert "相似记录矩阵已保存：1 个" in out.getvalue()


def test_a_snapshot_of_other_data_is_not_read(pw, settings, tmp_path):
    """Records deleted since (or the data made anew, a database restored): the snapshot is built again."""
    import numpy as np

    from zhengxie.search.models import Entry

    settings.SIMILAR_SNAPSHOTS = tmp_path
    submitted(pw, **ELEVATOR)
    school = submitted(pw, **SCHOOL)
    learn()
    staff = pw.actor(pw.staff)
    similarity.similar_proposals(staff, **_text(ELEVATOR_AGAIN))
    similar.forget()
    Entry.objects.filter(source="proposal", object_id=school.pk).delete()
    found = similarity.similar_proposals(staff, **_text(SCHOOL))
    assert school not in [s.proposal for s in found]
    assert not isinstance(similar._indexes[(pw.org.pk, "proposal")].base.ids, np.memmap)
