import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django_scopes import scope

from zhengxie.core.models import Organization
from zhengxie.figures import exports, registry, sentences


class Command(BaseCommand):
    help = (
        "输出某组织某年度的统计数字（json）、工作报告用语（text）或 Word/Excel 报告："
        "zhengxie report --org SLUG --year YYYY [--total]"
    )

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="组织代码（zhengxie orgs 可列出）")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--format", choices=["json", "text", "docx", "xlsx"], default="json")
        parser.add_argument("--output", help="docx 和 xlsx 写入的文件（默认：组织代码-年度.docx/.xlsx）")
        parser.add_argument("--total", action="store_true", help="本级及所有下级组织的合计")

    def handle(self, *args, org, year, format, output=None, total=False, **options):
        organization = Organization.objects.filter(slug=org).first()
        if organization is None:
            raise CommandError(f"没有代码为“{org}”的组织。可用 zhengxie orgs 查看。")
        ids = organization.descendant_ids() if total else [organization.pk]
        name = f"{organization.name}（本级及下级合计）" if total else organization.name
        with scope(organization=ids):
            values = registry.compute(ids, year)
        if format in ("docx", "xlsx"):
            write = exports.report_docx if format == "docx" else exports.report_xlsx
            path = Path(output or f"{organization.slug}-{year}.{format}")
            path.write_bytes(write(name, year, values))
            self.stdout.write(f"已写入 {path}")
            return
        if format == "text":
            self.stdout.write(f"{name}{year}年度")
            for group in registry.groups():
                lines = sentences.write(group, values.get(group, {}))
                self.stdout.write(
                    f"{registry.group(group).heading}：{''.join(lines) if lines else '本年度无数据。'}"
                )
            return
        payload = exports.as_json(name, year, values)
        self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
