from django.core.management.base import BaseCommand, CommandError
from django_scopes import scopes_disabled

from zhengxie.core.models import Organization
from zhengxie.proposals import suggest


class Command(BaseCommand):
    help = "根据以往交办记录重新学习各承办单位的办理特征（承办单位推荐）；--evaluate 用最近 20% 的交办检验推荐准确率。"

    def add_arguments(self, parser):
        parser.add_argument("--org", help="只处理这个组织（slug）；默认全部组织")
        parser.add_argument("--evaluate", action="store_true", help="只检验，不改变已学习的结果")

    def handle(self, *args, org=None, evaluate=False, **options):
        with scopes_disabled():
            orgs = Organization.objects.filter(is_active=True)
            if org:
                orgs = orgs.filter(slug=org)
                if not orgs.exists():
                    raise CommandError(f"没有 slug 为 {org} 的组织；`zhengxie orgs` 列出全部组织。")
            orgs = list(orgs)
        for organization in orgs:
            if evaluate:
                r = suggest.evaluate(organization)
                self.stdout.write(
                    f"{organization.name}：以 {r['training']} 件学习、{r['tested']} 件检验，"
                    f"首选命中率 {r['top1']:.1%}，前三命中率 {r['top3']:.1%}"
                )
            else:
                n = suggest.learn(organization)
                self.stdout.write(f"{organization.name}：已学习 {n} 个承办单位。")
