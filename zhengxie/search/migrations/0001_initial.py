import django.db.models.deletion
from django.db import migrations, models

SQLITE = [
    # External content: the words are stored once, in search_entry; triggers keep the index in step.
    """CREATE VIRTUAL TABLE search_fts USING fts5(
        title_words, words, facets,
        content='search_entry', content_rowid='id', tokenize='unicode61 remove_diacritics 0'
    )""",
    """CREATE TRIGGER search_entry_ai AFTER INSERT ON search_entry BEGIN
        INSERT INTO search_fts(rowid, title_words, words, facets)
        VALUES (new.id, new.title_words, new.words, new.facets);
    END""",
    """CREATE TRIGGER search_entry_ad AFTER DELETE ON search_entry BEGIN
        INSERT INTO search_fts(search_fts, rowid, title_words, words, facets)
        VALUES ('delete', old.id, old.title_words, old.words, old.facets);
    END""",
    """CREATE TRIGGER search_entry_au AFTER UPDATE OF title_words, words, facets ON search_entry BEGIN
        INSERT INTO search_fts(search_fts, rowid, title_words, words, facets)
        VALUES ('delete', old.id, old.title_words, old.words, old.facets);
        INSERT INTO search_fts(rowid, title_words, words, facets)
        VALUES (new.id, new.title_words, new.words, new.facets);
    END""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER search_entry_au",
    "DROP TRIGGER search_entry_ad",
    "DROP TRIGGER search_entry_ai",
    "DROP TABLE search_fts",
]
POSTGRES = [
    # The 'simple' configuration keeps every word as it is; the words are already segmented. Title words
    # weigh A, the facets D (they match every entry of a facet, so they must not lift the rank).
    """ALTER TABLE search_entry ADD COLUMN vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple', title_words), 'A')
        || setweight(to_tsvector('simple', words), 'C')
        || setweight(to_tsvector('simple', facets), 'D')
    ) STORED""",
    "CREATE INDEX search_entry_vector ON search_entry USING gin (vector)",
]
POSTGRES_REVERSE = ["DROP INDEX search_entry_vector", "ALTER TABLE search_entry DROP COLUMN vector"]


def create_index(apps, schema_editor):
    statements = {"sqlite": SQLITE, "postgresql": POSTGRES}.get(schema_editor.connection.vendor)
    if statements is None:
        raise RuntimeError("全文检索只支持 SQLite 与 PostgreSQL。")
    for statement in statements:
        schema_editor.execute(statement)


def drop_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in {"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}[vendor]:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    initial = True

    dependencies = [("core", "0006_alter_rolegrant_role_notification")]

    operations = [
        migrations.CreateModel(
            name="Entry",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("source", models.CharField(max_length=30, verbose_name="记录类型")),
                ("object_id", models.PositiveBigIntegerField(verbose_name="记录编号")),
                ("year", models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="年度")),
                ("kind", models.CharField(blank=True, max_length=30, verbose_name="类型")),
                ("state", models.CharField(blank=True, max_length=30, verbose_name="状态")),
                ("title", models.CharField(max_length=300, verbose_name="标题")),
                ("title_words", models.TextField()),
                ("words", models.TextField()),
                ("facets", models.CharField(max_length=200)),
                ("keywords", models.TextField(blank=True, default="")),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "organization",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        to="core.organization",
                        verbose_name="所属组织",
                    ),
                ),
            ],
            options={
                "verbose_name": "检索条目",
                "verbose_name_plural": "检索条目",
                "db_table": "search_entry",
                "indexes": [
                    models.Index(fields=["organization", "source", "year"], name="search_entry_facets"),
                    models.Index(
                        fields=["organization", "source", "updated_at"], name="search_entry_changed"
                    ),
                ],
                "constraints": [
                    models.UniqueConstraint(fields=("source", "object_id"), name="search_entry_record")
                ],
            },
        ),
        migrations.CreateModel(
            name="Term",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("word", models.CharField(max_length=100, unique=True)),
                ("df", models.PositiveIntegerField()),
            ],
            options={"db_table": "search_term"},
        ),
        migrations.RunPython(create_index, drop_index),
    ]
