"""django-import-export resources: catalogues (small files, through the admin) and the
export of register lists. Large register extracts never go through here: they use the
set-based import in beneficiaries/importing (django-import-export manages ~200 rows/s)."""

from import_export import fields, resources
from import_export.widgets import ForeignKeyWidget

from referrals.models import Agency

from .models import Household, Person, PpksCluster, PpksType, Programme


class ProgrammeResource(resources.ModelResource):
    complaint_agency = fields.Field(
        column_name="instansi_pengaduan", attribute="complaint_agency",
        widget=ForeignKeyWidget(Agency, field="code"),
    )

    class Meta:
        model = Programme
        import_id_fields = ["code"]
        fields = ["code", "name", "short_name", "level", "unit", "criteria", "benefits",
                  "required_documents", "complaint_agency", "in_extracts", "order", "active"]
        skip_unchanged = True


class PpksTypeResource(resources.ModelResource):
    cluster = fields.Field(column_name="klaster", attribute="cluster",
                           widget=ForeignKeyWidget(PpksCluster, field="code"))

    class Meta:
        model = PpksType
        import_id_fields = ["code"]
        fields = ["code", "name", "cluster", "order"]
        skip_unchanged = True


class HouseholdResource(resources.ModelResource):
    """Export of households (no personal identifiers beyond the register ID)."""

    village = fields.Field(column_name="desa", attribute="village__name")

    class Meta:
        model = Household
        fields = ["register_id", "village", "address", "dusun", "rt", "rw", "desil", "status"]
        export_order = fields


class PersonResource(resources.ModelResource):
    """Export of people with the NIK masked: full NIKs never leave in bulk."""

    masked_nik = fields.Field(column_name="nik", attribute="masked_nik")
    register_id = fields.Field(column_name="id_register", attribute="household__register_id")
    village = fields.Field(column_name="desa", attribute="village__name")

    class Meta:
        model = Person
        fields = ["register_id", "masked_nik", "name", "sex", "birth_date", "relation",
                  "village", "status"]
        export_order = fields
