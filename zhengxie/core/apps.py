from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "zhengxie.core"
    label = "core"
    verbose_name = "基础数据"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        post_migrate.connect(_refresh_statistics, sender=self)


def _refresh_statistics(sender, using="default", **kwargs) -> None:
    from .upkeep import refresh_statistics

    refresh_statistics(using)
