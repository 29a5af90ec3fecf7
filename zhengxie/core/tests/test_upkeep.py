from django.db import connection

from zhengxie.core.upkeep import refresh_statistics


def test_sqlite_gets_planner_statistics_postgresql_keeps_its_own(world):
    ran = refresh_statistics()
    if connection.vendor == "sqlite":
        assert ran
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'core_member'")
            assert cursor.fetchone()[0] > 0
    else:
        assert not ran
