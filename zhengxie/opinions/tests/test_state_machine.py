"""Random sequences of report and issue steps by random people of the city, the county below it and an
unrelated organisation; after every step the invariants hold, and a refused step changes nothing."""

from collections import defaultdict

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from zhengxie.core.errors import WorkflowError
from zhengxie.core.models import AuditEvent
from zhengxie.opinions import services
from zhengxie.opinions.models import (
    LEVEL_BITS,
    Forwarding,
    Instruction,
    Issue,
    IssueItem,
    Level,
    Report,
    ReportTransition,
)
from zhengxie.opinions.workflow import AFTER_ADOPTION, ISSUE_STEPS, STEPS

from . import builders as b
from .test_permissions import ISSUE_CALLS, REPORT_CALLS, attempt, database_state

S = Report.State
I = Issue.State  # noqa: E741
REFUSALS = (PermissionDenied, WorkflowError, ValidationError, Http404, ObjectDoesNotExist)
SUBMITTER_STEPS = {"save", "submit", "withdraw"}


def check_invariants(rules) -> None:
    """A few queries over everything, so the check after every step stays cheap. `rules`: each
    organisation's scoring table (no step here changes one)."""
    reports = list(
        Report.objects.select_related("item__issue", "forwarded_from__organization").order_by("id")
    )
    levels = defaultdict(set)
    for report_id, level in Instruction.objects.values_list("report_id", "level"):
        levels[report_id].add(level)
    copies = defaultdict(list)
    for report in reports:
        if report.forwarded_from_id:
            copies[report.forwarded_from_id].append(report)
            # The copy carries the outcomes of its own instructions up to the original.
            levels[report.forwarded_from_id] |= levels[report.pk]
    upper_forwardings = defaultdict(list)
    for report_id, copy_id in Forwarding.objects.filter(target=Forwarding.Target.UPPER).values_list(
        "report_id", "upper_report_id"
    ):
        upper_forwardings[report_id].append(copy_id)
    for report in reports:
        published = report.item is not None and report.item.issue.state == I.PUBLISHED
        # Adopted (and every later state) exactly when the report sits in a published issue.
        assert (report.state in AFTER_ADOPTION) == published, report.state
        assert (report.adopted_at is not None) == published
        if report.state in (S.DRAFT, S.SUBMITTED, S.WITHDRAWN, S.NOT_ADOPTED):
            assert report.item_id is None
        # Outcomes: its own instructions, and what the upper organisation did with its one copy.
        mine = copies[report.pk]
        assert upper_forwardings[report.pk] == [c.pk for c in mine]
        assert report.instruction_levels == sum(LEVEL_BITS[Level(level)] for level in levels[report.pk])
        assert report.upper_adopted == any(c.adopted_at is not None for c in mine)
        # The points are the best outcome's under the organisation's table.
        outcome, points = services.best_outcome(
            services.outcomes_of(
                adopted=report.adopted_at is not None,
                upper_adopted=report.upper_adopted,
                levels=report.instruction_levels,
            ),
            rules[report.organization_id],
        )
        assert (report.outcome, report.points) == (outcome, points)
        if report.forwarded_from_id:
            assert report.submitter_type == Report.SubmitterType.LOWER_ORG
            assert report.forwarded_from.organization.parent_id == report.organization_id
    # Every instruction is on a report that was adopted.
    assert not Instruction.objects.exclude(report__state__in=AFTER_ADOPTION).exists()
    # Issue numbers run 1..n per organisation and year; the published ones 1..k: printing never skips one.
    numbers = defaultdict(list)
    printed = defaultdict(list)
    for org_id, year, number, state in Issue.objects.values_list(
        "organization_id", "year", "number", "state"
    ):
        numbers[org_id, year].append(number)
        if state == I.PUBLISHED:
            printed[org_id, year].append(number)
    for key, found in numbers.items():
        assert sorted(found) == list(range(1, len(found) + 1))
        assert sorted(printed[key]) == list(range(1, len(printed[key]) + 1))
    # Items are numbered 1..n in each issue, none is empty, and only a draft issue may have none.
    positions = defaultdict(list)
    for issue_id, position in IssueItem.objects.values_list("issue_id", "position"):
        positions[issue_id].append(position)
    for issue_id, state in Issue.objects.values_list("id", "state"):
        assert sorted(positions[issue_id]) == list(range(1, len(positions[issue_id]) + 1))
        assert positions[issue_id] or state == I.DRAFT
    assert not IssueItem.objects.filter(reports=None).exists()
    # One audit event per timeline row.
    assert (
        ReportTransition.objects.count() == AuditEvent.objects.filter(object_type="opinions.report").count()
    )


