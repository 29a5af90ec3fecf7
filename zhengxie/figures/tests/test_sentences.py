"""The work report's sentences say exactly the figures, and nothing for a figure that is zero."""

import re
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from zhengxie.figures import registry
from zhengxie.figures.sentences import SENTENCES, write
from zhengxie.figures.tests.builders import year_of_work


def test_every_sentence_names_a_registered_figure(db):
    for group, sentences in SENTENCES.items():
        for sentence in sentences:
            for name, _ in sentence.clauses:
                assert registry.get(group, name)


def test_the_office_example_is_written_from_the_figures():
    values = {name: 0 for s in SENTENCES["proposals"] for name, _ in s.clauses}
    values.update(
        received=435,
        received_plenary=314,
        received_ordinary=121,
        filed=254,
        filed_member=210,
        filed_collective=44,
        not_filed=79,
        not_filed_reference=71,
        not_filed_opinion=8,
        rated=254,
        satisfied_rate=Decimal("98.03"),
        basically_satisfied_rate=Decimal("1.97"),
        unsatisfied_rate=Decimal("0.00"),
        on_time_rate=None,
    )
    text = "".join(write("proposals", values))
    assert text.startswith(
        "共收到提案435件，其中大会期间提案314件，平时提案121件。经审查，立案254件，其中委员提案210件，集体提案44件。"
    )
    assert "不予立案79件，其中转为工作参考的71件，转为社情民意的8件。" in text
    assert "满意率达98.03%，基本满意率为1.97%。" in text
    assert "不满意率" not in text and "委员来信" not in text and "按时答复率" not in text


def test_nothing_under_a_zero_lead_figure():
    values = {name: 0 for s in SENTENCES["opinions"] for name, _ in s.clauses}
    values["instructed_city"] = 3  # cannot happen without `instructed`; still no dangling 其中
    assert write("opinions", values) == []


@pytest.mark.django_db
def test_text_report_says_exactly_the_json_figures(pw):
    year_of_work(pw)
    year = pw.session.year
    values = registry.compute(pw.org, year)
    out = StringIO()
    call_command("report", "--org", "jia", "--year", str(year), "--format", "text", stdout=out)
    text = out.getvalue()
    said = [int(n) for n in re.findall(r"(\d+)(?:件|条|期|个)", text)]
    expected = []
    for group in ("proposals", "opinions"):
        for line in write(group, values[group]):
            expected += [int(n) for n in re.findall(r"(\d+)(?:件|条|期|个)", line)]
    assert said == expected and said
    # Every lead figure that is not zero is said.
    for group in ("proposals", "opinions"):
        for sentence in SENTENCES[group]:
            name = sentence.clauses[0][0]
            if sentence.headed and isinstance(values[group][name], int) and values[group][name]:
                assert str(values[group][name]) in text, name
    assert "共收到提案6件" in text and "满意率达50.00%" in text


@pytest.mark.django_db
def test_word_and_excel_packs_carry_the_name_year_sentences_and_table(pw, tmp_path):
    from docx import Document
    from openpyxl import load_workbook

    year_of_work(pw)
    year = pw.session.year
    docx_path, xlsx_path = tmp_path / "r.docx", tmp_path / "r.xlsx"
    call_command(
        "report",
        "--org",
        "jia",
        "--year",
        str(year),
        "--format",
        "docx",
        "--output",
        str(docx_path),
        stdout=StringIO(),
    )
    call_command(
        "report",
        "--org",
        "jia",
        "--year",
        str(year),
        "--format",
        "xlsx",
        "--output",
        str(xlsx_path),
        stdout=StringIO(),
    )
    document = Document(str(docx_path))
    text = "\n".join(p.text for p in document.paragraphs)
    assert f"甲市政协{year}年度工作统计" in text
    assert "共收到提案6件" in text
    cells = [c.text for row in document.tables[0].rows for c in row.cells]
    assert "提案工作·满意率" in cells and "50.00%" in cells
    sheet = load_workbook(str(xlsx_path)).active
    rows = {row[2]: row[3] for row in sheet.iter_rows(min_row=5, values_only=True) if row[2]}
    values = registry.compute(pw.org, year)
    assert rows["proposals.received"] == values["proposals"]["received"] == 6
    assert rows["proposals.satisfied_rate"] == 50.0
    assert sheet["A1"].value == f"甲市政协{year}年度工作统计"
