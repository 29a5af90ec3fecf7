from django.db import connection
from django.test.utils import CaptureQueriesContext


def count_queries(client, url) -> int:
    """Queries of one page view, after a first view has settled the session."""
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(ctx.captured_queries)
