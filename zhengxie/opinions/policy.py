"""Per-organisation rules for public-opinion reports (SPEC §3.2), kept in `Organization.settings["opinions"]`."""

from dataclasses import dataclass

from zhengxie.core import policies
from zhengxie.core.models import Organization


@dataclass(frozen=True)
class Policy(policies.Policy):
    title_max: int = 60
    body_max: int = 1500
    # Yearly quotas (报送任务): how many reports each standing member and each member should submit.
    standing_quota: int = 3
    member_quota: int = 1
    publication_title: str = "社情民意"
    # The title block and its closing lines (报送/抄送), as the office prints them.
    editor_office: str = ""
    send_to: str = ""
    copy_to: str = ""
    attachment_max_mb: int = 10

    SECTION = "opinions"
    LABELS = {
        "title_max": "标题字数上限",
        "body_max": "正文字数上限",
        "standing_quota": "常委年度报送任务（篇）",
        "member_quota": "委员年度报送任务（篇）",
        "publication_title": "刊物名称",
        "editor_office": "编印单位",
        "send_to": "报送",
        "copy_to": "抄送",
        "attachment_max_mb": "附件大小上限（MB）",
    }
    LIMITS = {
        "title_max": (10, 100),
        "body_max": (300, 10000),
        "standing_quota": (0, 100),
        "member_quota": (0, 100),
        "attachment_max_mb": (1, 50),
    }
    TEXT_MAX = {"publication_title": 50, "editor_office": 100, "send_to": 300, "copy_to": 300}
    REQUIRED = frozenset({"publication_title"})
    HELP = {"editor_office": "如“甲市政协办公室”，留空则用组织名称。"}


def policy_for(organization: Organization) -> Policy:
    return policies.read(organization, Policy)
