from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django_scopes import scope

from ...imports import import_roster
from ...models import Organization, Person, Term
from ...permissions import actor_for


class Command(BaseCommand):
    help = "从 Excel 导入委员名册：zhengxie import-roster --org SLUG --by USERNAME FILE.xlsx"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--org", required=True, help="组织代码（zhengxie orgs 可查）")
        parser.add_argument("--by", required=True, help="执行导入的机关管理员用户名（记入审计日志）")
        parser.add_argument("--term", type=int, help="届次序号，默认本届")

    def handle(self, *args, file, org, by, term, **options):
        organization = Organization.objects.filter(slug=org).first()
        if organization is None:
            raise CommandError(f"组织 {org} 不存在")
        person = Person.objects.filter(username=by).first()
        if person is None:
            raise CommandError(f"用户 {by} 不存在")
        path = Path(file)
        if not path.exists():
            raise CommandError(f"文件 {file} 不存在")
        actor = actor_for(person, organization)
        with scope(organization=organization):
            terms = Term.objects.filter(number=term) if term else Term.objects.filter(is_current=True)
            chosen = terms.first()
            if chosen is None:
                raise CommandError("找不到届次，请先在组织设置中添加")
            with path.open("rb") as handle:
                result = import_roster(actor=actor, file=handle, filename=path.name, term=chosen)
        if result.errors:
            for error in result.errors:
                self.stderr.write(
                    f"第 {error['row']} 行 [{error['column']}] {error['value']}:{error['reason']}"
                )
            raise CommandError(f"有 {len(result.errors)} 处错误，未导入任何数据")
        self.stdout.write(self.style.SUCCESS(f"已导入 {result.created_count} 名委员"))
