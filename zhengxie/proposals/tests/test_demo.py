import pytest
from django.utils import timezone

from zhengxie.core import demo
from zhengxie.core import demo_data as words
from zhengxie.core.models import AuditEvent, Organization, RoleGrant
from zhengxie.core.roles import Role
from zhengxie.proposals import demo_history, facts, suggest
from zhengxie.proposals.models import Assignment, Proposal, Proposer, Reply, Transition, UnitProfile
from zhengxie.proposals.workflow import AFTER_FILING

S = Proposal.State


@pytest.fixture
def small_demo(monkeypatch):
    # The city and one district, 60 members each: enough for every case, and the build stays quick.
    monkeypatch.setattr(demo, "MEMBERS_PER_ORG", 60)
    monkeypatch.setattr(words, "DISTRICTS", words.DISTRICTS[:1])


@pytest.mark.django_db
def test_demo_fills_every_proposal_state_once_with_work_for_the_demo_accounts(small_demo):
    lines = []
    demo.build_demo(scale=1, log=lines.append)
    assert "示范市政协：提案 120 件" in lines
    city = Organization.objects.get(slug=demo.CITY_SLUG)
    proposals = Proposal.objects.filter(organization=city)
    assert set(proposals.values_list("state", flat=True)) == set(S.values)
    assert set(proposals.values_list("kind", flat=True)) == set(Proposal.Kind.values)
    assert set(proposals.exclude(stage="").values_list("stage", flat=True)) == set(Proposal.Stage.values)
    assert set(proposals.filter(state=S.NOT_FILED).values_list("disposition", flat=True)) == {
        Proposal.Disposition.REFERENCE,
        Proposal.Disposition.OPINION,
        Proposal.Disposition.LETTER,
    }
    assert proposals.filter(key_status="key", key_leader__username="demo-leader").exists()

    numbered = Proposal.objects.filter(state__in=AFTER_FILING)
    assert not numbered.filter(number=None).exists()
    assert len(set(numbered.values_list("session_id", "number"))) == numbered.count()

    mine = Proposer.objects.filter(organization=city, person__username="demo-member")
    assert mine.filter(role=Proposer.Role.LEAD).count() >= 5
    assert mine.filter(role=Proposer.Role.LEAD, proposal__state=S.ANSWERED).exists()
    assert mine.filter(state=Proposer.State.INVITED, proposal__state=S.COSIGNING).exists()

    grant = RoleGrant.objects.get(organization=city, person__username="demo-handler", role=Role.HANDLER)
    inbox = Assignment.objects.filter(organization=city, unit=grant.handling_unit)
    assert {Assignment.State.ASSIGNED, Assignment.State.ACCEPTED} <= set(
        inbox.values_list("state", flat=True)
    )
    assert Reply.objects.filter(assignment__in=inbox, state=Reply.State.REVIEW).exists()
    assert Reply.objects.filter(assignment__in=inbox, state=Reply.State.RETURNED).exists()

    # The handling's facts the figures count are stored for every proposal, the past years' too.
    assert not facts.drift(Proposal.objects.all()).exists()
    assert Proposal.objects.exclude(answer_class="").exclude(satisfaction="").count() > 100

    # Every step taken through the services is audited; past years are records, as an import writes them.
    steps = Transition.objects.exclude(note=demo_history.NOTE)
    assert steps.count() == AuditEvent.objects.filter(object_type="proposals.proposal").count()

    # Past sessions: closed proposals to find as similar, and assignments to learn units from.
    past = proposals.filter(session__year__lt=timezone.localdate().year, transitions__note=demo_history.NOTE)
    assert past.distinct().count() >= 2 * demo_history.PER_SESSION
    assert set(past.values_list("state", flat=True)) == {S.CLOSED}
    measured = suggest.evaluate(city)
    assert measured["tested"] >= 40 and measured["top3"] >= 0.8, measured
    assert UnitProfile.objects.filter(organization=city).count() >= 10

    count = Proposal.objects.count()
    demo.build_demo(scale=1, log=lines.append)
    assert Proposal.objects.count() == count
    assert "示范市政协：已有提案，跳过" in lines
