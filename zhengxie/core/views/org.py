"""The organisation's own lists: one registry of kinds, one set of views serving all of them."""

from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render

from .. import forms as core_forms
from .. import selectors, services
from ..decorators import requires
from ..models import HandlingUnit, ParticipatingUnit, PlenarySession, Sector, SpecialCommittee, Term


@dataclass(frozen=True)
class Kind:
    slug: str
    label: str
    model: type
    form: type
    columns: tuple[tuple[str, str], ...]
    needs_org: bool = False


KINDS = {
    kind.slug: kind
    for kind in [
        Kind(
            "terms",
            "届次",
            Term,
            core_forms.TermForm,
            (("name", "名称"), ("starts_on", "开始"), ("ends_on", "结束"), ("is_current", "本届")),
        ),
        Kind(
            "sessions",
            "全体会议",
            PlenarySession,
            core_forms.SessionForm,
            (
                ("term", "届次"),
                ("name", "会次"),
                ("year", "年度"),
                ("opens_on", "开幕"),
                ("submission_closes_on", "大会提案截止"),
            ),
            needs_org=True,
        ),
        Kind(
            "sectors",
            "界别",
            Sector,
            core_forms.SectorForm,
            (("name", "名称"), ("sort_order", "排序"), ("is_active", "启用")),
        ),
        Kind(
            "committees",
            "专门委员会",
            SpecialCommittee,
            core_forms.CommitteeForm,
            (("name", "名称"), ("is_proposal_committee", "提案委员会"), ("is_active", "启用")),
        ),
        Kind(
            "participating-units",
            "参加单位",
            ParticipatingUnit,
            core_forms.ParticipatingUnitForm,
            (("name", "名称"), ("kind", "类别"), ("is_active", "启用")),
        ),
        Kind(
            "handling-units",
            "承办单位",
            HandlingUnit,
            core_forms.HandlingUnitForm,
            (("name", "名称"), ("short_name", "简称"), ("contact_person", "联系人"), ("is_active", "启用")),
        ),
    ]
}


def _kind(slug: str) -> Kind:
    try:
        return KINDS[slug]
    except KeyError as exc:
        raise Http404("页面不存在。") from exc


def _form(kind: Kind, request, instance):
    kwargs = {"instance": instance}
    if kind.needs_org:
        kwargs["organization"] = request.actor.organization
    return kind.form(request.POST or None, **kwargs)


@requires("org.view")
def org_settings(request):
    counts = [(kind, kind.model.objects.count()) for kind in KINDS.values()]
    return render(request, "core/org_settings.html", {"counts": counts})


@requires("org.view")
def record_list(request, kind):
    kind = _kind(kind)
    records = kind.model.objects.all()
    if kind.model is PlenarySession:
        records = records.select_related("term")
    q = request.GET.get("q", "").strip()
    if q:
        records = records.filter(name__contains=q)
    page = selectors.paginate(records, request.GET.get("page"), per_page=50)
    rows = [(record, [(label, _display(record, name)) for name, label in kind.columns]) for record in page]
    return render(
        request,
        "core/record_list.html",
        {
            "kind": kind,
            "page": page,
            "rows": rows,
            "q": q,
            "query": f"q={q}" if q else "",
            "can_manage": request.actor.can("org.manage"),
        },
    )


def _display(record, name: str):
    display = getattr(record, f"get_{name}_display", None)
    value = display() if display else getattr(record, name)
    if isinstance(value, bool):
        return "是" if value else "否"
    return "" if value is None else value


@requires("org.manage")
def record_edit(request, kind, pk=None):
    kind = _kind(kind)
    instance = selectors.get_for_actor(kind.model, actor=request.actor, pk=pk) if pk else kind.model()
    if pk is None:
        instance.organization = request.actor.organization
    form = _form(kind, request, instance)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in form.Meta.fields}
        record = services.save_org_record(actor=request.actor, record=instance, values=values)
        messages.success(request, f"{kind.label}“{record}”已保存。")
        return redirect("core:record_list", kind=kind.slug)
    return render(
        request,
        "core/record_form.html",
        {"kind": kind, "form": form, "title": f"{'编辑' if pk else '新增'}{kind.label}"},
    )
