"""Synthetic Indonesian welfare-register extracts (DTKS, BDT 2015, DTSEN).

Everything here is invented: names, addresses, NIK and KK numbers only *look*
real (they pass :func:`beneficiaries.identity.parse_nik` / ``parse_kk``).

* :func:`generate_households` yields households → families → members from
  ``random.Random(seed)``: deterministic and streaming (memory does not grow
  with the number of people, apart from small per-day serial counters).
* :func:`write_extract` writes them as CSV or XLSX in one of three layouts
  seen in the field (DOMAIN.md section 4): ``dtks``, ``bdt2015``, ``dtsen``.

Pure Python + openpyxl; no Django models.
"""

from __future__ import annotations

import csv
import random
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from beneficiaries.identity import SEX_FEMALE, SEX_MALE
from beneficiaries.importing.values import RELATION_CODES

__all__ = [
    "BDT_RELATION_CODES",
    "DEFAULT_REFERENCE_DATE",
    "DEMO_BPS_CODES",
    "DEMO_VILLAGES",
    "HEADERS",
    "LAYOUTS",
    "RELATION_NAMES",
    "ExtractStats",
    "Family",
    "Household",
    "Member",
    "Village",
    "DATE_STYLES",
    "bps_code_for",
    "generate_households",
    "resolve_village",
    "write_extract",
    "write_households",
]

# --------------------------------------------------------------------------
# Regions
# --------------------------------------------------------------------------

#: Ages, NIK birth dates and KK issue dates are computed against this fixed
#: day (not "today"), so a seed always gives the same data.
DEFAULT_REFERENCE_DATE = date(2025, 6, 30)

_VILLAGE_CODE = re.compile(r"(\d{2})\.(\d{2})\.(\d{2})\.(\d{4})")

_PROVINCES = {
    "11": "ACEH", "12": "SUMATERA UTARA", "13": "SUMATERA BARAT", "14": "RIAU",
    "15": "JAMBI", "16": "SUMATERA SELATAN", "17": "BENGKULU", "18": "LAMPUNG",
    "19": "KEPULAUAN BANGKA BELITUNG", "21": "KEPULAUAN RIAU", "31": "DKI JAKARTA",
    "32": "JAWA BARAT", "33": "JAWA TENGAH", "34": "DI YOGYAKARTA", "35": "JAWA TIMUR",
    "36": "BANTEN", "51": "BALI", "52": "NUSA TENGGARA BARAT", "53": "NUSA TENGGARA TIMUR",
    "61": "KALIMANTAN BARAT", "62": "KALIMANTAN TENGAH", "63": "KALIMANTAN SELATAN",
    "64": "KALIMANTAN TIMUR", "65": "KALIMANTAN UTARA", "71": "SULAWESI UTARA",
    "72": "SULAWESI TENGAH", "73": "SULAWESI SELATAN", "74": "SULAWESI TENGGARA",
    "75": "GORONTALO", "76": "SULAWESI BARAT", "81": "MALUKU", "82": "MALUKU UTARA",
    "91": "PAPUA", "92": "PAPUA BARAT", "93": "PAPUA SELATAN", "94": "PAPUA TENGAH",
    "95": "PAPUA PEGUNUNGAN", "96": "PAPUA BARAT DAYA",
}  # fmt: skip

_REGENCIES = {
    "32.01": "KAB. BOGOR", "32.02": "KAB. SUKABUMI", "32.03": "KAB. CIANJUR",
    "32.04": "KAB. BANDUNG", "32.05": "KAB. GARUT", "32.06": "KAB. TASIKMALAYA",
    "32.07": "KAB. CIAMIS", "32.08": "KAB. KUNINGAN", "32.09": "KAB. CIREBON",
    "32.10": "KAB. MAJALENGKA", "32.11": "KAB. SUMEDANG", "32.12": "KAB. INDRAMAYU",
    "32.13": "KAB. SUBANG", "32.14": "KAB. PURWAKARTA", "32.15": "KAB. KARAWANG",
    "32.16": "KAB. BEKASI", "32.17": "KAB. BANDUNG BARAT", "32.18": "KAB. PANGANDARAN",
    "32.71": "KOTA BOGOR", "32.72": "KOTA SUKABUMI", "32.73": "KOTA BANDUNG",
    "32.74": "KOTA CIREBON", "32.75": "KOTA BEKASI", "32.76": "KOTA DEPOK",
    "32.77": "KOTA CIMAHI", "32.78": "KOTA TASIKMALAYA", "32.79": "KOTA BANJAR",
}  # fmt: skip

_DISTRICTS = {"32.04.17": "CIMAUNG"}

#: The demo region (DOMAIN.md): the ten desa of Kec. Cimaung, Kab. Bandung.
DEMO_VILLAGES = {
    "32.04.17.2001": "CIMAUNG",
    "32.04.17.2002": "JAGABAYA",
    "32.04.17.2003": "PASIRHUNI",
    "32.04.17.2004": "CAMPAKAMULYA",
    "32.04.17.2005": "CIPINANG",
    "32.04.17.2006": "MEKARSARI",
    "32.04.17.2007": "SUKAMAJU",
    "32.04.17.2008": "CIKALONG",
    "32.04.17.2009": "MALASARI",
    "32.04.17.2010": "WARJABAKTI",
}

#: BPS desa codes for the demo villages, as BDT files use them. Only Desa
#: Cimaung's (3204030004) comes from DOMAIN.md; the others are INVENTED
#: (3204030001..3204030010 in order, skipping 004).
DEMO_BPS_CODES = {
    "32.04.17.2001": "3204030004",
    "32.04.17.2002": "3204030001",
    "32.04.17.2003": "3204030002",
    "32.04.17.2004": "3204030003",
    "32.04.17.2005": "3204030005",
    "32.04.17.2006": "3204030006",
    "32.04.17.2007": "3204030007",
    "32.04.17.2008": "3204030008",
    "32.04.17.2009": "3204030009",
    "32.04.17.2010": "3204030010",
}


@dataclass(frozen=True, slots=True)
class Village:
    """A desa/kelurahan by its Kemendagri code, with the names of its parents.

    Unknown names (outside the demo region and the province/Jawa Barat
    tables) are shown as their code.
    """

    code: str  # "32.04.17.2001"
    name: str
    district: str  # kecamatan
    regency: str  # kabupaten/kota
    province: str

    @property
    def region_code(self) -> str:
        """The 6-digit kecamatan region of NIK and KK numbers ("320417")."""
        return self.code[:8].replace(".", "")

    @property
    def digits(self) -> str:
        """The code without dots ("3204172001")."""
        return self.code.replace(".", "")


