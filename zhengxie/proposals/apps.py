from django.apps import AppConfig


class ProposalsConfig(AppConfig):
    name = "zhengxie.proposals"
    label = "proposals"
    verbose_name = "提案"

    def ready(self) -> None:
        from zhengxie.core import demo, navigation, workflows
        from zhengxie.core.navigation import NavEntry
        from zhengxie.search import index as search_index

        from . import demo_data, demo_history, figures, search, suggest, workflow

        for entry in [
            NavEntry("我的提案", "proposals:mine", permission="proposals.submit", order=10),
            NavEntry("提案线索", "proposals:leads", permission="proposals.submit", order=18),
            NavEntry("提案审查", "proposals:queue", permission="proposals.manage", order=20),
            NavEntry("交办督办", "proposals:board", permission="proposals.manage", order=21),
            NavEntry("提案登记", "proposals:register", permission="proposals.view_all", order=22),
            NavEntry("承办提案", "proposals:inbox", permission="proposals.handle", order=25),
            NavEntry("重点提案", "proposals:key", permission="proposals.supervise", order=26),
            NavEntry("提案设置", "proposals:settings", permission="proposals.settings", order=86),
        ]:
            navigation.register(entry)
        workflows.register("proposals", workflow.describe)
        search.register_sources()
        figures.register_figures()
        demo.register_step("提案", demo_data.build)
        demo.register_step("往年提案", demo_history.build)
        demo.register_step("检索词频", search_index.demo_step)
        demo.register_step("承办单位推荐", suggest.demo_step)
