"""Per-organisation proposal rules (SPEC §3.1 defaults), kept in `Organization.settings["proposals"]`."""

from dataclasses import dataclass

from zhengxie.core import policies
from zhengxie.core.models import Organization


@dataclass(frozen=True)
class Policy(policies.Policy):
    title_max: int = 50
    section_max: int = 3000
    deadline_months: int = 3
    max_extension_months: int = 6
    rehandle_months: int = 1
    reroute_working_days: int = 7
    rating_working_days: int = 15
    cosign_days: int = 7
    require_communication: bool = False
    attachment_max_mb: int = 10

    SECTION = "proposals"
    LABELS = {
        "title_max": "案由字数上限",
        "section_max": "提案理由、具体建议字数上限（各）",
        "deadline_months": "办理期限（交办后月数）",
        "max_extension_months": "延期后最长期限（交办后月数）",
        "rehandle_months": "重新办理期限（月数）",
        "reroute_working_days": "申请退办时限（工作日）",
        "rating_working_days": "委员评价时限（工作日）",
        "cosign_days": "联名确认时限（天）",
        "require_communication": "无沟通未协商不答复",
        "attachment_max_mb": "附件大小上限（MB）",
    }
    LIMITS = {
        "title_max": (10, 200),
        "section_max": (500, 20000),
        "deadline_months": (1, 6),
        "max_extension_months": (1, 12),
        "rehandle_months": (1, 6),
        "reroute_working_days": (1, 30),
        "rating_working_days": (1, 60),
        "cosign_days": (1, 30),
        "attachment_max_mb": (1, 50),
    }

    def problems(self) -> dict[str, str]:
        if self.max_extension_months < self.deadline_months:
            return {"max_extension_months": "延期后最长期限不能短于办理期限。"}
        return {}


ATTACHMENT_TYPES = {
    ".pdf": "application/pdf",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".ofd": "application/ofd",
}


def policy_for(organization: Organization) -> Policy:
    return policies.read(organization, Policy)
