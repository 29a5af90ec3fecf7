from django.contrib import admin

from .models import HandlingUnit, Member, Organization, Person, RoleGrant, Sector, SpecialCommittee, Term


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "level", "parent", "is_active"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["username", "full_name", "is_active", "is_superuser"]
    search_fields = ["username", "full_name", "mobile"]
    exclude = ["password"]


for model in (Member, RoleGrant, Term, Sector, SpecialCommittee, HandlingUnit):
    admin.site.register(model)
