from django.core.management.base import BaseCommand

from ...models import Organization


class Command(BaseCommand):
    help = "列出政协组织及其代码(slug)"

    def handle(self, *args, **options):
        for org in Organization.objects.order_by("path"):
            depth = org.path.count("/") - 2
            self.stdout.write(f"{'  ' * depth}{org.slug:<20} {org.name}")
