import json

from django.core.management.base import BaseCommand, CommandError
from django_scopes import scope

from zhengxie.core.models import Organization
from zhengxie.figures import registry


class Command(BaseCommand):
    help = "输出某组织某年度的统计数字（JSON）：zhengxie report --org SLUG --year YYYY"

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="组织代码（zhengxie orgs 可列出）")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--format", choices=["json"], default="json")

    def handle(self, *args, org, year, format, **options):
        organization = Organization.objects.filter(slug=org).first()
        if organization is None:
            raise CommandError(f"没有代码为“{org}”的组织。可用 zhengxie orgs 查看。")
        with scope(organization=organization):
            values = registry.compute(organization, year)
        payload = {
            "organization": organization.name,
            "year": year,
            **{
                group: {
                    k: (str(v) if v is not None and not isinstance(v, int) else v) for k, v in figures.items()
                }
                for group, figures in values.items()
            },
        }
        self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
