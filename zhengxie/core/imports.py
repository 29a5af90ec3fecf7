"""Roster import from Excel: every row is checked first; one wrong row and nothing is written."""

from dataclasses import dataclass, field
from typing import IO, Any

import openpyxl
from django.conf import settings
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from . import audit
from .models import Member, Person, RosterImport, Sector, SpecialCommittee, Term
from .permissions import Actor, require
from .search_grams import index_members
from .selectors import forget_member_count

HEADERS = ["姓名", "性别", "手机号", "界别", "专委会", "是否常委", "工作单位及职务"]
REQUIRED_HEADERS = ["姓名", "手机号"]
YES = {"是", "Y", "y", "yes", "1", "√", "TRUE", "True", "true"}
NO = {"否", "N", "n", "no", "0", "", "FALSE", "False", "false"}


@dataclass
class RowError:
    row: int
    column: str
    value: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "value": self.value, "reason": self.reason}


@dataclass
class ParsedRow:
    row: int
    full_name: str
    gender: str
    mobile: str
    sector_id: int | None
    committee_ids: list[int] = field(default_factory=list)
    is_standing: bool = False
    workplace: str = ""


def split_names(text: str) -> list[str]:
    """Several names in one cell, separated by 、 , ， ; ； or new lines."""
    for sep in ",，;；\n":
        text = text.replace(sep, "、")
    return [part.strip() for part in text.split("、") if part.strip()]


