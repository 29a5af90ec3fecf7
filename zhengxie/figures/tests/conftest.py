# The proposal world (an organisation with a session open, people for every proposal role) serves here too.
from zhengxie.proposals.tests.conftest import pw  # noqa: F401
