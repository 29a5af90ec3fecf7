"""The roles of SPEC §1 and what each may do. Roles are granted per organisation."""

from django.db import models


class Role(models.TextChoices):
    MEMBER = "member", "委员"
    PROPOSAL_STAFF = "proposal_staff", "提案工作人员"
    OPINION_EDITOR = "opinion_editor", "社情民意编辑"
    COMMITTEE_STAFF = "committee_staff", "专委会工作人员"
    STUDIO_KEEPER = "studio_keeper", "委员工作室管理员"
    HANDLER = "handler", "承办单位用户"
    LEADER = "leader", "主席会议成员/领导"
    ORG_ADMIN = "org_admin", "机关管理员"
    # Submits collective proposals (集体提案) in the name of one participating unit.
    UNIT_LIAISON = "unit_liaison", "参加单位联络员"
    # A registered information officer (信息员/特邀信息员): submits public-opinion reports.
    INFO_OFFICER = "info_officer", "信息员"


# The member role comes from an active membership (委员 record), not from a grant; information officers
# are registered on their own page (they carry a profile), not granted on the roles page.
GRANTABLE_ROLES = [role for role in Role if role not in (Role.MEMBER, Role.INFO_OFFICER)]
STAFF_ROLES = frozenset(
    {Role.ORG_ADMIN, Role.PROPOSAL_STAFF, Role.OPINION_EDITOR, Role.COMMITTEE_STAFF, Role.STUDIO_KEEPER}
)

# permission -> roles holding it. Every view and service asks `actor.can(permission)`.
PERMISSIONS: dict[str, frozenset[Role]] = {
    "roster.view": STAFF_ROLES | {Role.LEADER},
    "roster.view_contact": STAFF_ROLES,
    "roster.manage": frozenset({Role.ORG_ADMIN}),
    "org.view": STAFF_ROLES | {Role.LEADER},
    "org.manage": frozenset({Role.ORG_ADMIN}),
    "roles.manage": frozenset({Role.ORG_ADMIN}),
    "audit.view": frozenset({Role.ORG_ADMIN}),
    "children.view": frozenset({Role.ORG_ADMIN, Role.LEADER, Role.PROPOSAL_STAFF, Role.OPINION_EDITOR}),
    # 提案: members write their own, unit liaisons and committee staff write collective ones.
    "proposals.submit": frozenset({Role.MEMBER, Role.UNIT_LIAISON, Role.COMMITTEE_STAFF}),
    "proposals.manage": frozenset({Role.PROPOSAL_STAFF}),
    "proposals.view_all": frozenset({Role.PROPOSAL_STAFF, Role.LEADER, Role.ORG_ADMIN}),
    "proposals.handle": frozenset({Role.HANDLER}),
    "proposals.supervise": frozenset({Role.LEADER, Role.PROPOSAL_STAFF}),
    "proposals.settings": frozenset({Role.PROPOSAL_STAFF, Role.ORG_ADMIN}),
    # 社情民意: members, unit liaisons, committee staff and registered officers write; editors do the rest.
    "opinions.submit": frozenset({Role.MEMBER, Role.UNIT_LIAISON, Role.COMMITTEE_STAFF, Role.INFO_OFFICER}),
    "opinions.edit": frozenset({Role.OPINION_EDITOR}),
    "opinions.view_all": frozenset({Role.OPINION_EDITOR, Role.LEADER, Role.ORG_ADMIN}),
    "opinions.sign": frozenset({Role.LEADER}),
    "opinions.officers": frozenset({Role.ORG_ADMIN}),
    "opinions.settings": frozenset({Role.OPINION_EDITOR, Role.ORG_ADMIN}),
    "opinions.analysis": frozenset({Role.OPINION_EDITOR, Role.LEADER, Role.ORG_ADMIN}),
    # Statistics (统计与年度报告): the dashboard, drill-down lists and the annual report pack.
    "figures.view": frozenset({Role.ORG_ADMIN, Role.PROPOSAL_STAFF, Role.OPINION_EDITOR, Role.LEADER}),
    # Import of past years' proposals and public-opinion reports from Excel.
    "figures.import": frozenset({Role.ORG_ADMIN, Role.PROPOSAL_STAFF}),
    # Full-text search: everyone in an organisation; each source limits the hits to what the person may open.
    "search.use": frozenset(Role),
}


def roles_with(permission: str) -> frozenset[Role]:
    try:
        return PERMISSIONS[permission]
    except KeyError as exc:
        raise KeyError(f"unknown permission {permission!r}") from exc