def resolve_village(code: str | Village) -> Village:
    """A :class:`Village` for a Kemendagri code "PP.KK.CC.DDDD"."""
    if isinstance(code, Village):
        return code
    text = str(code).strip()
    match = _VILLAGE_CODE.fullmatch(text)
    if not match or "00" in match.groups()[:3] or match.group(4) == "0000":
        raise ValueError(f"Kode wilayah desa tidak valid: {code!r} (contoh: 32.04.17.2001).")
    return Village(
        code=text,
        name=DEMO_VILLAGES.get(text, text),
        district=_DISTRICTS.get(text[:8], text[:8]),
        regency=_REGENCIES.get(text[:5], text[:5]),
        province=_PROVINCES.get(text[:2], text[:2]),
    )


def bps_code_for(village_code: str) -> str:
    """The BPS desa code used for a village when the caller gives none.

    Demo villages: :data:`DEMO_BPS_CODES`. Others get an INVENTED code
    PP KK 0CC 0DD... built from the Kemendagri code (e.g. 32.04.18.2003 ->
    "3204018003").
    """
    if village_code in DEMO_BPS_CODES:
        return DEMO_BPS_CODES[village_code]
    pp, kk, cc, dddd = village_code.split(".")
    return f"{pp}{kk}0{cc}{dddd[-3:]}"


# --------------------------------------------------------------------------
# People
# --------------------------------------------------------------------------

#: Relation to the head of the family (KK), DTKS coding: the same table the import reads.
RELATION_NAMES = RELATION_CODES

#: DTKS relation code (1-11) -> BDT 2015 code used in Hub_KRT / Hubkel:
#: 1 kepala, 2 istri/suami, 3 anak, 4 menantu, 5 cucu, 6 orang tua/mertua,
#: 7 pembantu, 8 lainnya.
BDT_RELATION_CODES = {1: 1, 2: 2, 3: 2, 4: 3, 5: 4, 6: 5, 7: 6, 8: 6, 9: 8, 10: 7, 11: 8}

_HEAD, _HUSBAND, _WIFE, _CHILD, _CHILD_IN_LAW, _GRANDCHILD = 1, 2, 3, 4, 5, 6
_PARENT, _PARENT_IN_LAW, _RELATIVE, _HELPER, _OTHER = 7, 8, 9, 10, 11

# Marital status (BDT Sta_kawin): 1 belum kawin, 2 kawin, 3 cerai hidup, 4 cerai mati.
_SINGLE, _MARRIED, _DIVORCED, _WIDOWED = 1, 2, 3, 4


def _names(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(text.split()))


# Older generations: Sundanese / Javanese / common Muslim names.
_MALE_OLD = _names(
    """
    ASEP UJANG DEDE DADANG DEDI DEDEN AAN ADE AGUS AHMAD ACENG ATENG BUDI CECEP DADAN
    DANA DAYAT DIDIN DODI DUDI EDI ENDANG ENJANG EMAN ENCEP ENDIN ENTIS ENGKOS OCO HERMAN
    IWAN IYAN JAJANG JAJA KOSASIH KARTA MAMAN NANANG NANA OMAN OJANG OTONG ROHMAT SAEPUL
    TATANG UDIN UHA UDAY UTANG WAWAN YAYAN YOYO ANWAR ATANG HERI ENGKUS IDAN KOMAR SOLEH
    UCU UNDANG OYO UMAR SARIP SUTRISNO SUPRIYADI SUGENG SLAMET PARJO PAIMAN SUKARDI
    TUKIMAN SUMARNO JOKO BAMBANG HARYANTO ABDUL HASAN HUSEN ISMAIL YUSUF ARIF RIZAL HENDRA
    RUDI YUDI DENI DANI IRFAN RIDWAN ENDI AJAT AYI CAHYA DEDY ELAN IPIN JUJUN MAMAT NONO
    """
)
_MALE_NEW = _names(
    """
    MUHAMMAD MOCHAMAD RIZKY FAJAR RAFI ALIF ARKA AZKA FAHRI GILANG DIMAS RAKA REZA RIFKI
    ILHAM IKBAL FIRMAN HILMAN ANGGA DIKI YOGA ADITYA BAYU ARYA FARHAN HAIKAL NAUFAL DAFFA
    RAFA ZIDAN FAREL KEVIN RAIHAN FAISAL AKBAR SYAHRUL RANGGA SANDI TAUFIK WILDAN ALDI
    ANDIKA RIDHO ARGA ZAKI FAUZAN HAFIZ IRGI REVAN
    """
)
_FEMALE_OLD = _names(
    """
    SITI ENENG EUIS ENTIN IYAH IKAH NENG IMAS NENENG YAYAH ENOK EDAH ELAH EEM ENUNG EPON
    ICIH ITING JUJU KOKOM NANI NUNUNG OOM ONAH POPON TITIN TATI UPIT UUM YOYOH WIWIN ELIS
    ENDAH ERNA ETI IDA INEU LILIS MIMIN NINA RINA ROS SRI TUTI YATI WATI AAS AI ANI CUCU
    DEDEH DEWI EMI EVI HANI HERA SUMIATI SUMARNI SUPARMI PARTINAH WARSINI TUMINAH NUR NURUL
    AAH CICIH DEDAH ENCUM ENDEH ETIN IIS JOJOH KARSIH MAMAH NANAH OMAH PIPIH RUKMINI SAMSIAH
    TARSIH UNENG YAYU ATIKAH EUTIK ICAH ANAH
    """
)
_FEMALE_NEW = _names(
    """
    NAYLA ZAHRA AULIA SALSABILA NABILA PUTRI ANISA AYU DINDA FITRI INTAN KEISHA NAURA RARA
    SYIFA TIARA ALYA AZZAHRA CANTIKA DEA ELSA FANI GITA HANA INDAH JIHAN KAYLA LAILA MAYA
    NADIA NISA RANI REGINA SALMA SELVI VINA WULAN YUNI ZASKIA NAJWA ALIFA AQILA KHANZA
    MUTIARA AMELIA ANGGI RISMA SITI NUR
    """
)
_MALE_LAST = _names(
    """
    SUNANDAR ROHMAT HIDAYAT SUPRIATNA SUHERMAN KURNIAWAN SETIAWAN SAPUTRA PRATAMA NUGRAHA
    RAMDANI HERMAWAN GUNAWAN FIRMANSYAH HIDAYATULLAH MAULANA RAHMAT SOLIHIN SOPIAN SUPARMAN
    SUTARNA SUMARNA JUHANA KOMARUDIN NURJAMAN RUSTANDI SAEPULOH SURYANA SUTISNA TARYANA
    WAHYUDI WARSITO YUSUF ABDULLAH FAUZI IRAWAN KUSNADI MULYADI NURDIN RAHMAN RUHIYAT SAEFUL
    SAPRUDIN SOBARI SUKMANA SULAEMAN SUPENA SUPRIADI SUTRISNA TAUFIK WIJAYA YULIANTO ZAENAL
    ARIPIN HENDRAYANA ISKANDAR JUANDA KARTIWA MAHMUD MUSLIM NURHADI PERMANA RAMDAN ROSADI
    SAPRIADI SOBANDI SUDRAJAT SUGANDA SUHENDI SUKANDAR SUNARYA SURYADI RAMADHAN ALFARIZI
    HAKIM HERDIANA JAELANI KOSWARA MUHARAM NURSALIM RIYADI SAMSUDIN SOLEHUDIN SUHENDAR
    SUPRIYATNA SYARIF TATANG WIRAHADI ABIDIN AZIZ FADILAH HAMDANI IBRAHIM MUBAROK MUKTI
    """
)
_FEMALE_LAST = _names(
    """
    NURHAYATI KURNIASIH ROHAETI SUMIATI MULYANI RAHAYU HANDAYANI NURJANAH FITRIANI YULIANTI
    LESTARI MARLINA SUSANTI KOMALASARI NURAENI ROSMIATI AMINAH MARYAM FATIMAH KHODIJAH
    HALIMAH SOPIAH JUBAEDAH MASITOH NURLELA HASANAH PURNAMASARI WULANDARI RAHMAWATI
    SETIAWATI NURHASANAH NURLAELA NURHALIMAH ROHIMAH SAADAH SOLIHAT SUKAESIH SUNARSIH
    SUMARNI SUPARTINI TARSIH WARSIH YULIANI AGUSTINA APRIANI DAMAYANTI DESTIANI FAUZIAH
    HERLINA KARTIKA LISNAWATI MEILANI NOVITASARI OKTAVIANI PERTIWI RATNASARI RAHMADANI
    SAFITRI SULASTRI SUPRIHATIN TRIANA WIDIASTUTI ZAHRANI PUTRI RAMADHANI AULIA SALSABILA
    NURAINI AZAHRA KIRANA MAHARANI ANINDITA ROSLIANA KUSMIATI MAESAROH MULYATI NURHAENI
    ROHMAH SITI AISYAH JUARIAH KOMARIAH MARYATI ROKAYAH SARIPAH SUMIATI TRISNAWATI
    """
)

