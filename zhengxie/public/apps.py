from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "zhengxie.public"
    label = "public"
    verbose_name = "公众门户"
