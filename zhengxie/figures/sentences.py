"""The Chinese sentences a work report quotes (共收到提案435件，其中大会期间提案314件……), written from the
figures and nothing else: a clause for a figure that is zero (or a rate with nothing under it) is left out,
and a sentence whose every clause is left out is not written."""

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Sentence:
    clauses: tuple[tuple[str, str], ...]  # (figure name, text with {} for its value)
    intro: str = ""  # before the clauses, e.g. 经审查，
    # The clauses after the first belong to it ("其中……"): without the first, none of them is written.
    headed: bool = True
    sub_prefix: str = "其中"


SENTENCES: dict[str, list[Sentence]] = {
    "proposals": [
        Sentence(
            (
                ("received", "共收到提案{}件"),
                ("received_plenary", "大会期间提案{}件"),
                ("received_ordinary", "平时提案{}件"),
            )
        ),
        Sentence(
            (("filed", "立案{}件"), ("filed_member", "委员提案{}件"), ("filed_collective", "集体提案{}件")),
            intro="经审查，",
        ),
        Sentence(
            (
                ("not_filed", "不予立案{}件"),
                ("not_filed_reference", "转为工作参考的{}件"),
                ("not_filed_opinion", "转为社情民意的{}件"),
                ("not_filed_letter", "转为委员来信的{}件"),
            )
        ),
        Sentence((("merged", "并案处理{}件"),)),
        Sentence((("returned", "退回提案人修改{}件"),)),
        Sentence((("assigned", "交办提案{}件"), ("handling_units", "涉及承办单位{}个")), sub_prefix=""),
        Sentence(
            (
                ("replied", "已答复{}件"),
                ("replied_on_time", "按时答复{}件"),
                ("on_time_rate", "按时答复率为{}%"),
            ),
            sub_prefix="",
        ),
        Sentence(
            (("class_a", "A类{}件"), ("class_b", "B类{}件"), ("class_c", "C类{}件")),
            intro="答复中，",
            headed=False,
            sub_prefix="",
        ),
        Sentence(
            (
                ("rated", "委员已评价{}件"),
                ("satisfied_rate", "满意率达{}%"),
                ("basically_satisfied_rate", "基本满意率为{}%"),
                ("unsatisfied_rate", "不满意率为{}%"),
            ),
            sub_prefix="",
        ),
        Sentence((("face_to_face_rate", "承办单位与提案人面商率为{}%"),)),
        Sentence((("key", "确定重点提案{}件"),)),
        Sentence((("rehandled", "因委员不满意重新办理{}件"),)),
    ],
    "opinions": [
        Sentence(
            (("received", "收集社情民意信息{}条"), ("adopted", "采编{}条"), ("not_adopted", "未采用{}条")),
            sub_prefix="",
        ),
        Sentence((("issues", "编发《社情民意》{}期"),)),
        Sentence((("forwarded", "报送上级政协和党委政府{}条"),)),
        Sentence(
            (
                ("instructed", "获领导批示{}条"),
                ("instructed_national", "全国领导批示{}条"),
                ("instructed_province", "省领导批示{}条"),
                ("instructed_city", "市领导批示{}条"),
                ("instructed_county", "区县领导批示{}条"),
            )
        ),
    ],
}


def _shown(value) -> str | None:
    """The value as written, or None when the figure is zero or has nothing under it."""
    if value is None or value == 0:
        return None
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return str(value)


def write(group: str, values: dict) -> list[str]:
    """The group's sentences from its figures' values."""
    written = []
    for sentence in SENTENCES.get(group, []):
        parts = []
        for index, (name, text) in enumerate(sentence.clauses):
            shown = _shown(values[name])
            if shown is None:
                if index == 0 and sentence.headed:
                    break
                continue
            clause = text.format(shown)
            if index > 0 and sentence.headed and sentence.sub_prefix and len(parts) == 1:
                clause = sentence.sub_prefix + clause
            parts.append(clause)
        if parts:
            written.append(sentence.intro + "，".join(parts) + "。")
    return written
