"""Fill the roster search index for members that existed before it."""

from django.db import migrations

from zhengxie.core.search_grams import pieces


def forwards(apps, schema_editor):
    Member = apps.get_model("core", "Member")
    Gram = apps.get_model("core", "MemberSearchGram")
    rows = []
    members = Member._base_manager.filter(search_grams__isnull=True).values_list(
        "pk", "organization_id", "name", "workplace"
    )
    for pk, organization_id, name, workplace in members.iterator(chunk_size=2000):
        for gram in sorted(set(pieces(name)) | set(pieces(workplace))):
            rows.append(Gram(organization_id=organization_id, member_id=pk, gram=gram))
        if len(rows) >= 20000:
            Gram._base_manager.bulk_create(rows, batch_size=2000)
            rows = []
    Gram._base_manager.bulk_create(rows, batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [("core", "0004_member_search_grams")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
