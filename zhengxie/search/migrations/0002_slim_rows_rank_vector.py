"""PostgreSQL: rows a search visits stay small, and ranking reads a small vector.

A search visits the row of every match (the GIN index holds no columns). The long columns — the words, the
vector of every word, the similarity weights — go out of line once a row passes 1 kB, so a page holds a
dozen rows instead of three. Ranking reads `rank_vector`: the title's words (weight A) and the record's 32
heaviest words (B), kept in line, instead of unpacking the whole vector of each match. SQLite: nothing
changes (FTS5 ranks from its own index)."""

from django.db import migrations

RANK_VECTOR = """ALTER TABLE search_entry ADD COLUMN rank_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('simple', title_words), 'A')
    || setweight(to_tsvector('simple', regexp_replace(
        substring(keywords from '^(?:\\S+ ?){0,32}'), ':[0-9.]+', '', 'g')), 'B')
) STORED"""
POSTGRES = [
    "ALTER TABLE search_entry SET (toast_tuple_target = 1024)",
    RANK_VECTOR,
    "ALTER TABLE search_entry ALTER COLUMN rank_vector SET STORAGE MAIN",
]
POSTGRES_REVERSE = [
    "ALTER TABLE search_entry DROP COLUMN rank_vector",
    "ALTER TABLE search_entry RESET (toast_tuple_target)",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRES:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRES_REVERSE:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
