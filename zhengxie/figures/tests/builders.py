"""A year of work in the proposal world's organisation, built through the real services."""

from types import SimpleNamespace

from zhengxie.core.roles import Role
from zhengxie.core.tests import factories as f
from zhengxie.opinions import services as opinion_services
from zhengxie.opinions.tests import builders as ob
from zhengxie.proposals.models import Proposal
from zhengxie.proposals.services import not_file_proposal, rate_reply
from zhengxie.proposals.tests import builders as pb


def _opinion_world(pw):
    """The opinion builders' world in the proposal world's organisation (an editor besides its people)."""
    opinion_services.ensure_reference_lists(pw.org)
    editor = f.PersonFactory(username="opeditor", full_name="陈编辑")
    f.RoleGrantFactory(organization=pw.org, person=editor, role=Role.OPINION_EDITOR)
    return SimpleNamespace(org=pw.org, bob=pw.bob, editor=editor, leader=pw.leader, actor=pw.actor)


def year_of_work(pw):
    """Six proposals received (one not filed, converted to a report), two answered and rated; three reports,
    two adopted, one instructed at city level."""
    ow = _opinion_world(pw)
    pb.submitted(pw)
    pb.filed(pw)
    pb.handled(pw)
    _, reply = pb.answered(pw)
    rate_reply(actor=pw.actor(pw.bob), reply=reply, handling="satisfied", result="satisfied")
    _, reply = pb.answered(pw)
    rate_reply(actor=pw.actor(pw.bob), reply=reply, handling="satisfied", result="basic")
    not_file_proposal(
        actor=pw.actor(pw.staff),
        proposal=pb.submitted(pw),
        ground=pw.ground,
        reason="转为社情民意。",
        disposition=Proposal.Disposition.OPINION,
    )
    ob.submitted(ow)
    ob.adopted(ow)
    ob.instructed(ow)
