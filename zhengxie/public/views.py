"""The public portal (SPEC §3.1 公开): published replies and citizens' proposal leads, without sign-in.

Anonymous requests carry an empty tenant scope; each view resolves the organisation from the address
and opens its scope itself.
"""

from urllib.parse import urlencode

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django_scopes import scope

from zhengxie.core.models import Organization
from zhengxie.core.net import client_address
from zhengxie.proposals import services
from zhengxie.proposals.forms import LeadForm

from . import selectors, throttle


def _organization(slug: str) -> Organization:
    """An active organisation; an unknown or disabled one answers 404 alike."""
    return get_object_or_404(Organization, slug=slug, is_active=True)


def index(request):
    organizations = Organization.objects.filter(is_active=True).only("slug", "name", "level")
    return render(request, "public/index.html", {"organizations": organizations})


def replies(request, slug):
    org = _organization(slug)
    q = request.GET.get("q", "").strip()[: selectors.QUERY_MAX]
    number = selectors.page_number(request.GET.get("page"))
    # The unfiltered pages are what crawlers and most visitors ask for; they are kept whole, briefly.
    # Searches are not, so arbitrary words cannot fill the cache with pages.
    page_key = f"zhengxie:public:replies-page:{org.pk}:{number}"
    if not q:
        html = cache.get(page_key)
        if html is not None:
            return HttpResponse(html)
    with scope(organization=org):
        page = selectors.published_page(org.pk, q=q, number=number)
    response = render(
        request,
        "public/replies.html",
        {"org": org, "page": page, "q": q, "query": urlencode({"q": q}) if q else ""},
    )
    if not q and page.number == number:
        cache.set(page_key, response.content, selectors.CACHE_SECONDS)
    return response


def proposal(request, slug, pk):
    org = _organization(slug)
    with scope(organization=org):
        # One small query says whether the proposal is public now and when it last changed; the page
        # is kept per version, so hiding it or a new reply shows at once.
        version = selectors.published_version(org.pk, pk)
        page_key = f"zhengxie:public:proposal:{org.pk}:{pk}:{version.timestamp()}"
        html = cache.get(page_key)
        if html is not None:
            return HttpResponse(html)
        record, answers = selectors.published_proposal(org.pk, pk)
    response = render(request, "public/proposal.html", {"org": org, "proposal": record, "replies": answers})
    cache.set(page_key, response.content, selectors.PAGE_SECONDS)
    return response


def _too_many(request, org: Organization):
    return render(
        request,
        "public/too_many.html",
        {"org": org, "limit": throttle.LEADS_PER_HOUR},
        status=429,
    )


def new_lead(request, slug):
    org = _organization(slug)
    address = client_address(request)
    if throttle.leads_exhausted(org.pk, address):
        return _too_many(request, org)
    form = LeadForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["website"]:
            # Only bots fill the field people never see; they are told it worked and nothing is kept.
            throttle.count_lead(org.pk, address)
            return redirect("public:lead_thanks", slug=org.slug)
        problem = throttle.stamp_problem(request.POST.get("stamp", ""), org.pk)
        if problem:
            form.add_error(None, problem)
        elif throttle.count_lead(org.pk, address) > throttle.LEADS_PER_HOUR:
            return _too_many(request, org)
        else:
            try:
                with scope(organization=org):
                    services.submit_lead(
                        organization=org,
                        title=data["title"],
                        body=data["body"],
                        contact=data["contact"],
                        address=address,
                    )
            except ValidationError as error:
                throttle.uncount_lead(org.pk, address)
                form.add_error(None, error)
            else:
                return redirect("public:lead_thanks", slug=org.slug)
    return render(
        request,
        "public/lead_form.html",
        {"org": org, "form": form, "stamp": throttle.form_stamp(org.pk), "limit": throttle.LEADS_PER_HOUR},
    )


def lead_thanks(request, slug):
    return render(request, "public/lead_thanks.html", {"org": _organization(slug)})