_KAMPUNG = _names(
    """
    BABAKAN CIBEUREUM CIKALONG CIPARAY CIMAUNG CISALADA CIBODAS CIGENTUR CIHERANG CIKONENG
    CILEUNGSIR CIMANGGU CINANGKA CIPICUNG CISARUA CITEUREUP PASIRJAMBU PASIRHUNI
    PASIRMUNCANG SUKAMANAH SUKAMAJU SUKASARI SUKAWANGI SUKARAME MEKARSARI MEKARJAYA NAGROG
    BOJONG BOJONGSARI CIJAMBU CIKUDA LEMBURSAWAH TEGALLEGA PARUNG KIARAPAYUNG KUBANG MUNJUL
    NEGLASARI SINDANGSARI KAUM CIKAREO CIPEUTEUY LEBAKSARI CIJERUK PANGKALAN GIRIMUKTI
    """
)
_STREETS = ("JL. RAYA {kec}", "JL. DESA {desa}", "JL. MESJID", "JL. PASANTREN", "GG. MELATI")

# Places of birth outside the village's own area.
_FAR_PLACES = (
    "GARUT", "CIANJUR", "TASIKMALAYA", "SUMEDANG", "SUBANG", "CIAMIS", "SUKABUMI", "BOGOR",
    "JAKARTA", "KUNINGAN", "MAJALENGKA", "PURWAKARTA", "KARAWANG", "BEKASI", "CIREBON",
    "BANJAR", "CIMAHI", "SEMARANG", "SURABAYA", "YOGYAKARTA", "SURAKARTA", "TEGAL", "BREBES",
    "KEBUMEN", "CILACAP", "LAMPUNG", "PALEMBANG", "MEDAN",
)  # fmt: skip
_NEAR_PLACES = ("BANJARAN", "PANGALENGAN", "SOREANG", "CANGKUANG", "PAMEUNGPEUK", "ARJASARI")

_NO_WORK = "BELUM/TIDAK BEKERJA"
_PUPIL = "PELAJAR/MAHASISWA"
_HELPER_JOB = "PEMBANTU RUMAH TANGGA"


def _expand(pairs: Iterable[tuple[object, int]]) -> tuple:
    """A weighted table as a flat tuple: pick with ``t[int(random() * len(t))]``."""
    return tuple(item for item, weight in pairs for _ in range(weight))


_JOBS_MALE = _expand(
    [
        ("BURUH HARIAN LEPAS", 30), ("PETANI/PEKEBUN", 18), ("BURUH TANI/PERKEBUNAN", 15),
        ("WIRASWASTA", 12), ("PEDAGANG", 6), ("KARYAWAN SWASTA", 6), ("SOPIR", 3),
        ("TUKANG BATU", 3), ("PETERNAK", 2), (_NO_WORK, 5), ("", 2),
    ]
)  # fmt: skip
_JOBS_FEMALE = _expand(
    [
        ("MENGURUS RUMAH TANGGA", 58), ("BURUH HARIAN LEPAS", 10), ("PEDAGANG", 8),
        ("BURUH TANI/PERKEBUNAN", 8), ("KARYAWAN SWASTA", 5), ("WIRASWASTA", 4),
        ("PETANI/PEKEBUN", 3), (_NO_WORK, 2), ("", 2),
    ]
)  # fmt: skip
_JOBS_OLD_MALE = _expand([(_NO_WORK, 45), ("PETANI/PEKEBUN", 30), ("BURUH TANI/PERKEBUNAN", 10),
                          ("PEDAGANG", 5), ("PENSIUNAN", 3), ("", 2)])  # fmt: skip
_JOBS_OLD_FEMALE = _expand([(_NO_WORK, 45), ("MENGURUS RUMAH TANGGA", 45), ("PEDAGANG", 3),
                            ("PETANI/PEKEBUN", 5), ("", 2)])  # fmt: skip

# The register holds the poor: low deciles are far more frequent.
_DESIL = _expand([(1, 22), (2, 18), (3, 15), (4, 12), (5, 10), (6, 8), (7, 6), (8, 4), (9, 3),
                  (10, 2)])  # fmt: skip
# Age of the household head: (lowest, width) bands.
_HEAD_AGE = _expand([((21, 9), 9), ((30, 10), 21), ((40, 10), 24), ((50, 10), 20),
                     ((60, 10), 15), ((70, 15), 11)])  # fmt: skip
