"""Import of past years from Excel (往年数据导入), so that the figures cover the years before the platform.

One workbook, two sheets: 提案 (rules in `proposals/history.py`) and 社情民意 (`opinions/history.py`). Every
row of both is checked first; one problem anywhere and nothing is written, and every problem is reported
with its sheet, row, column and reason. People the organisation does not know become former members who
cannot sign in, unknown units are created, and terms and sessions named in the file are created when
missing; the summary lists them all.
"""

import re
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import IO, Any

import openpyxl
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from zhengxie.core import audit
from zhengxie.core.imports import cell_text
from zhengxie.core.models import (
    HandlingUnit,
    Member,
    Organization,
    ParticipatingUnit,
    Person,
    PlenarySession,
    Term,
)
from zhengxie.core.permissions import Actor

YES, NO = {"是", "Y", "y", "√", "1"}, {"否", "N", "n", "", "0"}
DIGITS = {
    "〇": 0,
    "零": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
SHOWN_ERRORS = 200


@dataclass
class Problem:
    sheet: str
    row: int
    column: str
    value: str
    reason: str


@dataclass
class Result:
    errors: list[Problem] = field(default_factory=list)
    # What was written: counts per sheet and year, people and units created, terms and sessions created.
    summary: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class Row:
    """One spreadsheet row: its number and its cells by header, as read (dates stay dates)."""

    sheet: str
    number: int
    cells: dict[str, Any]
    problems: list[Problem]

    def text(self, header: str) -> str:
        return cell_text(self.cells.get(header))

    def problem(self, column: str, reason: str, value: Any = None) -> None:
        shown = self.text(column) if value is None else str(value)
        self.problems.append(Problem(self.sheet, self.number, column, shown[:50], reason))

    def required(self, header: str, *, limit: int = 0) -> str:
        value = self.text(header)
        if not value:
            self.problem(header, f"{header}不能为空")
        elif limit and len(value) > limit:
            self.problem(header, f"{header}不能超过 {limit} 个字")
        return value

    def choice(self, header: str, choices: dict[str, Any], *, required: bool = True) -> Any:
        value = self.text(header)
        if not value:
            if required:
                self.problem(header, f"{header}不能为空，应为{'、'.join(choices)}之一")
            return None
        if value not in choices:
            self.problem(header, f"无法识别的{header}“{value}”，应为{'、'.join(choices)}之一")
            return None
        return choices[value]

    def yes(self, header: str) -> bool:
        value = self.text(header)
        if value not in YES | NO:
            self.problem(header, f"{header}请填写“是”或“否”")
        return value in YES

    def day(self, header: str, *, required: bool = False) -> date | None:
        """A date cell: an Excel date, or text like 2023-03-05, 2023/3/5, 2023.3.5 or 2023年3月5日."""
        value = self.cells.get(header)
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = self.text(header)
        if not text:
            if required:
                self.problem(header, f"{header}不能为空")
            return None
        match = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(\s+[\d:]+)?", text)
        if match:
            try:
                return date(int(match[1]), int(match[2]), int(match[3]))
            except ValueError:
                pass
        self.problem(header, f"{header}不是有效的日期，请填写如 2023-03-05 的日期")
        return None

    def number_of(self, header: str, *, required: bool = True) -> int | None:
        """A whole number, written in digits or in Chinese (第十四届, 三次会议)."""
        text = self.text(header)
        if not text:
            if required:
                self.problem(header, f"{header}不能为空")
            return None
        number = chinese_number(text)
        if number is None:
            self.problem(header, f"{header}应为数字，如 14 或 第十四届")
        return number


def chinese_number(text: str) -> int | None:
    """14, 第十四届, 十四届三次会议 (the last number: 3), 二〇二三 → the number; None if there is none."""
    found = re.findall(r"\d+|[〇零一二两三四五六七八九十百]+", text)
    if not found:
        return None
    token = found[-1]
    if token.isdigit():
        return int(token)
    if "十" not in token and "百" not in token:
        return int("".join(str(DIGITS[c]) for c in token))
    total, current = 0, 0
    for char in token:
        if char == "百":
            total += (current or 1) * 100
            current = 0
        elif char == "十":
            total += (current or 1) * 10
            current = 0
        else:
            current = DIGITS[char]
    return total + current


def at(day: date, hour: int = 9) -> datetime:
    """A day of the file as a moment (the office's working morning, local time)."""
    return timezone.make_aware(datetime.combine(day, time(hour)))


class Context:
    """What both sheets share: the organisation, the importing person, and everything found or created by
    name (people, units, terms, sessions), so that each is created once and listed in the summary."""

    def __init__(self, actor: Actor) -> None:
        self.actor = actor
        self.organization: Organization = actor.organization
        self.person: Person = actor.person
        self.people: dict[str, Person] = {}
        for member in (
            Member.objects.filter(organization=self.organization).select_related("person").order_by("id")
        ):
            self.people[member.name] = member.person
            self.people.setdefault(member.person.full_name, member.person)
        self.handling_units = {u.name: u for u in HandlingUnit.objects.filter(organization=self.organization)}
        self.handling_units.update(
            {u.short_name: u for u in self.handling_units.copy().values() if u.short_name}
        )
        self.participating_units = {
            u.name: u for u in ParticipatingUnit.objects.filter(organization=self.organization)
        }
        self.terms = {t.number: t for t in Term.objects.filter(organization=self.organization)}
        self.sessions = {
            (s.term.number, s.number): s
            for s in PlenarySession.objects.filter(organization=self.organization).select_related("term")
        }
        self.created: dict[str, list[str]] = {"people": [], "units": [], "terms": [], "sessions": []}

    # ------------------------------------------------------------ found or created by name

    def person_named(self, name: str, year: int) -> Person:
        if name not in self.people:
            person = Person(username=f"history-{uuid.uuid4().hex[:12]}", full_name=name)
            person.set_unusable_password()
            person.save()
            term = self.term_of_year(year)
            if term is not None:
                Member.objects.create(
                    organization=self.organization,
                    person=person,
                    term=term,
                    name=name,
                    status=Member.Status.FORMER,
                    note="往年数据导入",
                )
            self.people[name] = person
            self.created["people"].append(name)
        return self.people[name]

    def handling_unit(self, name: str) -> HandlingUnit:
        if name not in self.handling_units:
            self.handling_units[name] = HandlingUnit.objects.create(organization=self.organization, name=name)
            self.created["units"].append(name)
        return self.handling_units[name]

    def participating_unit(self, name: str) -> ParticipatingUnit:
        if name not in self.participating_units:
            unit = ParticipatingUnit.objects.create(organization=self.organization, name=name)
            self.participating_units[name] = unit
            self.created["units"].append(name)
        return self.participating_units[name]

    def term(self, number: int, year: int) -> Term:
        if number not in self.terms:
            self.terms[number] = Term.objects.create(
                organization=self.organization,
                number=number,
                name=f"第{number}届",
                starts_on=date(year, 1, 1),
            )
            self.created["terms"].append(f"第{number}届")
        return self.terms[number]

    def session(self, term_number: int, number: int, year: int) -> PlenarySession:
        key = (term_number, number)
        if key not in self.sessions:
            term = self.term(term_number, year)
            # A past session's own dates are not in the file: its year's first quarter stands for them.
            self.sessions[key] = PlenarySession.objects.create(
                organization=self.organization,
                term=term,
                number=number,
                name=f"第{term_number}届第{number}次会议",
                year=year,
                opens_on=date(year, 1, 15),
                closes_on=date(year, 1, 20),
                submission_opens_on=date(year, 1, 1),
                submission_closes_on=date(year, 1, 20),
            )
            self.created["sessions"].append(f"第{term_number}届第{number}次会议（{year}年）")
        return self.sessions[key]

    def term_of_year(self, year: int) -> Term | None:
        held = [s.term for s in self.sessions.values() if s.year == year]
        if held:
            return held[0]
        earlier = [t for t in self.terms.values() if t.starts_on.year <= year]
        return max(earlier, key=lambda t: t.number) if earlier else None


# ------------------------------------------------------------------ the workbook


def read_sheets(file: IO[bytes]) -> dict[str, tuple[list[str], list[tuple[int, dict[str, Any]]]]]:
    """Each sheet's headers and its non-empty rows (with their row numbers), cell values as Excel gives them."""
    book = openpyxl.load_workbook(file, read_only=True, data_only=True)
    try:
        sheets = {}
        for sheet in book.worksheets:
            rows = sheet.iter_rows(values_only=True)
            headers = [cell_text(h) for h in (next(rows, None) or ())]
            data = []
            for number, values in enumerate(rows, start=2):
                if any(v is not None and str(v).strip() for v in values):
                    data.append((number, {h: v for h, v in zip(headers, values, strict=False) if h}))
            sheets[sheet.title.strip()] = (headers, data)
        return sheets
    finally:
        book.close()


def import_history(*, actor: Actor, file: IO[bytes], filename: str) -> Result:
    """Check both sheets, then write them in one transaction; with any problem, write nothing."""
    from zhengxie.opinions import history as opinions
    from zhengxie.proposals import history as proposals

    if not actor.can("figures.import"):
        raise PermissionDenied
    result = Result()
    try:
        sheets = read_sheets(file)
    except Exception:  # noqa: BLE001 - whatever openpyxl fails on, the person is told the same thing
        result.errors.append(Problem("", 0, "", filename[:50], "无法读取文件，请上传 Excel 工作簿（.xlsx）"))
        return result
    parts = [p for p in (proposals, opinions) if p.SHEET in sheets]
    if not parts:
        names = "、".join(sheets) or "无"
        result.errors.append(
            Problem("", 0, "", names, f"工作簿中没有名为“{proposals.SHEET}”或“{opinions.SHEET}”的工作表")
        )
        return result
    total = sum(len(sheets[p.SHEET][1]) for p in parts)
    if total > settings.ZHENGXIE_IMPORT_MAX_ROWS:
        result.errors.append(
            Problem("", 0, "", str(total), f"行数超过上限 {settings.ZHENGXIE_IMPORT_MAX_ROWS}")
        )
        return result
    try:
        with transaction.atomic():
            context = Context(actor)
            checked = []
            for part in parts:
                headers, rows = sheets[part.SHEET]
                missing = [h for h in part.REQUIRED if h not in headers]
                if missing:
                    result.errors.append(
                        Problem(part.SHEET, 1, "、".join(missing), "", "缺少必需的列：" + "、".join(missing))
                    )
                    continue
                checked.append(
                    (
                        part,
                        part.check(context, [Row(part.SHEET, n, cells, result.errors) for n, cells in rows]),
                    )
                )
            if result.errors:
                raise _Rejected
            for part, parsed in checked:
                result.summary[part.SHEET] = part.write(context, parsed)
            result.summary["created"] = context.created
            audit.record(
                action="figures.history.import",
                organization=context.organization,
                actor=context.person,
                obj=context.organization,
                changes={"filename": filename, **{k: v for k, v in result.summary.items() if k != "created"}},
            )
    except _Rejected:
        result.summary = {}
    return result


class _Rejected(Exception):
    """Raised inside the transaction to undo whatever the checks created (people, units, sessions)."""


def summary_lines(summary: dict[str, Any]) -> list[str]:
    """The summary in Chinese, one line per fact (the page and the command say the same)."""
    lines = []
    for sheet, unit in (("提案", "件"), ("社情民意", "篇")):
        if sheet in summary:
            part = summary[sheet]
            years = "，".join(f"{year}年 {n} {unit}" for year, n in part["years"].items())
            issues = f"，编入期刊 {part['issues']} 期" if part.get("issues") else ""
            lines.append(f"已导入{sheet} {part['total']} {unit}（{years}）{issues}")
    labels = {
        "people": "新建往届委员（不能登录）",
        "units": "新建单位",
        "categories": "新建提案类别",
        "terms": "新建届次",
        "sessions": "新建会次",
    }
    for key, label in labels.items():
        created = summary.get("created", {}).get(key)
        if created:
            lines.append(f"{label} {len(created)} 个：{'、'.join(created)}")
    return lines
