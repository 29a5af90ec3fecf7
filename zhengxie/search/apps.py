from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "zhengxie.search"
    label = "search"
    verbose_name = "检索"

    def ready(self) -> None:
        from zhengxie.core import demo, navigation
        from zhengxie.core.navigation import NavEntry

        from . import index

        navigation.register(NavEntry("全文检索", "search:search", permission="search.use", order=80))
        demo.register_step("检索词频", index.demo_step)
