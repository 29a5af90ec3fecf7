"""`make bench`: roster list, search and import figures at 100 and 100,000 members, on SQLite and PostgreSQL.

`bench.run` starts one `bench.worker` subprocess per database (so settings read a clean DATABASE_URL),
collects what each measured and prints one table; `bench.data` builds the seeded data once per database.
"""
