"""Reports in the full-text search: drafts stay private, the editor's version is what is found, and each
person finds only what they may open."""

import pytest

from zhengxie.opinions import services
from zhengxie.search.query import search

from . import builders as b

pytestmark = pytest.mark.django_db


def titles(results):
    return [hit.record.display_title for hit in results.hits]


def test_a_submitted_report_is_found_and_a_draft_is_not(ow):
    editor = ow.actor(ow.editor)
    report = b.draft(ow, title="关于整治电动自行车违规充电的建议", body="楼道飞线充电存在火灾隐患。")
    assert search(editor, "电动自行车").total == 0
    services.submit_report(actor=ow.actor(ow.bob), report=report)
    assert titles(search(editor, "电动自行车")) == ["关于整治电动自行车违规充电的建议"]
    assert search(editor, "飞线充电").total == 1


def test_the_editors_version_is_indexed(ow):
    editor = ow.actor(ow.editor)
    report = b.editing(ow, title="关于充电的建议", body="楼道充电。")
    services.edit_report(
        actor=editor, report=report, title="关于建设集中充电桩的建议", body="小区缺少集中充电设施。"
    )
    assert titles(search(editor, "充电桩")) == ["关于建设集中充电桩的建议"]


def test_members_find_their_own_reports_only_and_other_organisations_nothing(ow):
    b.submitted(ow, title="关于改善农贸市场环境的建议", body="农贸市场污水横流。")
    assert search(ow.actor(ow.bob), "农贸市场").total == 1
    assert search(ow.actor(ow.erin), "农贸市场").total == 0
    assert search(ow.actor(ow.leader), "农贸市场").total == 1
    assert search(ow.actor(ow.other_editor, ow.world.other_org), "农贸市场").total == 0
