"""XLSX export of a register list (streamed row by row with openpyxl's write-only mode)."""

import io

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from .identity import mask_nik

COLUMNS = ["ID register", "Desa", "Dusun", "RW", "RT", "Alamat", "Desil", "Kepala keluarga",
           "NIK kepala (disamarkan)", "Jumlah anggota", "Status"]


def register_export_xlsx(households) -> bytes:
    """The households of a (filtered, scoped) register list as an XLSX file."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Register")
    header = []
    for title in COLUMNS:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    rows = households.select_related("village").iterator(chunk_size=2000)
    for h in rows:
        sheet.append([
            h.register_id, h.village.name, h.dusun, h.rw, h.rt, h.address, h.desil,
            getattr(h, "head_name", "") or "",
            mask_nik(h.head_nik) if getattr(h, "head_nik", None) else "",
            getattr(h, "member_count", None), h.get_status_display(),
        ])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