def cell_text(value: Any) -> str:
    """A cell as text: nothing is empty, a whole number read as a float loses its .0, spaces are trimmed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def read_rows(file: IO[bytes]) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Headers and data rows (with their spreadsheet row numbers) of the first sheet."""
    book = openpyxl.load_workbook(file, read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header_row = next(rows, None) or ()
        headers = [cell_text(h) for h in header_row]
        data = []
        for number, values in enumerate(rows, start=2):
            cells = [cell_text(v) for v in values]
            if any(cells):
                data.append((number, cells))
        return headers, data
    finally:
        book.close()


def validate(*, actor: Actor, headers: list[str], rows: list[tuple[int, list[str]]]):
    """Check every row; returns (parsed rows, errors)."""
    errors: list[RowError] = []
    missing = [h for h in REQUIRED_HEADERS if h not in headers]
    if missing:
        errors.append(RowError(1, "、".join(missing), "", "缺少必需的列：" + "、".join(missing)))
        return [], errors
    unknown = [h for h in headers if h and h not in HEADERS]
    if unknown:
        errors.append(RowError(1, "、".join(unknown), "", "无法识别的列：" + "、".join(unknown)))
    if len(rows) > settings.ZHENGXIE_IMPORT_MAX_ROWS:
        errors.append(RowError(1, "", str(len(rows)), f"行数超过上限 {settings.ZHENGXIE_IMPORT_MAX_ROWS}"))
        return [], errors
    index = {h: i for i, h in enumerate(headers) if h}
    sectors = {s.name: s.pk for s in Sector.objects.filter(is_active=True)}
    committees = {c.name: c.pk for c in SpecialCommittee.objects.filter(is_active=True)}
    seen_mobiles: dict[str, int] = {}
    parsed: list[ParsedRow] = []
    for number, cells in rows:

        def cell(header: str, cells: list[str] = cells) -> str:
            i = index.get(header)
            return cells[i] if i is not None and i < len(cells) else ""

        row_errors: list[RowError] = []
        name = cell("姓名")
        if not name:
            row_errors.append(RowError(number, "姓名", name, "姓名不能为空"))
        elif len(name) > 50:
            row_errors.append(RowError(number, "姓名", name, "姓名不能超过 50 个字"))
        gender = cell("性别")
        if gender not in {"", "男", "女"}:
            row_errors.append(RowError(number, "性别", gender, "性别只能是“男”或“女”"))
        mobile = cell("手机号").replace(" ", "").replace("-", "")
        if not mobile:
            row_errors.append(RowError(number, "手机号", mobile, "手机号不能为空"))
        elif not (len(mobile) == 11 and mobile.isdigit() and mobile[0] == "1" and mobile[1] in "3456789"):
            row_errors.append(RowError(number, "手机号", mobile, "手机号格式不正确，应为 11 位数字"))
        elif mobile in seen_mobiles:
            row_errors.append(
                RowError(number, "手机号", mobile, f"与第 {seen_mobiles[mobile]} 行的手机号重复")
            )
        else:
            seen_mobiles[mobile] = number
        sector_name = cell("界别")
        sector_id = None
        if sector_name:
            sector_id = sectors.get(sector_name)
            if sector_id is None:
                row_errors.append(RowError(number, "界别", sector_name, "未知的界别，请先在“组织设置”中添加"))
        committee_ids = []
        for part in split_names(cell("专委会")):
            if part not in committees:
                row_errors.append(RowError(number, "专委会", part, "未知的专委会"))
            else:
                committee_ids.append(committees[part])
        standing = cell("是否常委")
        if standing not in YES | NO:
            row_errors.append(RowError(number, "是否常委", standing, "请填写“是”或“否”"))
        workplace = cell("工作单位及职务")
        if len(workplace) > 200:
            row_errors.append(RowError(number, "工作单位及职务", workplace[:20] + "…", "不能超过 200 个字"))
        if row_errors:
            errors.extend(row_errors)
            continue
        parsed.append(
            ParsedRow(number, name, gender, mobile, sector_id, committee_ids, standing in YES, workplace)
        )
    return parsed, errors


def _check_against_database(
    *, term: Term, parsed: list[ParsedRow]
) -> tuple[dict[str, Person], list[RowError]]:
    errors: list[RowError] = []
    existing: dict[str, Person] = {}
    mobiles = [p.mobile for p in parsed]
    for start in range(0, len(mobiles), 900):
        for person in Person.objects.filter(mobile__in=mobiles[start : start + 900]):
            existing[person.mobile] = person
    already = (
        set(
            Member.objects.filter(term=term, person__in=[p.pk for p in existing.values()]).values_list(
                "person__mobile", flat=True
            )
        )
        if existing
        else set()
    )
    for row in parsed:
        person = existing.get(row.mobile)
        if person is None:
            continue
        if person.full_name != row.full_name:
            errors.append(
                RowError(row.row, "手机号", row.mobile, f"该手机号已登记给“{person.full_name}”，与姓名不一致")
            )
        elif row.mobile in already:
            errors.append(RowError(row.row, "手机号", row.mobile, f"{row.full_name}已是{term.name}委员"))
    return existing, errors


def import_roster(*, actor: Actor, file: IO[bytes], filename: str, term: Term) -> RosterImport:
    """Check the workbook; import every row, or none and record why."""
    require(actor, "roster.manage")
    if term.organization_id != actor.organization.pk:
        raise Http404("届次不存在。")
    try:
        headers, rows = read_rows(file)
    except Exception:  # noqa: BLE001 - any unreadable upload is the user's file problem, reported to them
        headers, rows = [], []
        errors = [RowError(0, "", filename, "无法读取该文件，请上传 Excel(.xlsx)格式的名册")]
        parsed: list[ParsedRow] = []
    else:
        parsed, errors = validate(actor=actor, headers=headers, rows=rows)
        if not errors and not parsed:
            errors = [RowError(2, "", "", "文件中没有数据行")]
    existing: dict[str, Person] = {}
    if not errors:
        existing, errors = _check_against_database(term=term, parsed=parsed)
    errors.sort(key=lambda e: e.row)
    record = RosterImport(
        organization=actor.organization,
        actor=actor.person,
        filename=filename[:200],
        term=term,
        row_count=len(rows),
        errors=[e.as_dict() for e in errors],
        status=RosterImport.Status.REJECTED if errors else RosterImport.Status.IMPORTED,
    )
    if errors:
        record.save()
        return record
    with transaction.atomic():
        record.created_count = _write(actor=actor, term=term, parsed=parsed, existing=existing)
        transaction.on_commit(lambda: forget_member_count(actor.organization.pk))
        record.save()
        audit.record(
            action="core.rosterimport.import",
            organization=actor.organization,
            actor=actor.person,
            obj=record,
            changes={"created_count": [0, record.created_count], "filename": [None, record.filename]},
        )
    return record


def _write(*, actor: Actor, term: Term, parsed: list[ParsedRow], existing: dict[str, Person]) -> int:
    now = timezone.now()
    new_people = []
    taken = set(
        Person.objects.filter(username__in=[f"m{p.mobile}" for p in parsed]).values_list(
            "username", flat=True
        )
    )
    for row in parsed:
        if row.mobile in existing:
            continue
        person = Person(
            username=f"m{row.mobile}" if f"m{row.mobile}" not in taken else f"m{row.mobile}-{row.row}",
            full_name=row.full_name,
            gender=row.gender,
            mobile=row.mobile,
            date_joined=now,
        )
        person.set_unusable_password()
        new_people.append(person)
    Person.objects.bulk_create(new_people, batch_size=500)
    people = dict(existing)
    mobiles = [p.mobile for p in new_people]
    for start in range(0, len(mobiles), 900):
        for person in Person.objects.filter(mobile__in=mobiles[start : start + 900]):
            people[person.mobile] = person
    members = [
        Member(
            organization=actor.organization,
            person=people[row.mobile],
            term=term,
            name=row.full_name,
            sector_id=row.sector_id,
            is_standing=row.is_standing,
            workplace=row.workplace,
            created_at=now,
        )
        for row in parsed
    ]
    Member.objects.bulk_create(members, batch_size=500)
    if not all(m.pk for m in members):
        by_person = dict(Member.objects.filter(term=term).values_list("person_id", "pk"))
        for m in members:
            m.pk = by_person[m.person_id]
    index_members(members, replace=False)
    through = Member.committees.through
    links = [
        through(member_id=member.pk, specialcommittee_id=cid)
        for member, row in zip(members, parsed, strict=True)
        for cid in row.committee_ids
    ]
    through.objects.bulk_create(links, batch_size=1000)
    audit.record_many(
        [
            audit.build(
                action="core.member.create",
                organization=actor.organization,
                actor=actor.person,
                obj=member,
                changes={"name": [None, member.name], "mobile": [None, row.mobile], "source": [None, "导入"]},
            )
            for member, row in zip(members, parsed, strict=True)
        ]
    )
    return len(members)
