"""Every workflow step as one call with plausible arguments, for the permission matrix and the
state-machine test: `attempt(name, actor, proposal, pick)` calls the step's service."""

from collections.abc import Callable

from django.utils import timezone

from zhengxie.proposals import services
from zhengxie.proposals.models import Assignment, Category, NotFilingGround, Proposal, Reply, RerouteRequest


def _assignment(proposal: Proposal, pick: Callable) -> Assignment:
    rows = list(proposal.assignments.order_by("id")) or [
        Assignment(proposal=proposal, organization=proposal.organization)
    ]
    return pick(rows)


def _reply(proposal: Proposal, pick: Callable) -> Reply:
    rows = list(proposal.replies.order_by("id")) or [
        Reply(proposal=proposal, organization=proposal.organization, assignment=_assignment(proposal, pick))
    ]
    return pick(rows)


def _reroute(proposal: Proposal, pick: Callable) -> RerouteRequest:
    rows = list(RerouteRequest.objects.filter(assignment__proposal=proposal).order_by("id"))
    if not rows:
        return RerouteRequest(assignment=_assignment(proposal, pick), organization=proposal.organization)
    return pick(rows)


def _other(proposal: Proposal, pick: Callable) -> Proposal:
    rows = list(
        Proposal.objects.filter(organization=proposal.organization).exclude(pk=proposal.pk).order_by("id")
    )
    return pick(rows) if rows else proposal


def _units(proposal: Proposal):
    from zhengxie.core.models import HandlingUnit

    return list(HandlingUnit.objects.filter(organization=proposal.organization).order_by("id"))


def _leader(proposal: Proposal):
    from zhengxie.core.models import Person
    from zhengxie.core.notifications import holders
    from zhengxie.core.roles import Role

    return Person.objects.filter(pk__in=holders(proposal.organization, Role.LEADER)).first()


def _members(proposal: Proposal):
    from zhengxie.core.models import Member

    return [
        m.person for m in Member.objects.filter(organization=proposal.organization).select_related("person")
    ]


today = timezone.localdate


CALLS: dict[str, Callable] = {
    "save": lambda a, p, pick: services.update_proposal(
        actor=a,
        proposal=p,
        version=p.version,
        title=p.title,
        reason=p.reason,
        suggestions=p.suggestions + "。",
        category=p.category,
    ),
    "invite": lambda a, p, pick: services.invite_cosigners(actor=a, proposal=p, people=[pick(_members(p))]),
    "uninvite": lambda a, p, pick: services.remove_cosigner(actor=a, proposal=p, person=pick(_members(p))),
    "submit": lambda a, p, pick: services.submit_proposal(actor=a, proposal=p),
    "sign": lambda a, p, pick: services.sign_proposal(actor=a, proposal=p),
    "decline": lambda a, p, pick: services.decline_proposal(actor=a, proposal=p),
    "withdraw": lambda a, p, pick: services.withdraw_proposal(actor=a, proposal=p),
    "precheck": lambda a, p, pick: services.precheck_proposal(actor=a, proposal=p),
    "file": lambda a, p, pick: services.file_proposal(actor=a, proposal=p),
    "not_file": lambda a, p, pick: services.not_file_proposal(
        actor=a,
        proposal=p,
        ground=NotFilingGround.objects.filter(organization=p.organization).first(),
        reason="不符合立案条件",
        disposition=pick(["reference", "opinion", "letter", "return"]),
    ),
    "merge": lambda a, p, pick: services.merge_proposal(actor=a, proposal=p, into=_other(p, pick)),
    "assign": lambda a, p, pick: services.assign_units(
        actor=a,
        proposal=p,
        **pick(
            [
                {"lead": _units(p)[0]},
                {"lead": _units(p)[0], "co": [_units(p)[1]]},
                {"separate": _units(p)[1:3]},
            ]
        ),
    ),
    "accept": lambda a, p, pick: services.accept_assignment(actor=a, assignment=_assignment(p, pick)),
    "request_reroute": lambda a, p, pick: services.request_reroute(
        actor=a, assignment=_assignment(p, pick), reason="不属本单位职责"
    ),
    "decide_reroute": lambda a, p, pick: services.decide_reroute(
        actor=a, request=_reroute(p, pick), approve=pick([True, False]), new_unit=pick([None, *_units(p)])
    ),
    "extend": lambda a, p, pick: services.extend_deadline(
        actor=a,
        assignment=_assignment(p, pick),
        deadline=services.add_months(today(), pick([4, 5, 6])),
        reason="需协调",
    ),
    "communicate": lambda a, p, pick: services.record_communication(
        actor=a, assignment=_assignment(p, pick), method="face", day=today(), summary="面商"
    ),
    "countersign": lambda a, p, pick: services.countersign(
        actor=a, assignment=_assignment(p, pick), opinion="同意"
    ),
    "draft_reply": lambda a, p, pick: services.save_reply(
        actor=a,
        assignment=_assignment(p, pick),
        body="答复",
        result_class=pick(["A", "B", "C"]),
        signer="局长",
    ),
    "submit_reply": lambda a, p, pick: services.submit_reply(actor=a, reply=_reply(p, pick)),
    "approve_reply": lambda a, p, pick: services.review_reply(actor=a, reply=_reply(p, pick), approve=True),
    "return_reply": lambda a, p, pick: services.review_reply(
        actor=a, reply=_reply(p, pick), approve=False, note="请补充"
    ),
    "rate": lambda a, p, pick: services.rate_reply(
        actor=a,
        reply=_reply(p, pick),
        handling=pick(["satisfied", "basic", "unsatisfied"]),
        result=pick(["satisfied", "basic", "unsatisfied"]),
    ),
    "close": lambda a, p, pick: services.close_proposal(actor=a, proposal=p),
    "rate_quality": lambda a, p, pick: services.rate_quality(
        actor=a, assignment=_assignment(p, pick), score=85
    ),
    "propose_key": lambda a, p, pick: services.propose_key(actor=a, proposal=p),
    "decide_key": lambda a, p, pick: services.decide_key(actor=a, proposal=p, leader=_leader(p)),
    "supervise": lambda a, p, pick: services.record_supervision(
        actor=a, proposal=p, kind="visit", day=today(), summary="调研"
    ),
    "set_confidential": lambda a, p, pick: services.set_confidential(
        actor=a, proposal=p, confidential=pick([True, False])
    ),
    "award": lambda a, p, pick: services.give_award(actor=a, year=today().year, kind="proposal", proposal=p),
}


def attempt(name: str, actor, proposal: Proposal, pick: Callable) -> None:
    CALLS[name](actor, proposal, pick)


def new_draft(actor) -> Proposal:
    return services.create_proposal(
        actor=actor,
        title="关于优化营商环境的建议",
        reason="理由",
        suggestions="建议",
        category=Category.objects.filter(organization=actor.organization).first(),
    )
