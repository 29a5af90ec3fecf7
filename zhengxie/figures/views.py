"""The figures' pages: the definitions an office checks its numbers against."""

from django.shortcuts import render

from zhengxie.core.decorators import requires

from . import registry

GROUP_LABELS = {"proposals": "提案", "opinions": "社情民意"}


@requires("org.view")
def definitions(request):
    groups = [(GROUP_LABELS.get(group, group), group, registry.figures(group)) for group in registry.groups()]
    return render(request, "figures/definitions.html", {"groups": groups})
