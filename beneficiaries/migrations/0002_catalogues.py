"""Seed the programme and PPKS catalogues (editable by the Manajer afterwards).

PPKS: the 26 types of Permensos 8/2012 grouped into the 7 clusters of PP 39/2012
(DOMAIN.md §4); the type-to-cluster mapping is data and may be changed in the admin.
"""

from django.db import migrations

# code, name, short name, level, unit, agency code, in extracts, criteria, benefits, documents
PROGRAMMES = [
    ("pkh", "Program Keluarga Harapan", "PKH", "nasional", "keluarga", "dinsos", True,
     "Keluarga miskin di DTKS/DTSEN dengan komponen kesehatan (ibu hamil, balita), "
     "pendidikan (anak sekolah), atau kesejahteraan sosial (lansia, disabilitas berat).",
     "Bantuan tunai bersyarat per komponen, disalurkan bertahap melalui bank penyalur.",
     "KTP, KK, kartu KKS; bukti komponen (buku KIA, keterangan sekolah)."),
    ("bpnt", "Program Sembako / Bantuan Pangan Non Tunai", "Sembako/BPNT", "nasional",
     "keluarga", "dinsos", True,
     "Keluarga miskin dan rentan di DTKS/DTSEN (desil terendah).",
     "Bantuan pangan bulanan melalui kartu KKS atau penyalur.",
     "KTP, KK, kartu KKS."),
    ("pbi-jk", "Penerima Bantuan Iuran Jaminan Kesehatan (KIS)", "PBI-JK", "nasional",
     "individu", "dinkes", True,
     "Fakir miskin dan orang tidak mampu yang terdaftar di DTKS/DTSEN.",
     "Iuran BPJS Kesehatan kelas III dibayar pemerintah pusat.",
     "KTP, KK; surat keterangan tidak mampu bila diminta."),
    ("pip", "Program Indonesia Pintar (KIP)", "PIP/KIP", "nasional", "individu", "disdik",
     True,
     "Anak usia sekolah 6–21 tahun dari keluarga miskin/rentan, terdaftar di sekolah atau "
     "madrasah.",
     "Bantuan tunai pendidikan per tahun sesuai jenjang.",
     "KTP orang tua, KK, kartu KIP atau keterangan sekolah/madrasah."),
    ("rtlh", "Rehabilitasi Rumah Tidak Layak Huni", "RTLH", "kabupaten", "keluarga",
     "disperkim", False,
     "Keluarga miskin pemilik rumah di atas tanah sendiri dengan rumah tidak layak huni.",
     "Bantuan bahan bangunan dan upah untuk perbaikan rumah.",
     "KTP, KK, bukti kepemilikan tanah, foto rumah."),
    ("atensi", "Asistensi Rehabilitasi Sosial (lansia, disabilitas, anak)", "ATENSI",
     "nasional", "individu", "dinsos", False,
     "Lanjut usia, penyandang disabilitas, anak, dan PPKS lain yang membutuhkan "
     "rehabilitasi sosial.",
     "Pemenuhan kebutuhan hidup layak, alat bantu, terapi, dukungan keluarga.",
     "KTP/KK; keterangan disabilitas atau kondisi bila ada."),
    ("blt-dd", "Bantuan Langsung Tunai Dana Desa", "BLT Dana Desa", "desa", "keluarga",
     "pemdes", False,
     "Keluarga miskin di desa yang ditetapkan Musyawarah Desa, tidak menerima PKH/Sembako.",
     "Bantuan tunai bulanan dari Dana Desa.",
     "KTP, KK."),
    ("jamkesda", "Jaminan Kesehatan Daerah (PBI APBD)", "PBI APBD", "kabupaten", "individu",
     "dinkes", False,
     "Warga miskin kabupaten yang belum menjadi peserta PBI-JK.",
     "Iuran BPJS Kesehatan dibayar APBD kabupaten.",
     "KTP, KK, surat keterangan tidak mampu."),
]

CLUSTERS = [
    ("kemiskinan", "Kemiskinan"),
    ("ketelantaran", "Ketelantaran"),
    ("kecacatan", "Kecacatan"),
    ("keterpencilan", "Keterpencilan"),
    ("ketunaan-sosial", "Ketunaan sosial dan penyimpangan perilaku"),
    ("korban-bencana", "Korban bencana"),
    ("korban-kekerasan", "Korban tindak kekerasan, eksploitasi dan diskriminasi"),
]

