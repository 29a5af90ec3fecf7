"""Proposals at each stage of their life, built through the real services."""

from zhengxie.proposals import services
from zhengxie.proposals.models import Proposal


def draft(pw, person=None, **kwargs):
    actor = pw.actor(person or pw.bob)
    fields = {
        "title": "关于加快城乡公交一体化的建议",
        "reason": "目前城乡公交线路覆盖不足，群众出行不便。",
        "suggestions": "一是优化线路；二是加大财政补贴。",
        "category": pw.category,
    }
    fields.update(kwargs)
    return services.create_proposal(actor=actor, **fields)


def submitted(pw, **kwargs):
    proposal = draft(pw, **kwargs)
    return services.submit_proposal(actor=pw.actor(pw.bob), proposal=proposal)


def filed(pw):
    proposal = submitted(pw)
    return services.file_proposal(actor=pw.actor(pw.staff), proposal=proposal)


def handled(pw, *, co=True):
    """Filed, assigned to a lead unit (and a co-handling unit) and accepted by all."""
    proposal = filed(pw)
    staff = pw.actor(pw.staff)
    services.assign_units(actor=staff, proposal=proposal, lead=pw.units[0], co=[pw.units[1]] if co else [])
    for i, assignment in enumerate(proposal.assignments.order_by("id")):
        services.accept_assignment(actor=pw.actor(pw.handlers[i]), assignment=assignment)
    proposal.refresh_from_db()
    return proposal


def answered(pw):
    proposal = handled(pw)
    reply = answer(pw, proposal)
    proposal.refresh_from_db()
    return proposal, reply


def draft_reply(pw, proposal, *, body="经研究，答复如下……", result_class="A", signer="王局长"):
    """A handled proposal (lead and co-handling unit) gets its countersign and the lead unit's draft reply."""
    lead, co = proposal.assignments.order_by("id")
    services.countersign(actor=pw.actor(pw.handlers[1]), assignment=co, opinion="同意主办单位意见。")
    return services.save_reply(
        actor=pw.actor(pw.handlers[0]), assignment=lead, body=body, result_class=result_class, signer=signer
    )


def answer(pw, proposal):
    """A handled proposal (lead and co-handling unit) gets its countersign and its approved reply."""
    reply = draft_reply(pw, proposal)
    services.submit_reply(actor=pw.actor(pw.handlers[0]), reply=reply)
    services.review_reply(actor=pw.actor(pw.staff), reply=reply, approve=True)
    return reply


def in_state(pw, state):
    """A proposal in the given state, reached through the services."""
    S = Proposal.State
    staff = pw.actor(pw.staff)
    if state == S.DRAFT:
        return draft(pw)
    if state == S.COSIGNING:
        proposal = draft(pw)
        services.invite_cosigners(actor=pw.actor(pw.bob), proposal=proposal, people=[pw.dave])
        return services.submit_proposal(actor=pw.actor(pw.bob), proposal=proposal)
    if state == S.SUBMITTED:
        return submitted(pw)
    if state == S.REVIEWING:
        return services.precheck_proposal(actor=staff, proposal=submitted(pw))
    if state in (S.RETURNED, S.NOT_FILED):
        disposition = "return" if state == S.RETURNED else "reference"
        return services.not_file_proposal(
            actor=staff, proposal=submitted(pw), ground=pw.ground, reason="意见", disposition=disposition
        )
    if state == S.WITHDRAWN:
        return services.withdraw_proposal(actor=pw.actor(pw.bob), proposal=submitted(pw))
    if state == S.MERGED:
        return services.merge_proposal(actor=staff, proposal=submitted(pw), into=submitted(pw))
    if state == S.FILED:
        return filed(pw)
    if state == S.ASSIGNED:
        return services.assign_units(actor=staff, proposal=filed(pw), lead=pw.units[0], co=[pw.units[1]])
    if state == S.HANDLING:
        return handled(pw)
    if state == S.REPLY_REVIEW:
        proposal = handled(pw, co=False)
        reply = services.save_reply(
            actor=pw.actor(pw.handlers[0]),
            assignment=proposal.assignments.get(),
            body="答复",
            result_class="B",
            signer="王局长",
        )
        services.submit_reply(actor=pw.actor(pw.handlers[0]), reply=reply)
        proposal.refresh_from_db()
        return proposal
    if state == S.ANSWERED:
        return answered(pw)[0]
    if state == S.CLOSED:
        proposal, reply = answered(pw)
        services.rate_reply(actor=pw.actor(pw.bob), reply=reply, handling="satisfied", result="satisfied")
        proposal.refresh_from_db()
        return proposal
    raise ValueError(state)
