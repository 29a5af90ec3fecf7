"""Roster import: a seeded 10,000-row workbook through `import_roster`, into a fresh organisation."""

import random
import time
from datetime import date
from io import BytesIO

import openpyxl
from django.db import transaction
from django_scopes import scope

from zhengxie.core import demo_data as words
from zhengxie.core.demo import person_name
from zhengxie.core.imports import HEADERS, import_roster
from zhengxie.core.models import RosterImport, Term
from zhengxie.core.permissions import actor_for

from .data import (
    IMPORT_ROWS,
    SEED,
    OrgSpec,
    mobile_slices,
    organization_with_admin,
    reference_data,
    workplace,
)

IMPORT_ORG = OrgSpec("bench-import", "基准区政协", "基准区", IMPORT_ROWS)


def workbook(rows: int = IMPORT_ROWS) -> bytes:
    """The template's columns, filled as an office would: every row valid, numbers unused in the database."""
    rng = random.Random(f"{SEED}:import")
    committees = [name for name, _ in words.COMMITTEES]
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(HEADERS)
    for mobile in mobile_slices()["import"][:rows]:
        name, gender = person_name(rng)
        sheet.append(
            [
                name,
                gender,
                mobile,
                rng.choice(words.SECTORS),
                "、".join(rng.sample(committees, k=rng.choice([1, 1, 2]))),
                "是" if rng.random() < 0.15 else "否",
                workplace(rng, IMPORT_ORG.place),
            ]
        )
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


class _Rollback(Exception):
    pass


def measure(*, log) -> dict:
    """Time one import; everything it wrote is rolled back so the cached data stays as built.

    The timing covers reading, checking and writing every row; only the final COMMIT is left out.
    """
    content = workbook()
    seconds = 0.0
    record_status, created = "", 0
    try:
        with transaction.atomic():
            org, admin = organization_with_admin(IMPORT_ORG)
            reference_data(org)
            with scope(organization=org):
                term = Term.objects.create(
                    organization=org, number=1, name="第一届", starts_on=date(2024, 1, 1), is_current=True
                )
                actor = actor_for(admin, org)
                started = time.perf_counter()
                record = import_roster(
                    actor=actor, file=BytesIO(content), filename="委员名册-基准.xlsx", term=term
                )
                seconds = time.perf_counter() - started
                record_status, created = record.status, record.created_count
                if record.status != RosterImport.Status.IMPORTED:
                    raise RuntimeError(f"benchmark workbook rejected: {record.errors[:3]}")
            raise _Rollback
    except _Rollback:
        pass
    log(f"  import {IMPORT_ROWS:,} rows: {seconds:.2f} s ({record_status}, {created:,} created)")
    return {"rows": IMPORT_ROWS, "created": created, "seconds": seconds, "bytes": len(content)}