# Children still living at home, by the mother's age band (5-year bands from 15).
_KIDS_BY_MOTHER_AGE = {
    15: (0, 0, 1, 1),
    20: (0, 1, 1, 1, 2),
    25: (0, 1, 1, 1, 2, 2),
    30: (0, 1, 1, 2, 2, 2, 3, 3),
    35: (0, 1, 2, 2, 2, 3, 3, 4),
    40: (0, 1, 1, 2, 2, 3, 3, 4),
    45: (0, 1, 1, 2, 2, 3),
    50: (0, 0, 1, 1, 2, 2),
    55: (0, 0, 1, 1, 1, 2),
    60: (0, 0, 0, 1, 1),
    65: (0, 0, 0, 0, 1),
}

# Programme probabilities by desil (index 0 unused).
_P_PKH = (0, 0.55, 0.45, 0.35, 0.15, 0.08, 0.03, 0.02, 0.01, 0.01, 0.01)
_P_BPNT = (0, 0.70, 0.60, 0.50, 0.35, 0.20, 0.10, 0.05, 0.03, 0.02, 0.02)
_P_PBI = (0, 0.85, 0.85, 0.80, 0.65, 0.55, 0.35, 0.25, 0.10, 0.08, 0.05)
_P_PIP = (0, 0.55, 0.50, 0.45, 0.30, 0.25, 0.10, 0.08, 0.05, 0.03, 0.02)

_DAYS_PER_YEAR = 365.2425
_EARLIEST_KK = date(2004, 1, 1).toordinal()


@dataclass(slots=True)
class Member:
    """One person (anggota rumah tangga)."""

    nik: str
    name: str
    sex: str  # SEX_MALE "L" / SEX_FEMALE "P"
    birth_date: date
    birth_place: str
    relation: int  # to the family (KK) head, RELATION_NAMES code 1..11
    household_relation: int  # to the household head, same codes
    mother_name: str
    marital: int  # 1 belum kawin, 2 kawin, 3 cerai hidup, 4 cerai mati
    disabled: bool
    occupation: str  # "" when not recorded

    def age(self, on: date = DEFAULT_REFERENCE_DATE) -> int:
        """Age in whole years on ``on``."""
        b = self.birth_date
        return on.year - b.year - ((on.month, on.day) < (b.month, b.day))


@dataclass(slots=True)
class Family:
    """A family (keluarga) with its Kartu Keluarga; ``members[0]`` is its head."""

    kk: str
    issue_date: date
    number: int  # NUK: 1, 2 within the household
    members: list[Member] = field(default_factory=list)

    @property
    def head(self) -> Member:
        return self.members[0]


@dataclass(slots=True)
class Household:
    """A household (rumah tangga) of the register with its programme flags."""

    register_id: str  # ID DTKS: village code digits + 8-digit sequence
    village: Village
    address: str
    dusun: str
    rt: str
    rw: str
    desil: int  # 1..10
    percentile: int  # 1..100, desil == ceil(percentile / 10)
    pkh: bool
    bpnt: bool
    pbi: bool
    pip: bool
    kks: bool
    families: list[Family] = field(default_factory=list)

    @property
    def members(self) -> list[Member]:
        return [m for f in self.families for m in f.members]

    @property
    def size(self) -> int:
        return sum(len(f.members) for f in self.families)


# --------------------------------------------------------------------------
# Generation
# --------------------------------------------------------------------------


class _VillagePlan:
    """Per-village constants: dusun/RW/RT slots, addresses, birth places."""

    __slots__ = ("village", "region", "digits", "sequence", "slots", "places", "child_places")

    def __init__(self, village: Village, rnd: random.Random) -> None:
        self.village = village
        self.region = village.region_code
        self.digits = village.digits
        self.sequence = 0
        r = rnd.random
        numbered = r() < 0.6
        kampung = list(_KAMPUNG)
        rnd.shuffle(kampung)
        kec = village.district if not village.district[:1].isdigit() else "DESA"
        desa = village.name if not village.name[:1].isdigit() else "UTAMA"
        slots = []
        rw = 0
        n_dusun = 3 + (r() < 0.5)
        for d in range(1, n_dusun + 1):
            dusun = f"DUSUN {d}" if numbered else f"DUSUN {kampung.pop()}"
            for _ in range(2 + int(r() * 2)):  # 2-3 RW per dusun (at most 12)
                rw += 1
                rw_text = f"{rw:03d}"
                streets = [f"KP. {kampung.pop()}" for _ in range(1 + (r() < 0.4))]
                if r() < 0.3:
                    street = _STREETS[int(r() * len(_STREETS))]
                    streets.append(street.format(kec=kec, desa=desa))
                for rt in range(1, 4 + int(r() * 10)):  # 3-12 RT per RW
                    rt_text = f"{rt:03d}"
                    addresses = tuple(f"{s} RT {rt_text} RW {rw_text}" for s in streets)
                    slots.append((dusun, rt_text, rw_text, addresses))
        self.slots = tuple(slots)
        home = desa if desa != "UTAMA" else "BANDUNG"
        regency = village.regency.replace("KAB. ", "").replace("KOTA ", "")
        if regency[:1].isdigit():
            regency = "BANDUNG"
        near = _NEAR_PLACES if village.code.startswith("32.04.") else (regency,)
        self.places = _expand(
            [(regency, 45), (home, 20)]
            + [(p, 2) for p in near]
            + [(p, 1) for p in _FAR_PLACES if p != regency]
        )
        self.child_places = _expand([(regency, 60), (home, 32)] + [(p, 1) for p in near[:8]])


def _next_serial(
    serials: dict, region: str, day: int, female: bool | None, last_day: int
) -> tuple[int, int]:
    """Take the next serial (1..9999) for ``day`` (an ordinal) or a later free day.

    ``serials`` is keyed (region, date, female) for NIKs and (region, ordinal)
    for KKs. Days after ``last_day`` are never used: the search then goes back.
    Returns (serial, ordinal of the day used).
    """
    step = 1
    while True:
        key = (region, date.fromordinal(day), female) if female is not None else (region, day)
        serial = serials.get(key, 0) + 1
        if serial <= 9999:
            serials[key] = serial
            return serial, day
        if day >= last_day:
            step = -1
        day += step


def generate_households(
    *,
    people: int,
    villages: Sequence[str | Village] = tuple(DEMO_VILLAGES),
    seed: int = 1,
    reference_date: date = DEFAULT_REFERENCE_DATE,
) -> Iterator[Household]:
    """Yield households until exactly ``people`` members have been produced.

    Deterministic for a given (people, villages, seed, reference_date) and
    streaming. NIK and KK numbers are unique within one run: serials are
    counted per (region, date[, sex]); a date whose serials run out moves to
    the next day.
    """
    if people < 0:
        raise ValueError("people must be >= 0")
    if isinstance(villages, (str, Village)):
        villages = [villages]
    if not villages:
        raise ValueError("at least one village is needed")
    rnd = random.Random(seed)
    plans = [_VillagePlan(resolve_village(v), rnd) for v in villages]
    return _generate(rnd, plans, people, reference_date)


