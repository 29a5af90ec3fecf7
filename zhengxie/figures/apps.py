from django.apps import AppConfig


class FiguresConfig(AppConfig):
    name = "zhengxie.figures"
    label = "figures"
    verbose_name = "统计与年度报告"
