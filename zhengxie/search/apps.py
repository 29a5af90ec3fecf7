from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "zhengxie.search"
    label = "search"
    verbose_name = "检索"

    def ready(self) -> None:
        from zhengxie.core import navigation
        from zhengxie.core.navigation import NavEntry

        navigation.register(NavEntry("全文检索", "search:search", permission="search.use", order=80))