def _generate(
    rnd: random.Random, plans: list[_VillagePlan], people: int, reference: date
) -> Iterator[Household]:
    r = rnd.random
    ref_ord = reference.toordinal()
    fromordinal = date.fromordinal
    n_plans = len(plans)
    male_old, male_new, female_old, female_new = _MALE_OLD, _MALE_NEW, _FEMALE_OLD, _FEMALE_NEW
    male_last, female_last = _MALE_LAST, _FEMALE_LAST
    n_mo, n_mn, n_fo, n_fn = len(male_old), len(male_new), len(female_old), len(female_new)
    n_ml, n_fl = len(male_last), len(female_last)
    jobs_m, jobs_f, jobs_om, jobs_of = _JOBS_MALE, _JOBS_FEMALE, _JOBS_OLD_MALE, _JOBS_OLD_FEMALE
    n_jm, n_jf, n_jom, n_jof = len(jobs_m), len(jobs_f), len(jobs_om), len(jobs_of)
    head_ages, n_head_ages = _HEAD_AGE, len(_HEAD_AGE)
    desils, n_desils = _DESIL, len(_DESIL)
    kids_table = _KIDS_BY_MOTHER_AGE
    nik_serials: dict[tuple[str, date, bool], int] = {}  # (region, birth date, female)
    kk_serials: dict[tuple[str, int], int] = {}  # (region, issue ordinal)

    def name(female: bool, age: float) -> str:
        # Born before ~1990: mostly traditional names; the young: modern ones.
        modern = r() < (0.12 if age > 35 else 0.5 if age > 20 else 0.8)
        shape = r()
        if female:
            first = female_new[int(r() * n_fn)] if modern else female_old[int(r() * n_fo)]
            if shape < (0.08 if modern else 0.3):
                return first
            last = female_last[int(r() * n_fl)]
            if modern and shape > 0.75:
                return f"{first} {female_new[int(r() * n_fn)]} {last}"
        else:
            first = male_new[int(r() * n_mn)] if modern else male_old[int(r() * n_mo)]
            if shape < (0.05 if modern else 0.25):
                return first
            last = male_last[int(r() * n_ml)]
            if modern and shape > 0.7:
                return f"{first} {male_new[int(r() * n_mn)]} {last}"
        if first == last:
            return first
        return f"{first} {last}"

    def occupation(female: bool, age: float) -> str:
        if age < 5:
            return _NO_WORK
        if age < 19:
            return _PUPIL if r() < 0.9 else _NO_WORK
        if age < 24 and r() < 0.15:
            return _PUPIL
        if age >= 65:
            return jobs_of[int(r() * n_jof)] if female else jobs_om[int(r() * n_jom)]
        return jobs_f[int(r() * n_jf)] if female else jobs_m[int(r() * n_jm)]

    def person(female, age, relation, hh_relation, mother, marital, places):
        """A member without NIK (given once the household is final)."""
        if age > 90.0:
            age = 90.0 - r()
        elif age < 0.01:
            age = 0.01
        return Member(
            "",
            name(female, age),
            SEX_FEMALE if female else SEX_MALE,
            fromordinal(ref_ord - 1 - int(age * _DAYS_PER_YEAR)),
            places[int(r() * len(places))],
            relation,
            hh_relation,
            mother if mother else name(True, age + 25.0),
            marital,
            r() < (0.05 if age >= 60 else 0.012 if age >= 18 else 0.006),
            _HELPER_JOB if relation == _HELPER else occupation(female, age),
        )

    def children(mother_age: float, oldest: float) -> list[float]:
        band = min(65, max(15, int(mother_age) // 5 * 5))
        choices = kids_table[band]
        n = choices[int(r() * len(choices))]
        if not n:
            return []
        top = min(oldest, mother_age - 18.0)
        low = max(0.0, mother_age - 42.0)
        if top <= low:
            return []
        ages = sorted((low + r() * (top - low) for _ in range(n)), reverse=True)
        for i in range(1, n):
            if ages[i - 1] - ages[i] < 1.2:
                ages[i] = ages[i - 1] - 1.2 - r() * 2.5
        return [a for a in ages if a > 0.0]

    produced = 0
    while produced < people:
        plan = plans[int(r() * n_plans)] if n_plans > 1 else plans[0]
        places, child_places = plan.places, plan.child_places

        # ---- family 1: head, spouse, children, others
        low, width = head_ages[int(r() * n_head_ages)]
        head_age = low + r() * width
        head_female = r() < (0.28 if head_age >= 60 else 0.08)
        if head_female:
            spouse = r() < 0.05
            spouse_age = head_age + 1.0 + r() * 6.0
            mother_age = head_age
        else:
            spouse = r() < (0.92 if head_age < 60 else 0.75 if head_age < 70 else 0.55)
            spouse_age = max(19.0, head_age - 7.0 + r() * 9.0)
            mother_age = spouse_age if spouse else head_age - 4.0
        kid_ages = children(mother_age, 38.0 if mother_age < 60 else 45.0)
        if spouse:
            head_marital = _MARRIED
        elif not kid_ages and head_age < 35:
            head_marital = _SINGLE
        else:
            head_marital = _WIDOWED if r() < (0.7 if head_female else 0.55) else _DIVORCED

        # A parent (or parent-in-law) living in: who it is decides mothers' names.
        parent = None
        if head_age < 62 and r() < 0.07:
            parent_female = r() < 0.75
            parent_rel = _PARENT_IN_LAW if spouse and r() < 0.4 else _PARENT
            parent = person(
                parent_female,
                head_age + 20.0 + r() * 15.0,
                parent_rel,
                parent_rel,
                None,
                _WIDOWED,
                places,
            )
        head_mother = spouse_mother = None
        if parent is not None and parent.sex == SEX_FEMALE:
            if parent.relation == _PARENT:
                head_mother = parent.name
            else:
                spouse_mother = parent.name

        head = person(head_female, head_age, _HEAD, _HEAD, head_mother, head_marital, places)
        fam1 = [head]
        wife_name = head.name if head_female else None
        if spouse:
            rel = _HUSBAND if head_female else _WIFE
            partner = person(not head_female, spouse_age, rel, rel, spouse_mother, _MARRIED, places)
            fam1.append(partner)
            if not head_female:
                wife_name = partner.name
        for age in kid_ages:
            fam1.append(person(r() < 0.5, age, _CHILD, _CHILD, wife_name, _SINGLE, child_places))
        if parent is not None:
            fam1.append(parent)
        if head_age >= 42 and r() < 0.08:
            for _ in range(1 + (r() < 0.3)):
                age = r() * min(head_age - 38.0, 15.0)
                fam1.append(
                    person(r() < 0.5, age, _GRANDCHILD, _GRANDCHILD, None, _SINGLE, child_places)
                )
        if head_age >= 45 and kid_ages and kid_ages[0] >= 21 and r() < 0.04:
            age = kid_ages[0] + r() * 6.0 - 3.0
            fam1.append(
                person(r() < 0.5, age, _CHILD_IN_LAW, _CHILD_IN_LAW, None, _MARRIED, places)
            )
        x = r()
        if x < 0.025:
            fam1.append(
                person(
                    r() < 0.5,
                    5.0 + r() * 65.0,
                    _RELATIVE,
                    _RELATIVE,
                    None,
                    _SINGLE if r() < 0.5 else _WIDOWED,
                    places,
                )
            )
        elif x < 0.027:
            fam1.append(
                person(r() < 0.8, 20.0 + r() * 30.0, _HELPER, _HELPER, None, _SINGLE, places)
            )
        elif x < 0.031:
            fam1.append(person(r() < 0.5, 10.0 + r() * 60.0, _OTHER, _OTHER, None, _SINGLE, places))
        families = [fam1]

        # ---- family 2: a married child's family with its own KK
        if head_age >= 45 and r() < 0.11:
            child_age = max(19.0, head_age - 20.0 - r() * 10.0)
            own_child_female = r() < 0.5
            with_partner = r() < 0.88
            if own_child_female and with_partner:
                # The son-in-law heads the KK; the daughter is his wife.
                h2 = person(
                    False, child_age + r() * 6.0, _HEAD, _CHILD_IN_LAW, None, _MARRIED, places
                )
                w2 = person(True, child_age, _WIFE, _CHILD, wife_name, _MARRIED, places)
                fam2 = [h2, w2]
                mother2_age = child_age
            elif with_partner:
                h2 = person(False, child_age, _HEAD, _CHILD, wife_name, _MARRIED, places)
                w2_age = max(19.0, child_age - r() * 6.0)
                w2 = person(True, w2_age, _WIFE, _CHILD_IN_LAW, None, _MARRIED, places)
                fam2 = [h2, w2]
                mother2_age = w2_age
            else:
                h2 = person(
                    own_child_female,
                    child_age,
                    _HEAD,
                    _CHILD,
                    wife_name,
                    _DIVORCED if r() < 0.6 else _WIDOWED,
                    places,
                )
                fam2 = [h2]
                w2 = h2 if own_child_female else None
                mother2_age = child_age if own_child_female else child_age - 3.0
            mother2 = w2.name if w2 is not None else None
            for age in children(mother2_age, 20.0):
                fam2.append(
                    person(r() < 0.5, age, _CHILD, _GRANDCHILD, mother2, _SINGLE, child_places)
                )
            families.append(fam2)

        # ---- trim the last household to the exact number of people
        size = sum(len(f) for f in families)
        if produced + size > people:
            keep = people - produced
            if keep <= len(fam1):
                families = [fam1[:keep]]
            else:
                families = [fam1, families[1][: keep - len(fam1)]]
            size = keep
        produced += size

        # ---- desil, percentile and programmes from the final composition
        ages = [(ref_ord - m.birth_date.toordinal()) / _DAYS_PER_YEAR for f in families for m in f]
        desil = desils[int(r() * n_desils)]
        if desil > 1 and (size >= 6 or head_age >= 70 or (head_female and not spouse)):
            if r() < 0.5:
                desil -= 1
        percentile = (desil - 1) * 10 + 1 + int(r() * 10)
        school = any(6.0 <= a < 21.0 for a in ages)
        component = (
            school
            or any(a < 6.0 or a >= 60.0 for a in ages)
            or any(m.disabled for f in families for m in f)
        )
        pkh = component and r() < _P_PKH[desil]
        bpnt = r() < (0.9 if pkh else _P_BPNT[desil])
        pbi = r() < _P_PBI[desil]
        pip = school and r() < _P_PIP[desil]

        # ---- identity numbers (after trimming: no serial is wasted)
        region = plan.region
        out_families = []
        for number, members in enumerate(families, 1):
            youngest = max(m.birth_date for m in members).toordinal()
            first = max(youngest + 1, _EARLIEST_KK)
            issue = first + int(r() * (ref_ord - first)) if first < ref_ord else ref_ord
            serial, issue = _next_serial(kk_serials, region, issue, None, ref_ord)
            d = fromordinal(issue)
            kk = f"{region}{d.day:02d}{d.month:02d}{d.year % 100:02d}{serial:04d}"
            for m in members:
                female = m.sex == SEX_FEMALE
                b = m.birth_date
                key = (region, b, female)
                serial = nik_serials.get(key, 0) + 1
                if serial <= 9999:
                    nik_serials[key] = serial
                else:  # this day is full: move the birth date to a free one
                    serial, bord = _next_serial(nik_serials, region, b.toordinal(), female, ref_ord)
                    b = m.birth_date = fromordinal(bord)
                day = b.day + 40 if female else b.day
                m.nik = f"{region}{day:02d}{b.month:02d}{b.year % 100:02d}{serial:04d}"
            out_families.append(Family(kk, d, number, members))

        plan.sequence += 1
        slot = plan.slots[int(r() * len(plan.slots))]
        addresses = slot[3]
        yield Household(
            f"{plan.digits}{plan.sequence:08d}",
            plan.village,
            addresses[int(r() * len(addresses))] if len(addresses) > 1 else addresses[0],
            slot[0],
            slot[1],
            slot[2],
            desil,
            percentile,
            pkh,
            bpnt,
            pbi,
            pip,
            pkh or bpnt,
            out_families,
        )


# --------------------------------------------------------------------------
# Writers
# --------------------------------------------------------------------------

LAYOUTS = ("dtks", "bdt2015", "dtsen")

HEADERS = {
    # A SIKS-NG / DTKS extract as village operators receive it (one row per person).
    # KODE WILAYAH: Kemendagri "32.04.17.2001"; flags YA/TIDAK; HUBUNGAN KELUARGA:
    # code 1-11 or name (relation_as).
    "dtks": (
        "ID DTKS", "PROVINSI", "KABUPATEN/KOTA", "KECAMATAN", "DESA/KELURAHAN",
        "KODE WILAYAH", "ALAMAT", "DUSUN", "RT", "RW", "NO KK", "NIK", "NAMA",
        "TEMPAT LAHIR", "TANGGAL LAHIR", "JENIS KELAMIN", "NAMA IBU KANDUNG",
        "HUBUNGAN KELUARGA", "PEKERJAAN", "DISABILITAS", "PKH", "BPNT", "PBI JK", "PIP",
        "DESIL",
    ),
    # The BDT 2015 member table: BPS region codes, BDT relation codes
    # (BDT_RELATION_CODES), JnsKel 1/2, flags 1/0, IDARTBDT = IDBDT + member no.
    "bdt2015": (
        "IDBDT", "IDARTBDT", "KDPROP", "KDKAB", "KDKEC", "KDDESA", "NoPesertaPKH", "Nama",
        "JnsKel", "TmpLahir", "TglLahir", "NIK", "NoKK", "Hub_KRT", "NUK", "Hubkel", "Umur",
        "Sta_kawin", "Sta_keberadaan_art", "Ada_kks", "Ada_pbi", "Ada_kip", "Ada_pkh",
        "Ada_BPNT", "namagadis_ibukandung", "percentile",
    ),
    # A DTSEN extract (the format is still changing): kode_desa without dots
    # ("3204172001"), jenis_kelamin 1/2, flags 1/0, id_keluarga = ID DTKS + NUK.
    "dtsen": (
        "id_keluarga", "kode_desa", "alamat", "dusun", "rt", "rw", "nomor_kartu_keluarga",
        "nomor_induk_kependudukan", "nama", "tempat_lahir", "tanggal_lahir", "jenis_kelamin",
        "hubungan_keluarga", "nama_ibu_kandung", "desil_nasional", "bansos_pkh", "bansos_bpnt",
        "pbi_jkn",
    ),
}  # fmt: skip

_DEFAULT_DATE_STYLE = {"dtks": "dmy-dash", "bdt2015": "dmy-dash", "dtsen": "iso"}

#: date_style -> (text template, Excel number format)
DATE_STYLES = {
    "dmy-dash": ("{d:02d}-{m:02d}-{y:04d}", "DD-MM-YYYY"),
    "dmy-slash": ("{d:02d}/{m:02d}/{y:04d}", "DD/MM/YYYY"),
    "iso": ("{y:04d}-{m:02d}-{d:02d}", "YYYY-MM-DD"),
}

_SHEET_TITLES = {"dtks": "DTKS", "bdt2015": "BDT2015", "dtsen": "DTSEN"}


def _column(layout: str, *names: str) -> tuple[int, ...]:
    return tuple(HEADERS[layout].index(n) for n in names)


# Columns written as Excel text cells (format "@"), and the birth-date column.
_TEXT_COLUMNS = {
    "dtks": _column("dtks", "ID DTKS", "KODE WILAYAH", "RT", "RW", "NO KK", "NIK"),
    "bdt2015": _column(
        "bdt2015",
        "IDBDT",
        "IDARTBDT",
        "KDPROP",
        "KDKAB",
        "KDKEC",
        "KDDESA",
        "NoPesertaPKH",
        "NIK",
        "NoKK",
    ),
    "dtsen": _column(
        "dtsen",
        "id_keluarga",
        "kode_desa",
        "rt",
        "rw",
        "nomor_kartu_keluarga",
        "nomor_induk_kependudukan",
    ),
}
_DATE_COLUMN = {
    "dtks": HEADERS["dtks"].index("TANGGAL LAHIR"),
    "bdt2015": HEADERS["bdt2015"].index("TglLahir"),
    "dtsen": HEADERS["dtsen"].index("tanggal_lahir"),
}


@dataclass(frozen=True, slots=True)
class ExtractStats:
    """What :func:`write_extract` wrote (``rows`` excludes header rows)."""

    path: Path
    layout: str
    fmt: str
    rows: int
    households: int
    families: int


class _Counter:
    __slots__ = ("households", "families", "rows")

    def __init__(self) -> None:
        self.households = self.families = self.rows = 0


def _date_formatter(style: str, as_date: bool):
    if as_date:
        return lambda d: d
    template = DATE_STYLES[style][0]
    cache: dict[date, str] = {}

    def fmt(d: date) -> str:
        text = cache.get(d)
        if text is None:
            text = cache[d] = template.format(d=d.day, m=d.month, y=d.year)
        return text

    return fmt


def _rows_dtks(households, count, fmt_date, relation_as, **_):
    yes_no = ("TIDAK", "YA")
    sex_words = {SEX_MALE: "LAKI-LAKI", SEX_FEMALE: "PEREMPUAN"}
    relations = RELATION_NAMES if relation_as == "name" else {k: k for k in RELATION_NAMES}
    for h in households:
        v = h.village
        head = [
            h.register_id,
            v.province,
            v.regency,
            v.district,
            v.name,
            v.code,
            h.address,
            h.dusun,
            h.rt,
            h.rw,
        ]
        tail = [yes_no[h.pkh], yes_no[h.bpnt], yes_no[h.pbi], yes_no[h.pip], h.desil]
        rows = []
        for f in h.families:
            kk = f.kk
            for m in f.members:
                rows.append(
                    head
                    + [
                        kk,
                        m.nik,
                        m.name,
                        m.birth_place,
                        fmt_date(m.birth_date),
                        sex_words[m.sex],
                        m.mother_name,
                        relations[m.relation],
                        m.occupation,
                        yes_no[m.disabled],
                    ]
                    + tail
                )
        count.households += 1
        count.families += len(h.families)
        count.rows += len(rows)
        yield rows


def _rows_bdt2015(households, count, fmt_date, bps_codes, reference, **_):
    sex_codes = {SEX_MALE: 1, SEX_FEMALE: 2}
    bdt = BDT_RELATION_CODES
    ref_year, ref_md = reference.year, (reference.month, reference.day)
    split: dict[str, list[str]] = {}
    for h in households:
        code = h.village.code
        parts = split.get(code)
        if parts is None:
            bps = bps_codes.get(code) if bps_codes is not None else None
            if bps is None:
                bps = bps_code_for(code)
            if not (len(bps) == 10 and bps.isdigit()):
                raise ValueError(f"Kode BPS desa harus 10 digit: {bps!r} (desa {code}).")
            parts = split[code] = [bps, bps[:2], bps[2:4], bps[4:7], bps[7:]]
        bps = parts[0]
        seq = h.register_id[-8:]
        idbdt = bps + seq
        pkh_no = f"{bps}{int(seq):06d}" if h.pkh else ""
        tail = [1, int(h.kks), int(h.pbi), int(h.pip), int(h.pkh), int(h.bpnt)]
        percentile = h.percentile
        rows = []
        k = 0
        for f in h.families:
            kk, nuk = f.kk, f.number
            for m in f.members:
                k += 1
                b = m.birth_date
                age = ref_year - b.year - (ref_md < (b.month, b.day))
                rows.append(
                    [idbdt, f"{idbdt}{k:02d}"]
                    + parts[1:]
                    + [
                        pkh_no,
                        m.name,
                        sex_codes[m.sex],
                        m.birth_place,
                        fmt_date(b),
                        m.nik,
                        kk,
                        bdt[m.household_relation],
                        nuk,
                        bdt[m.relation],
                        age,
                        m.marital,
                    ]
                    + tail
                    + [m.mother_name, percentile]
                )
        count.households += 1
        count.families += len(h.families)
        count.rows += len(rows)
        yield rows


def _rows_dtsen(households, count, fmt_date, relation_as, **_):
    sex_codes = {SEX_MALE: 1, SEX_FEMALE: 2}
    relations = RELATION_NAMES if relation_as == "name" else {k: k for k in RELATION_NAMES}
    for h in households:
        head = [h.village.digits, h.address, h.dusun, h.rt, h.rw]
        tail = [h.desil, int(h.pkh), int(h.bpnt), int(h.pbi)]
        rows = []
        for f in h.families:
            family_id = f"{h.register_id}{f.number:02d}"
            kk = f.kk
            for m in f.members:
                rows.append(
                    [family_id]
                    + head
                    + [
                        kk,
                        m.nik,
                        m.name,
                        m.birth_place,
                        fmt_date(m.birth_date),
                        sex_codes[m.sex],
                        relations[m.relation],
                        m.mother_name,
                    ]
                    + tail
                )
        count.households += 1
        count.families += len(h.families)
        count.rows += len(rows)
        yield rows


_ROW_BUILDERS = {"dtks": _rows_dtks, "bdt2015": _rows_bdt2015, "dtsen": _rows_dtsen}


def _format_from_path(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return "xlsx"
    return "csv"


def write_households(
    path: str | Path,
    households: Iterable[Household],
    *,
    layout: str = "dtks",
    fmt: str | None = None,
    delimiter: str = ",",
    encoding: str = "utf-8",
    bps_codes: Mapping[str, str] | None = None,
    date_style: str | None = None,
    relation_as: str = "code",
    numbered_header: bool = False,
    xlsx_dates: str = "date",
    reference_date: date = DEFAULT_REFERENCE_DATE,
) -> ExtractStats:
    """Write ``households`` to ``path`` in one layout; see :func:`write_extract`."""
    path = Path(path)
    if layout not in HEADERS:
        raise ValueError(f"Layout tidak dikenal: {layout!r} (pilih: {', '.join(LAYOUTS)}).")
    fmt = fmt or _format_from_path(path)
    if fmt not in ("csv", "xlsx"):
        raise ValueError(f"Format tidak dikenal: {fmt!r} (pilih: csv, xlsx).")
    style = date_style or _DEFAULT_DATE_STYLE[layout]
    if style not in DATE_STYLES:
        choices = ", ".join(DATE_STYLES)
        raise ValueError(f"Gaya tanggal tidak dikenal: {style!r} (pilih: {choices}).")
    if relation_as not in ("code", "name"):
        raise ValueError(f"relation_as harus 'code' atau 'name', bukan {relation_as!r}.")
    if xlsx_dates not in ("date", "text"):
        raise ValueError(f"xlsx_dates harus 'date' atau 'text', bukan {xlsx_dates!r}.")

    headers = [list(HEADERS[layout])]
    if numbered_header:
        headers.append([f"KOLOM {i}" for i in range(1, len(HEADERS[layout]) + 1)])
    as_date = fmt == "xlsx" and xlsx_dates == "date"
    count = _Counter()
    chunks = _ROW_BUILDERS[layout](
        households,
        count,
        fmt_date=_date_formatter(style, as_date),
        relation_as=relation_as,
        bps_codes=bps_codes,
        reference=reference_date,
    )
    if fmt == "csv":
        _write_csv(path, headers, chunks, delimiter=delimiter, encoding=encoding)
    else:
        _write_xlsx(
            path, headers, chunks, layout=layout, date_format=DATE_STYLES[style][1], as_date=as_date
        )
    return ExtractStats(path, layout, fmt, count.rows, count.households, count.families)


def _write_csv(path: Path, headers, chunks, *, delimiter: str, encoding: str) -> None:
    if len(delimiter) != 1:
        raise ValueError(f"Pemisah CSV harus satu karakter, bukan {delimiter!r}.")
    with path.open("w", newline="", encoding=encoding) as out:
        writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
        writer.writerows(headers)
        buffer: list[list] = []
        extend = buffer.extend
        for rows in chunks:
            extend(rows)
            if len(buffer) >= 20_000:
                writer.writerows(buffer)
                buffer.clear()
        writer.writerows(buffer)


def _write_xlsx(path: Path, headers, chunks, *, layout: str, date_format: str, as_date: bool):
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_SHEET_TITLES[layout])
    for row in headers:
        ws.append(row)
    # One styled cell per column, reused: write-only sheets serialise a row
    # as soon as it is appended.
    styled = []
    for index in _TEXT_COLUMNS[layout]:
        cell = WriteOnlyCell(ws)
        cell.number_format = "@"
        styled.append((index, cell))
    if as_date:
        cell = WriteOnlyCell(ws)
        cell.number_format = date_format
        styled.append((_DATE_COLUMN[layout], cell))
    append = ws.append
    for rows in chunks:
        for row in rows:
            for index, cell in styled:
                cell.value = row[index]
                row[index] = cell
            append(row)
    wb.save(path)


def write_extract(
    path: str | Path,
    *,
    layout: str = "dtks",
    people: int,
    villages: Sequence[str | Village] = tuple(DEMO_VILLAGES),
    seed: int = 1,
    fmt: str | None = None,
    delimiter: str = ",",
    encoding: str = "utf-8",
    bps_codes: Mapping[str, str] | None = None,
    date_style: str | None = None,
    relation_as: str = "code",
    numbered_header: bool = False,
    xlsx_dates: str = "date",
    reference_date: date = DEFAULT_REFERENCE_DATE,
) -> ExtractStats:
    """Generate ``people`` persons and write them as a register extract.

    * ``layout``: "dtks", "bdt2015" or "dtsen" (:data:`HEADERS`);
    * ``fmt``: "csv" or "xlsx" (default: from the file extension, else csv);
      ``delimiter`` and ``encoding`` ("utf-8", "utf-8-sig", "cp1252") are for CSV;
    * ``bps_codes``: village code -> 10-digit BPS desa code for bdt2015
      (missing villages: :func:`bps_code_for`);
    * ``date_style``: "dmy-dash" (DD-MM-YYYY), "dmy-slash" or "iso"; default
      dmy-dash, iso for dtsen. ``xlsx_dates``: "date" (real Excel dates in that
      format) or "text";
    * ``relation_as``: "code" (1-11) or "name" (dtks, dtsen; BDT always codes);
    * ``numbered_header``: add a second header row "KOLOM 1", "KOLOM 2"...
    """
    households = generate_households(
        people=people, villages=villages, seed=seed, reference_date=reference_date
    )
    return write_households(
        path,
        households,
        layout=layout,
        fmt=fmt,
        delimiter=delimiter,
        encoding=encoding,
        bps_codes=bps_codes,
        date_style=date_style,
        relation_as=relation_as,
        numbered_header=numbered_header,
        xlsx_dates=xlsx_dates,
        reference_date=reference_date,
    )
