from django.apps import AppConfig


class OpinionsConfig(AppConfig):
    name = "zhengxie.opinions"
    label = "opinions"
    verbose_name = "社情民意"

    def ready(self) -> None:
        from zhengxie.core import demo, navigation, workflows
        from zhengxie.core.navigation import NavEntry

        from . import demo_data, figures, search, workflow

        for entry in [
            NavEntry("社情民意", "opinions:mine", permission="opinions.submit", order=30),
            NavEntry("信息采编", "opinions:inbox", permission="opinions.edit", order=31),
            NavEntry("社情民意期刊", "opinions:issues", permission="opinions.view_all", order=32),
            NavEntry("信息分析", "opinions:analysis", permission="opinions.analysis", order=33),
            NavEntry("信息员", "opinions:officers", permission="opinions.officers", order=87),
        ]:
            navigation.register(entry)
        workflows.register("opinions", workflow.describe)
        search.register_sources()
        figures.register_figures()
        demo.register_step("社情民意", demo_data.build)
