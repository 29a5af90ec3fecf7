"""Public-opinion reports in the platform's full-text search (zhengxie.search)."""

from django.urls import reverse

from zhengxie.search.registry import ALL, Document, Source, register

from .models import Report

S = Report.State


def report_document(report: Report) -> Document | None:
    # A draft is its writer's alone until it is submitted: not in anyone's search.
    if report.state == S.DRAFT:
        return None
    return Document(
        organization_id=report.organization_id,
        title=report.display_title,
        body=report.display_body,
        year=report.year,
        kind=report.submitter_type,
        state=report.state,
    )


def visible_reports(actor):
    """The office and leaders read every submitted report; a submitter their own."""
    if actor.can("opinions.view_all"):
        return ALL
    return Report.objects.filter(organization=actor.organization, submitter=actor.person)


def register_sources() -> None:
    register(
        Source(
            name="opinion",
            label="社情民意",
            model=Report,
            document=report_document,
            visible=visible_reports,
            url=lambda r: reverse("opinions:detail", args=[r.pk]),
            text_fields=frozenset({"title", "body", "edited_title", "edited_body", "year"}),
            kinds=dict(Report.SubmitterType.choices),
            states={k: v for k, v in S.choices if k != S.DRAFT},
        )
    )
