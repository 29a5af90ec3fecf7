from django import forms

from . import registry
from .text import MAX_QUERY_CHARS


class SearchForm(forms.Form):
    q = forms.CharField(label="检索词", required=False, max_length=10_000, strip=True)
    source = forms.ChoiceField(label="范围", required=False)
    year = forms.TypedChoiceField(label="年度", required=False, coerce=int, empty_value=None)
    kind = forms.ChoiceField(label="类型", required=False)
    state = forms.ChoiceField(label="状态", required=False)

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        sources = registry.sources()
        self.fields["q"].widget.attrs.update(
            {"placeholder": "输入词语，如：乡村振兴 人才", "autofocus": True, "data-max": MAX_QUERY_CHARS}
        )
        self.fields["source"].choices = [("", "全部"), *((s.name, s.label) for s in sources)]
        self.fields["year"].choices = [("", "全部"), *((y, f"{y}年") for y in years)]
        kinds = {k: v for s in sources for k, v in s.kinds.items()}
        self.fields["kind"].choices = [("", "全部"), *kinds.items()]
        states = {k: v for s in sources for k, v in s.states.items()}
        self.fields["state"].choices = [("", "全部"), *states.items()]
