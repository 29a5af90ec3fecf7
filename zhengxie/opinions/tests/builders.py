"""Reports and issues in a given state, built through the services (so every invariant holds)."""

from datetime import date

from django.utils import timezone

from zhengxie.opinions import services
from zhengxie.opinions.models import Forwarding, Level


def draft(
    ow,
    person=None,
    org=None,
    title="关于老旧小区加装电梯的建议",
    body="群众反映加装电梯审批环节多。",
    **kwargs,
):
    person = person or ow.bob
    org = org or ow.org
    category = (
        kwargs.pop("category", None) or services.ReportCategory.objects.filter(organization=org).first()
    )
    return services.create_report(
        actor=ow.actor(person, org), title=title, body=body, category=category, **kwargs
    )


def submitted(ow, person=None, org=None, **kwargs):
    person = person or ow.bob
    report = draft(ow, person, org, **kwargs)
    return services.submit_report(actor=ow.actor(person, org or ow.org), report=report)


def editing(ow, person=None, org=None, editor=None, **kwargs):
    org = org or ow.org
    report = submitted(ow, person, org, **kwargs)
    return services.receive_report(actor=ow.actor(editor or ow.editor, org), report=report)


def issue(ow, org=None, editor=None):
    return services.create_issue(actor=ow.actor(editor or ow.editor, org or ow.org))


def publish(ow, issue, org=None, editor=None, leader=None):
    """Send an issue for signing, sign it and print it."""
    org = org or ow.org
    editor_actor = ow.actor(editor or ow.editor, org)
    leader = leader or ow.leader
    issue = services.request_signoff(actor=editor_actor, issue=issue, signer=leader)
    issue = services.sign_issue(actor=ow.actor(leader, org), issue=issue)
    return services.publish_issue(actor=editor_actor, issue=issue)


def adopted(ow, person=None, **kwargs):
    """A report adopted in a new issue of the city, published."""
    report = editing(ow, person, **kwargs)
    new_issue = issue(ow)
    services.include_report(actor=ow.actor(ow.editor), report=report, issue=new_issue)
    publish(ow, new_issue)
    report.refresh_from_db()
    return report


def forwarded(ow, person=None, **kwargs):
    report = adopted(ow, person, **kwargs)
    return services.forward_report(
        actor=ow.actor(ow.editor), report=report, target=Forwarding.Target.PARTY_GOV, recipient="市委办公室"
    )


def instructed(ow, person=None, level=Level.CITY, **kwargs):
    report = forwarded(ow, person, **kwargs)
    services.record_instruction(
        actor=ow.actor(ow.editor),
        report=report,
        leader="王书记",
        leader_title="市委书记",
        level=level,
        instructed_on=timezone.localdate(),
        text="请市住建局研究办理。",
    )
    report.refresh_from_db()
    return report


def today() -> date:
    return timezone.localdate()