def test_random_action_sequences_keep_the_invariants(ow):
    city, county, other = ow.org, ow.county, ow.world.other_org
    people = {
        "bob": ow.actor(ow.bob),
        "erin": ow.actor(ow.erin),
        "editor": ow.actor(ow.editor),
        "leader": ow.actor(ow.leader),
        "admin": ow.actor(ow.world.alice),
        "county_member": ow.actor(ow.county_member, county),
        "county_editor": ow.actor(ow.county_editor, county),
        "county_leader": ow.actor(ow.county_leader, county),
        "county_editor_in_city": ow.actor(ow.county_editor, city),
        "other_editor": ow.actor(ow.other_editor, other),
    }
    editors = {city.pk: people["editor"], county.pk: people["county_editor"]}
    leaders = {city.pk: people["leader"], county.pk: people["county_leader"]}
    writers = ["bob", "erin", "county_member"]
    rules = {org.pk: services.rules_for(org) for org in (city, county, other)}
    reached: set[str] = set()
    upper_reached: set[bool] = set()

    def entitled(roles, organization, person_id=None):
        return [
            key
            for key, actor in people.items()
            if actor.roles & roles
            and actor.organization == organization
            and (person_id is None or actor.person.pk == person_id)
        ]

    def observe():
        check_invariants(rules)
        reached.update(Report.objects.values_list("state", flat=True))
        upper_reached.update(Report.objects.values_list("upper_adopted", flat=True))

    def refused_changes_nothing(call):
        before = database_state()
        try:
            call()
        except REFUSALS:
            assert database_state() == before
            return False
        return True

    def next_step(report: Report, data) -> bool:
        """The report's next step towards its end, by the person whose turn it is; False if it cannot move."""
        org = report.organization_id
        editor, leader = editors[org], leaders[org]
        if report.state == S.DRAFT:
            actor = next(
                a for a in people.values() if a.person.pk == report.submitter_id and a.organization.pk == org
            )
            return refused_changes_nothing(lambda: services.submit_report(actor=actor, report=report))
        if report.state == S.SUBMITTED:
            return refused_changes_nothing(lambda: services.receive_report(actor=editor, report=report))
        if report.state == S.EDITING and report.item_id is None:
            issues = list(Issue.objects.filter(organization_id=org, state=I.DRAFT).order_by("number"))
            if not issues:
                return refused_changes_nothing(lambda: services.create_issue(actor=editor))
            issue = data.draw(st.sampled_from(issues), label="into issue")
            return refused_changes_nothing(
                lambda: services.include_report(actor=editor, report=report, issue=issue)
            )
        if report.state == S.EDITING:
            issue = report.item.issue
            if issue.state == I.DRAFT:
                call = lambda: services.request_signoff(actor=editor, issue=issue, signer=leader.person)  # noqa: E731
            elif issue.state == I.SIGNOFF:
                call = lambda: services.sign_issue(actor=leader, issue=issue)  # noqa: E731
            else:
                call = lambda: services.publish_issue(actor=editor, issue=issue)  # noqa: E731
            return refused_changes_nothing(call)
        if report.state in (S.ADOPTED, S.FORWARDED) and data.draw(st.booleans(), label="forward first"):
            target = (
                Forwarding.Target.UPPER
                if report.organization.parent_id and not report.forwardings.filter(target="upper").exists()
                else Forwarding.Target.PARTY_GOV
            )
            return refused_changes_nothing(
                lambda: services.forward_report(
                    actor=editor, report=report, target=target, recipient="市委办公室"
                )
            )
        if report.state in AFTER_ADOPTION and report.state != S.FEEDBACK:
            level = data.draw(st.sampled_from(list(Level.values)), label="level")
            return refused_changes_nothing(
                lambda: services.record_instruction(
                    actor=editor, report=report, leader="王书记", level=level, instructed_on=b.today()
                )
            )
        if report.state == S.INSTRUCTED:
            return refused_changes_nothing(
                lambda: services.record_feedback(
                    actor=editor, report=report, department="市住建局", received_on=b.today(), text="已落实。"
                )
            )
        return False

    class OpinionMachine(RuleBasedStateMachine):
        @initialize()
        def start(self):
            # Each example starts from the same database: its writes roll back in teardown.
            self.atomic = transaction.atomic()
            self.atomic.__enter__()
            b.draft(ow)
            b.draft(ow, person=ow.county_member, org=county)

        @rule(data=st.data())
        def write_another(self, data):
            if Report.objects.filter(forwarded_from=None).count() < 5:
                actor = people[data.draw(st.sampled_from(writers), label="writer")]
                b.draft(ow, person=actor.person, org=actor.organization)

        @rule(data=st.data())
        def carry_a_report_on(self, data):
            """Several steps in a row along the report's way, so that long lives happen."""
            report = data.draw(st.sampled_from(list(Report.objects.order_by("id"))), label="report to carry")
            for _ in range(data.draw(st.integers(1, 8), label="how far")):
                report.refresh_from_db()
                if not next_step(report, data):
                    break
                observe()

        def _person(self, data, candidates):
            biased = candidates and data.draw(st.integers(0, 4), label="bias") < 4
            return people[data.draw(st.sampled_from(candidates if biased else list(people)), label="person")]

        def _take(self, name, actor, record, data):
            refused_changes_nothing(
                lambda: attempt(name, actor, record, lambda rows: data.draw(st.sampled_from(rows)))
            )

        @rule(data=st.data())
        def take_any_report_step(self, data):
            """Any step, often one the state allows, by anyone, often the person entitled to it."""
            report = data.draw(st.sampled_from(list(Report.objects.order_by("id"))), label="report")
            possible = [n for n in REPORT_CALLS if report.state in STEPS[n].sources]
            names = (
                possible
                if possible and data.draw(st.integers(0, 3), label="sensible")
                else list(REPORT_CALLS)
            )
            name = data.draw(st.sampled_from(names), label="step")
            submitter = report.submitter_id if name in SUBMITTER_STEPS else None
            actor = self._person(data, entitled(STEPS[name].roles, report.organization, submitter))
            self._take(name, actor, report, data)

        @rule(data=st.data())
        def take_any_issue_step(self, data):
            issues = list(Issue.objects.order_by("id"))
            if not issues or data.draw(st.integers(0, 5), label="new issue") == 0:
                organization = data.draw(st.sampled_from([city, county]), label="organisation")
                actor = self._person(data, entitled(ISSUE_STEPS["create_issue"].roles, organization))
                self._take("create_issue", actor, None, data)
                return
            issue = data.draw(st.sampled_from(issues), label="issue")
            possible = [n for n in ISSUE_CALLS if issue.state in ISSUE_STEPS[n].sources]
            names = (
                possible if possible and data.draw(st.integers(0, 3), label="sensible") else list(ISSUE_CALLS)
            )
            name = data.draw(st.sampled_from(names), label="issue step")
            signer = issue.signer_id if name in ("sign", "return_signoff") else None
            actor = self._person(data, entitled(ISSUE_STEPS[name].roles, issue.organization, signer))
            self._take(name, actor, issue, data)

        @invariant()
        def invariants_hold(self):
            observe()

        def teardown(self):
            if hasattr(self, "atomic"):
                transaction.set_rollback(True)
                self.atomic.__exit__(None, None, None)

    OpinionMachine.TestCase.settings = settings(
        max_examples=30,
        stateful_step_count=50,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    OpinionMachine.TestCase().runTest()
    # The random lives went the whole way, not only through the first steps, in both organisations.
    assert set(S.values) <= reached
    assert True in upper_reached
