from django.contrib import admin
from import_export import resources
from import_export.admin import ImportExportModelAdmin

from .models import Agency


class AgencyResource(resources.ModelResource):
    class Meta:
        model = Agency
        import_id_fields = ["code"]
        fields = ["code", "name", "level", "address", "phone", "email", "active"]
        skip_unchanged = True


@admin.register(Agency)
class AgencyAdmin(ImportExportModelAdmin):
    resource_classes = [AgencyResource]
    list_display = ["name", "code", "level", "phone", "active"]
    list_filter = ["level", "active"]
    search_fields = ["name", "code"]
