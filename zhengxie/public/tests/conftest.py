from zhengxie.proposals.tests.conftest import pw  # noqa: F401
