from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django_scopes import scope

from zhengxie.core.models import Organization, Person, RoleGrant
from zhengxie.core.permissions import actor_for
from zhengxie.core.roles import Role
from zhengxie.figures.history import import_history, summary_lines


class Command(BaseCommand):
    help = (
        "从 Excel 导入往年的提案和社情民意信息：zhengxie import-history --org SLUG [--by USERNAME] FILE.xlsx"
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--org", required=True, help="组织代码（zhengxie orgs 可列出）")
        parser.add_argument(
            "--by", help="执行导入的人（用户名，须为机关管理员或提案工作人员；默认：本组织第一位机关管理员）"
        )

    def handle(self, *args, file, org, by=None, **options):
        organization = Organization.objects.filter(slug=org).first()
        if organization is None:
            raise CommandError(f"没有代码为“{org}”的组织。可用 zhengxie orgs 查看。")
        if by:
            person = Person.objects.filter(username=by).first()
            if person is None:
                raise CommandError(f"用户 {by} 不存在")
        else:
            grant = (
                RoleGrant.objects.with_scopes_disabled()
                .filter(organization=organization, role=Role.ORG_ADMIN)
                .select_related("person")
                .order_by("id")
                .first()
            )
            if grant is None:
                raise CommandError("本组织没有机关管理员，请用 --by 指定执行导入的人")
            person = grant.person
        path = Path(file)
        if not path.exists():
            raise CommandError(f"文件 {file} 不存在")
        actor = actor_for(person, organization)
        if not actor.can("figures.import"):
            raise CommandError(
                f"{person.full_name}不是{organization.name}的机关管理员或提案工作人员，不能导入"
            )
        with scope(organization=organization), path.open("rb") as handle:
            result = import_history(actor=actor, file=handle, filename=path.name)
        if not result.ok:
            for error in result.errors:
                where = f"[{error.sheet}] 第 {error.row} 行" if error.row else f"[{error.sheet or '文件'}]"
                column = f" [{error.column}]" if error.column else ""
                self.stderr.write(f"{where}{column} {error.value}：{error.reason}")
            raise CommandError(f"有 {len(result.errors)} 处错误，未导入任何数据")
        for line in summary_lines(result.summary):
            self.stdout.write(line)