PPKS_TYPES = [
    ("anak-balita-terlantar", "Anak balita terlantar", "ketelantaran"),
    ("anak-terlantar", "Anak terlantar", "ketelantaran"),
    ("anak-berhadapan-hukum", "Anak berhadapan dengan hukum", "ketunaan-sosial"),
    ("anak-jalanan", "Anak jalanan", "ketelantaran"),
    ("anak-disabilitas", "Anak dengan kedisabilitasan", "kecacatan"),
    ("anak-korban-kekerasan", "Anak korban tindak kekerasan", "korban-kekerasan"),
    ("anak-perlindungan-khusus", "Anak yang memerlukan perlindungan khusus",
     "korban-kekerasan"),
    ("lansia-terlantar", "Lanjut usia terlantar", "ketelantaran"),
    ("penyandang-disabilitas", "Penyandang disabilitas", "kecacatan"),
    ("tuna-susila", "Tuna susila", "ketunaan-sosial"),
    ("gelandangan", "Gelandangan", "ketunaan-sosial"),
    ("pengemis", "Pengemis", "ketunaan-sosial"),
    ("pemulung", "Pemulung", "ketunaan-sosial"),
    ("kelompok-minoritas", "Kelompok minoritas", "keterpencilan"),
    ("bekas-warga-binaan", "Bekas warga binaan lembaga pemasyarakatan", "ketunaan-sosial"),
    ("odha", "Orang dengan HIV/AIDS (ODHA)", "ketunaan-sosial"),
    ("korban-napza", "Korban penyalahgunaan NAPZA", "ketunaan-sosial"),
    ("korban-trafficking", "Korban trafficking", "korban-kekerasan"),
    ("korban-tindak-kekerasan", "Korban tindak kekerasan", "korban-kekerasan"),
    ("pekerja-migran-bermasalah", "Pekerja migran bermasalah sosial", "korban-kekerasan"),
    ("korban-bencana-alam", "Korban bencana alam", "korban-bencana"),
    ("korban-bencana-sosial", "Korban bencana sosial", "korban-bencana"),
    ("perempuan-rawan-sosial-ekonomi", "Perempuan rawan sosial ekonomi", "kemiskinan"),
    ("fakir-miskin", "Fakir miskin", "kemiskinan"),
    ("keluarga-bermasalah-psikologis", "Keluarga bermasalah sosial psikologis",
     "ketunaan-sosial"),
    ("komunitas-adat-terpencil", "Komunitas adat terpencil", "keterpencilan"),
]


def seed(apps, schema_editor):
    Agency = apps.get_model("referrals", "Agency")
    Programme = apps.get_model("beneficiaries", "Programme")
    PpksCluster = apps.get_model("beneficiaries", "PpksCluster")
    PpksType = apps.get_model("beneficiaries", "PpksType")
    for order, row in enumerate(PROGRAMMES, start=1):
        code, name, short, level, unit, agency, in_extracts, criteria, benefits, docs = row
        Programme.objects.update_or_create(code=code, defaults={
            "name": name, "short_name": short, "level": level, "unit": unit,
            "complaint_agency": Agency.objects.filter(code=agency).first(),
            "in_extracts": in_extracts, "criteria": criteria, "benefits": benefits,
            "required_documents": docs, "order": order * 10,
        })
    clusters = {}
    for order, (code, name) in enumerate(CLUSTERS, start=1):
        clusters[code], _ = PpksCluster.objects.update_or_create(
            code=code, defaults={"name": name, "order": order})
    for order, (code, name, cluster) in enumerate(PPKS_TYPES, start=1):
        PpksType.objects.update_or_create(
            code=code, defaults={"name": name, "cluster": clusters[cluster], "order": order})


def unseed(apps, schema_editor):
    apps.get_model("beneficiaries", "PpksType").objects.all().delete()
    apps.get_model("beneficiaries", "PpksCluster").objects.all().delete()
    apps.get_model("beneficiaries", "Programme").objects.filter(
        code__in=[row[0] for row in PROGRAMMES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("beneficiaries", "0001_initial"),
        ("referrals", "0002_agency_catalogue"),
    ]
    operations = [migrations.RunPython(seed, unseed)]
