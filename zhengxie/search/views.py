from django.shortcuts import render

from zhengxie.core.decorators import requires
from zhengxie.core.models import PlenarySession

from .forms import SearchForm
from .query import search as run_search


@requires("search.use")
def search(request):
    actor = request.actor
    years = sorted(
        set(PlenarySession.objects.filter(organization=actor.organization).values_list("year", flat=True)),
        reverse=True,
    )
    form = SearchForm(request.GET or None, years=years)
    results = None
    if request.GET and form.is_valid():
        data = form.cleaned_data
        try:
            page = int(request.GET.get("page", 1))
        except ValueError:
            page = 1
        results = run_search(
            actor,
            data["q"],
            source=data["source"],
            year=data["year"],
            kind=data["kind"],
            state=data["state"],
            page=page,
        )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "search/search.html", {"form": form, "results": results, "query": query.urlencode()}
    )
