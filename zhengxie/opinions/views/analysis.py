"""Placeholder while the analysis pages are written (replaced in this session)."""

from django.http import HttpResponse

from zhengxie.core.decorators import requires


@requires("opinions.analysis")
def analysis(request):
    return HttpResponse("信息分析")


analysis_xlsx = rankings = rules = quotas = analysis
