from django.core.management.base import BaseCommand, CommandError
from django_scopes import scopes_disabled

from zhengxie.core.models import Organization
from zhengxie.search import registry, similar
from zhengxie.search.index import rebuild


class Command(BaseCommand):
    help = "重建全文检索索引（全部记录，或指定组织、记录类型）。"

    def add_arguments(self, parser):
        parser.add_argument("--org", help="只重建这个组织（slug）的索引")
        parser.add_argument(
            "--source",
            action="append",
            choices=[s.name for s in registry.sources()],
            help="只重建这种记录（可重复）",
        )

    def handle(self, *args, org=None, source=None, **options):
        organization_id = None
        if org:
            with scopes_disabled():
                found = Organization.objects.filter(slug=org).first()
            if found is None:
                raise CommandError(f"没有 slug 为 {org} 的组织；`zhengxie orgs` 列出全部组织。")
            organization_id = found.pk
        counts = rebuild(source, organization_id=organization_id, log=self.stdout.write)
        total = sum(counts.values())
        labels = "，".join(f"{registry.get(name).label} {n:,} 条" for name, n in counts.items())
        self.stdout.write(f"索引已重建：{labels}，共 {total:,} 条。")
        # The word counts changed: every process would build its similarity matrices again at its first query.
        similar.forget()
        if any(registry.get(name).similar for name in counts):
            built = similar.prepare(organization_id, log=self.stdout.write)
            self.stdout.write(f"相似记录矩阵已保存：{built} 个。")
