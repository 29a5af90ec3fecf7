from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "zhengxie.search"
    label = "search"
    verbose_name = "检索"
