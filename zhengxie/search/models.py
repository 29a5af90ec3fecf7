"""One search entry per searchable record, whatever its kind: the words the index holds and the facets
a search filters by. The index itself lives beside this table and is kept by the database:
SQLite's FTS5 table `search_fts` (external content, kept by triggers) and PostgreSQL's generated
`vector` column with its GIN index (migration 0001). Writing an entry is all the code ever does."""

from django.db import models

from zhengxie.core.models import TenantModel


class Entry(TenantModel):
    source = models.CharField("记录类型", max_length=30)
    object_id = models.PositiveBigIntegerField("记录编号")
    year = models.PositiveSmallIntegerField("年度", null=True, blank=True)
    kind = models.CharField("类型", max_length=30, blank=True)
    state = models.CharField("状态", max_length=30, blank=True)
    title = models.CharField("标题", max_length=300)
    # Segmented text, words separated by single spaces (zhengxie.search.text.index_words).
    title_words = models.TextField()
    words = models.TextField()
    # Filter tokens (organisation, source, year, kind, state) inside the index, so a search intersects them
    # with the words instead of ranking every organisation's matches first.
    facets = models.CharField(max_length=200)
    # TF-IDF vector for similarity, "word:weight …" (zhengxie.search.vectors); empty for sources without it.
    keywords = models.TextField(blank=True, default="")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "检索条目"
        verbose_name_plural = "检索条目"
        db_table = "search_entry"
        constraints = [models.UniqueConstraint(fields=["source", "object_id"], name="search_entry_record")]
        indexes = [
            models.Index(fields=["organization", "source", "year"], name="search_entry_facets"),
            models.Index(fields=["organization", "source", "updated_at"], name="search_entry_changed"),
        ]

    def __str__(self) -> str:
        return self.title


class Term(models.Model):
    """How many records of a similarity source hold each word (document frequency), counted over every
    organisation by `zhengxie reindex`; the row with the empty word holds the number of records."""

    word = models.CharField(max_length=100, unique=True)
    df = models.PositiveIntegerField()

    class Meta:
        db_table = "search_term"

    def __str__(self) -> str:
        return f"{self.word} {self.df}"
