from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from puskesos.roles import Role, has_role
from puskesos.scoping import visible_districts, visible_regencies, visible_villages

IMPORT_EXTENSIONS = (".csv", ".txt", ".xlsx")


class RegisterImportForm(forms.Form):
    file = forms.FileField(
        label=_("File ekstrak register"),
        help_text=_("CSV (dipisah koma atau titik koma) atau XLSX dari SIKS-NG, BDT 2015, atau "
                    "DTSEN. Kolom NIK dan No KK harus berformat Teks."),
    )
    scope = forms.ChoiceField(label=_("Wilayah yang dicakup file"))
    layout = forms.ChoiceField(
        label=_("Format"),
        choices=[("auto", _("Kenali otomatis")), ("dtks", _("DTKS / SIKS-NG")),
                 ("bdt2015", _("BDT 2015")), ("dtsen", _("DTSEN"))],
        initial="auto",
    )
    skip_invalid = forms.BooleanField(
        label=_("Lewati baris bermasalah"), required=False,
        help_text=_("Bila dicentang, baris yang benar tetap diimpor dan yang bermasalah "
                    "dilaporkan. Bila tidak, satu baris bermasalah pun membatalkan impor."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        choices = []
        if has_role(user, Role.MANAGER) or user.is_superuser:
            choices += [(r.code, f"{r.name} (seluruh kabupaten)") for r in visible_regencies(user)]
        if has_role(user, Role.MANAGER, Role.SUPERVISOR) or user.is_superuser:
            choices += [(d.code, f"{d} (seluruh kecamatan)") for d in visible_districts(user)]
        choices += [(v.code, f"{v} ({v.code})") for v in visible_villages(user)]
        self.fields["scope"].choices = choices

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(IMPORT_EXTENSIONS):
            raise forms.ValidationError(
                _("Jenis file tidak didukung: unggah CSV atau XLSX (file .xls lama harus "
                  "disimpan ulang sebagai .xlsx)."))
        if upload.size == 0:
            raise forms.ValidationError(_("File kosong (0 bita)."))
        limit = settings.REGISTER_IMPORT_MAX_MB * 1024 * 1024
        if upload.size > limit:
            raise forms.ValidationError(
                _("File terlalu besar (%(size)d MB; paling besar %(limit)d MB). Pecah per "
                  "kecamatan atau minta Manajer mengimpor lewat baris perintah.")
                % {"size": upload.size // (1024 * 1024), "limit": settings.REGISTER_IMPORT_MAX_MB})
        return upload
