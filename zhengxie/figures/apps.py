from django.apps import AppConfig


class FiguresConfig(AppConfig):
    name = "zhengxie.figures"
    label = "figures"
    verbose_name = "统计与年度报告"

    def ready(self) -> None:
        from zhengxie.core import navigation
        from zhengxie.core.navigation import NavEntry

        navigation.register(NavEntry("统计看板", "figures:dashboard", permission="figures.view", order=70))
