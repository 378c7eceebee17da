"""Turning the rows of a register extract into clean records, with every problem found.

One :class:`RowChecker` per import: it knows the columns of the file and the villages
the import may touch, and turns each row into a :class:`PersonRecord` or a list of
:class:`Problem` (row number, column, value, reason in Indonesian). It never touches
the database; the store does, after all rows were checked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from operator import itemgetter

from django.utils.translation import gettext as _

from beneficiaries.identity import IdentityError, parse_kk, parse_nik, sex_mismatch_warning
from beneficiaries.names import name_key
from puskesos.models import Village

from . import values

ERROR = "galat"
WARNING = "peringatan"

# Presence codes/words → Person.status values.
PRESENCE_STATUS = {
    "ada": "ada",
    "baru": "ada",
    "meninggal": "meninggal",
    "pindah": "pindah",
    "tidak_ditemukan": "tidak_ada",
}


@dataclass(slots=True)
class Problem:
    row: int
    column: str
    value: str
    reason: str
    level: str = ERROR


@dataclass(slots=True)
class PersonRecord:
    row: int
    register_id: str
    village_id: int
    address: str
    dusun: str
    rt: str
    rw: str
    desil: int | None
    percentile: int | None
    no_kk: str | None
    nik: str | None
    member_id: str | None
    name: str
    name_key: str
    birth_place: str
    birth_date: date | None
    sex: str
    relation: int | None
    mother_name: str
    occupation: str
    disability: bool
    status: str
    pkh: bool
    bpnt: bool
    pbi: bool
    pip: bool


class VillageResolver:
    """Which village a row belongs to, within the villages the import may touch.

    A desa-level import puts every row in that desa (a row that names another desa
    is a problem); a kecamatan- or kabupaten-level import needs each row's Kemendagri
    code, BPS code, or kecamatan and desa names.
    """

    def __init__(self, villages: list[Village], *, fixed: Village | None):
        self.fixed = fixed
        self.by_code = {v.code: v for v in villages}
        self.by_bps = {v.bps_code: v for v in villages if v.bps_code}
        self.by_names: dict[tuple[str, str], Village] = {}
        self.by_name: dict[str, list[Village]] = {}
        for v in villages:
            self.by_names[(_norm_name(v.district.name), _norm_name(v.name))] = v
            self.by_name.setdefault(_norm_name(v.name), []).append(v)

    def resolve(self, *, code=None, bps=None, district_name=None, village_name=None):
        """Return (village, None) or (None, reason)."""
        found = None
        if code:
            found = self.by_code.get(code)
            if found is None and self.fixed is not None:
                return None, _("Baris ini milik desa lain (kode %(code)s), bukan %(village)s.") % {
                    "code": code, "village": self.fixed}
            if found is None:
                return None, _("Kode wilayah %(code)s bukan desa dalam cakupan impor ini.") % {
                    "code": code
                }
        elif bps:
            found = self.by_bps.get(bps)
            if found is None:
                return None, _("Kode BPS %(code)s tidak dikenal dalam cakupan impor ini.") % {
                    "code": bps
                }
        elif village_name:
            key = _norm_name(village_name)
            if district_name:
                found = self.by_names.get((_norm_name(district_name), key))
            if found is None:
                candidates = self.by_name.get(key, [])
                found = candidates[0] if len(candidates) == 1 else None
            if found is None and self.fixed is None:
                return None, _("Desa %(name)s tidak dikenal dalam cakupan impor ini.") % {
                    "name": village_name
                }
            if found is None:
                return None, _("Baris ini milik desa lain (%(name)s), bukan %(village)s.") % {
                    "name": village_name,
                    "village": self.fixed.name,
                }
        if self.fixed is not None:
            if found is not None and found.pk != self.fixed.pk:
                return None, _("Baris ini milik desa lain (%(name)s), bukan %(village)s.") % {
                    "name": found.name,
                    "village": self.fixed.name,
                }
            return self.fixed, None
        if found is None:
            return None, _("Desa tidak bisa ditentukan: isi kolom kode wilayah atau nama desa.")
        return found, None


def _norm_name(value: str) -> str:
    text = str(value).upper()
    for prefix in ("DESA ", "KELURAHAN ", "KEL. ", "KEC. ", "KECAMATAN "):
        if text.startswith(prefix):
            text = text[len(prefix) :]
    return "".join(text.split())


def _disability(value) -> bool:
    """DISABILITAS may be a flag (YA/TIDAK, 1/0) or the kind of disability written out."""
    if value is None or value == "":
        return False
    try:
        return values.parse_flag(value)
    except ValueError:
        return True


def _parsed(raw: dict, field: str, parser, *args, **kwargs):
    """As ``check`` parses a column: None when absent or empty, else ``parser(value)``."""
    value = raw.get(field)
    if value is None or value == "":
        return None
    return parser(value, *args, **kwargs)


def _shown(value) -> str:
    return "" if value is None else str(value)


#: Columns whose meaning depends on other columns in ways only :meth:`RowChecker.check`
#: handles (BPS region codes, percentile, combined place/date of birth): a file with
#: any of them is checked the general way only.
_GENERAL_ONLY = frozenset(
    {"birth_place_date", "bps_province", "bps_regency", "bps_district", "bps_village",
     "percentile"}
)
#: Values remembered per distinct value (or combination), at most this many per table.
_MEMO_MAX = 200_000
_FAILED = object()

# The fast path reads columns in groups whose values repeat together; each group is
# parsed once per distinct combination of raw values (see RowChecker._group).
# Household: the same on every row of a household (rows of a household are adjacent).
_HOUSEHOLD = ("village_code", "district_name", "village_name", "address", "dusun", "rt", "rw",
              "desil", "flag_pkh", "flag_bpnt")  # fmt: skip
# Per person, but few distinct combinations.
_CODES = ("sex", "relation", "disability", "flag_pbi", "flag_pip", "presence")
_PLACE_WORK = ("birth_place", "occupation")


class RowChecker:
    """Checks the rows of one extract. Build once, call :meth:`check` per row.

    :meth:`check_fast` is the fast path for the common row (every value in its usual
    form, nothing to report): it returns the row ready for the :class:`~.store.Collector`
    or None, and then :meth:`check` says what is wrong. Both give the same record for
    the same row: the fast path reuses the same parsers, remembering their answers per
    distinct value (a register repeats its villages, dates, places and flags).
    """

    def __init__(
        self,
        *,
        fields: list[str],
        headers: dict[str, str],
        layout: str,
        resolver: VillageResolver,
        today: date,
    ):
        self.layout = layout
        self.headers = headers
        self.resolver = resolver
        self.today = today
        self.ix = {field: i for i, field in enumerate(fields)}
        self.width = len(fields)
        self.fast = layout != "bdt2015" and not (_GENERAL_ONLY & set(fields))
        self._groups = {
            name: self._getter(group)
            for name, group in (("household", _HOUSEHOLD), ("codes", _CODES),
                                ("place_work", _PLACE_WORK))
        }  # fmt: skip
        self._memos: dict[str, dict] = {name: {} for name in ("household", "codes",
                                                               "place_work", "mother_name",
                                                               "name", "nik", "no_kk",
                                                               "birth_date")}  # fmt: skip
        self._last_household: tuple = (None, None)
        self._last_kk: str | None = None
        self._last_register_id: tuple = (None, None)

    def _getter(self, group: tuple[str, ...]):
        """A function giving the raw values of ``group``'s columns present in the file."""
        indices = [self.ix[f] for f in group if f in self.ix]
        present = tuple(f for f in group if f in self.ix)
        if not indices:
            return present, lambda cells: ()
        if len(indices) == 1:
            index = indices[0]
            return present, lambda cells: (cells[index],)
        return present, itemgetter(*indices)

    def header(self, field: str) -> str:
        return self.headers.get(field, field)

    def check_fast(self, row: int, cells) -> tuple | None:
        """The row as ``(row, register_id, village_id, no_kk, nik, member_id, address,
        dusun, rt, rw, desil, percentile, pkh, bpnt, spool line)`` if it is valid and
        raises no warning; None otherwise (then call :meth:`check`)."""
        if not self.fast or len(cells) != self.width:
            return None
        ix = self.ix
        memos = self._memos
        # Identity: 16 digits, valid region and date (remembered per first 12 digits),
        # serial not 0000. Anything else goes the general way, which says why.
        i = ix.get("nik")
        nik = cells[i] if i is not None else None
        born = None
        if nik == "" or nik is None:
            nik = None
        else:
            if nik.__class__ is not str or len(nik) != 16 or not nik.isdigit() or (
                not nik.isascii() or nik.endswith("0000")
            ):
                return None
            born = memos["nik"].get(nik[:12])
            if born is None:
                born = self._identity("nik", nik)
                if born is None:
                    return None
        member_id = None
        i = ix.get("member_id")
        if i is not None and cells[i] != "":
            member_id = values.clean_text(cells[i])
        if nik is None and member_id is None:
            return None
        i = ix.get("no_kk")
        no_kk = cells[i] if i is not None else ""
        if no_kk != self._last_kk:
            if no_kk.__class__ is not str or len(no_kk) != 16 or not no_kk.isdigit() or (
                not no_kk.isascii() or no_kk.endswith("0000")
            ):
                return None
            if memos["no_kk"].get(no_kk[:12]) is None and self._identity("no_kk", no_kk) is None:
                return None
            self._last_kk = no_kk
        raw = cells[ix["register_id"]]
        last = self._last_register_id
        if raw == last[0]:
            register_id = last[1]
        else:
            register_id = values.clean_text(raw)
            if not register_id:
                return None
            self._last_register_id = (raw, register_id)

        household = self._group("household", cells)
        codes = self._group("codes", cells)
        place_work = self._group("place_work", cells)
        if household is None or codes is None or place_work is None:
            return None
        raw = cells[ix["name"]]
        named = memos["name"].get(raw)
        if named is None:
            named = self._remember("name", raw, self._name)
            if named is _FAILED:
                return None
        i = ix.get("mother_name")
        mother = ""
        if i is not None and cells[i] != "":
            mother = memos["mother_name"].get(cells[i])
            if mother is None:
                mother = self._remember(
                    "mother_name", cells[i], values.clean_text, upper=True, max_length=150
                )
                if mother is _FAILED:
                    return None
                mother = mother or ""
        i = ix.get("birth_date")
        if i is None:
            return None
        birth_date = memos["birth_date"].get(cells[i])
        if birth_date is None:
            birth_date = self._remember("birth_date", cells[i], values.parse_date)
            if birth_date is _FAILED or birth_date is None:
                return None
        sex, relation, disability, pbi, pip, status = codes
        if born is not None:
            if birth_date != born[0] or (sex is not None and sex != born[1]):
                return None  # a warning to report: the general way
            sex = born[1]
        village_id, address, dusun, rt, rw, desil, pkh, bpnt = household
        line = "\t".join((
            str(row), register_id, str(village_id), no_kk, nik or "\\N",
            "\\N" if member_id is None else member_id, named[0], named[1], place_work[0],
            birth_date.isoformat(), sex or "", "\\N" if relation is None else str(relation),
            mother, place_work[1], disability, status, pbi, pip,
        ))  # fmt: skip
        if line.count("\\") != (nik is None) + (member_id is None) + (relation is None):
            return None  # a backslash in a value needs escaping: the general path does it
        return (
            row, register_id, village_id, no_kk, nik, member_id, address, dusun, rt, rw, desil,
            None, pkh, bpnt, line,
        )  # fmt: skip

    def _identity(self, kind: str, digits: str):
        """Check a NIK or KK by its first 12 digits (validity depends only on them and on
        the serial, checked by the caller); (birth date, sex) of a NIK, True for a KK,
        None if invalid."""
        key = digits[:12]
        try:
            if kind == "nik":
                info = parse_nik(key + "0001", today=self.today)
                found = (info.birth_date, info.sex)
            else:
                parse_kk(key + "0001", today=self.today)
                found = True
        except IdentityError:
            return None
        memo = self._memos[kind]
        if len(memo) < _MEMO_MAX:
            memo[key] = found
        return found

    def _remember(self, table: str, raw, parser, *args, **kwargs):
        """``parser(raw)``, remembered; _FAILED (not remembered) if it refuses the value."""
        try:
            value = parser(raw, *args, **kwargs)
        except ValueError:
            return _FAILED
        memo = self._memos[table]
        if len(memo) < _MEMO_MAX and value is not None:
            memo[raw] = value
        return value

    @staticmethod
    def _name(raw):
        name = values.clean_text(raw, upper=True, max_length=150)
        if not name:
            raise ValueError("empty")
        return name, name_key(name)

    def _group(self, group: str, cells):
        """The parsed values of a group of columns, or None if one is refused."""
        fields, getter = self._groups[group]
        key = getter(cells)
        if group == "household":
            last = self._last_household
            if key == last[0]:
                return last[1]
        memo = self._memos[group]
        found = memo.get(key)
        if found is None:
            raw = dict(zip(fields, key, strict=True))
            try:
                found = getattr(self, f"_parse_{group}")(raw)
            except ValueError:
                return None
            if found is None:
                return None
            if len(memo) < _MEMO_MAX:
                memo[key] = found
        if group == "household":
            self._last_household = (key, found)
        return found

    def _parse_household(self, raw: dict) -> tuple | None:
        code = raw.get("village_code")
        code = values.normalise_village_code(code) if code is not None and code != "" else None
        village, _reason = self.resolver.resolve(
            code=code, bps=None, district_name=raw.get("district_name"),
            village_name=raw.get("village_name"),
        )
        if village is None:
            return None
        return (
            village.pk,
            _parsed(raw, "address", values.clean_text, upper=True, max_length=255) or "",
            _parsed(raw, "dusun", values.clean_text, upper=True, max_length=60) or "",
            _parsed(raw, "rt", values.parse_rt_rw) or "",
            _parsed(raw, "rw", values.parse_rt_rw) or "",
            _parsed(raw, "desil", values.parse_desil),
            bool(_parsed(raw, "flag_pkh", values.parse_flag)),
            bool(_parsed(raw, "flag_bpnt", values.parse_flag)),
        )

    def _parse_codes(self, raw: dict) -> tuple:
        presence = _parsed(raw, "presence", values.parse_presence)
        return (
            _parsed(raw, "sex", values.parse_sex),
            _parsed(raw, "relation", values.parse_relation),
            "t" if _disability(raw.get("disability")) else "f",
            "t" if _parsed(raw, "flag_pbi", values.parse_flag) else "f",
            "t" if _parsed(raw, "flag_pip", values.parse_flag) else "f",
            PRESENCE_STATUS.get(presence, "ada") if presence else "ada",
        )

    def _parse_place_work(self, raw: dict) -> tuple:
        return (
            _parsed(raw, "birth_place", values.clean_text, upper=True, max_length=100) or "",
            _parsed(raw, "occupation", values.clean_text, upper=True, max_length=100) or "",
        )

    def check(self, row: int, cells: list) -> tuple[PersonRecord | None, list[Problem]]:
        ix = self.ix
        problems: list[Problem] = []

        def get(field):
            i = ix.get(field)
            return cells[i] if i is not None and i < len(cells) else None

        def fail(field, value, reason, level=ERROR):
            problems.append(Problem(row, self.header(field), _shown(value), str(reason), level))

        def parse(field, parser, *args, **kwargs):
            raw = get(field)
            if raw is None or raw == "":
                return None
            try:
                return parser(raw, *args, **kwargs)
            except ValueError as error:  # values.ValueProblem
                fail(field, raw, getattr(error, "message", str(error)))
                return None

        # Identity
        nik_raw = get("nik")
        nik = None
        nik_info = None
        if nik_raw is not None and nik_raw != "":
            try:
                nik_info = parse_nik(nik_raw, today=self.today)
                nik = nik_info.nik
            except IdentityError as error:
                fail("nik", nik_raw, error.message)
        member_id = parse("member_id", values.clean_text)
        if nik is None and member_id is None and not problems:
            fail("nik", nik_raw, _("NIK belum diisi dan tidak ada ID anggota register."))

        kk_raw = get("no_kk")
        no_kk = None
        if kk_raw is not None and kk_raw != "":
            try:
                no_kk = parse_kk(kk_raw, today=self.today)
            except IdentityError as error:
                fail("no_kk", kk_raw, error.message)
        elif self.layout != "bdt2015":
            fail("no_kk", kk_raw, _("Nomor KK belum diisi."))

        register_id = parse("register_id", values.clean_text)
        if not register_id:
            fail("register_id", get("register_id"), _("ID register (ID DTKS/IDBDT) belum diisi."))
        name = parse("name", values.clean_text, upper=True, max_length=150)
        if not name:
            fail("name", get("name"), _("Nama belum diisi."))

        # Birth
        birth_place = parse("birth_place", values.clean_text, upper=True, max_length=100) or ""
        birth_date = parse("birth_date", values.parse_date)
        if "birth_place_date" in ix and birth_date is None:
            split = parse("birth_place_date", values.split_birth_place_date)
            if split:
                birth_place = birth_place or split[0] or ""
                birth_date = split[1]
        sex = parse("sex", values.parse_sex)
        if nik_info is not None:
            if sex is None:
                sex = nik_info.sex
            else:
                warning = sex_mismatch_warning(nik_info, sex)
                if warning:
                    fail("sex", get("sex"), warning, WARNING)
            if birth_date is not None and birth_date != nik_info.birth_date:
                fail(
                    "birth_date",
                    get("birth_date"),
                    _("Tanggal lahir berbeda dengan yang tertulis di NIK (%(nik_date)s).")
                    % {"nik_date": nik_info.birth_date.strftime("%d-%m-%Y")},
                    WARNING,
                )

        if self.layout == "bdt2015" and "relation" in ix:
            relation = parse("relation", values.parse_bdt_relation, sex)
        else:
            relation = parse("relation", values.parse_relation)

        # Place
        village, reason = self.resolver.resolve(
            code=parse("village_code", values.normalise_village_code),
            bps=self._bps(get),
            district_name=get("district_name"),
            village_name=get("village_name"),
        )
        if village is None:
            column = "village_code" if "village_code" in ix else "village_name"
            fail(column, get(column), reason)

        desil = parse("desil", values.parse_desil)
        percentile = None
        if "percentile" in ix:
            percentile = parse("percentile", values.desil_from_percentile)
            raw_pct = get("percentile")
            if percentile is not None:
                desil = desil or percentile
                percentile = int(float(raw_pct))

        presence = parse("presence", values.parse_presence)

        if any(p.level == ERROR for p in problems):
            return None, problems
        record = PersonRecord(
            row=row,
            register_id=register_id,
            village_id=village.pk,
            address=parse("address", values.clean_text, upper=True, max_length=255) or "",
            dusun=parse("dusun", values.clean_text, upper=True, max_length=60) or "",
            rt=parse("rt", values.parse_rt_rw) or "",
            rw=parse("rw", values.parse_rt_rw) or "",
            desil=desil,
            percentile=percentile,
            no_kk=no_kk,
            nik=nik,
            member_id=member_id,
            name=name,
            name_key=name_key(name),
            birth_place=birth_place,
            birth_date=birth_date,
            sex=sex or "",
            relation=relation,
            mother_name=parse("mother_name", values.clean_text, upper=True, max_length=150) or "",
            occupation=parse("occupation", values.clean_text, upper=True, max_length=100) or "",
            disability=_disability(get("disability")),
            status=PRESENCE_STATUS.get(presence, "ada") if presence else "ada",
            pkh=bool(parse("flag_pkh", values.parse_flag)),
            bpnt=bool(parse("flag_bpnt", values.parse_flag)),
            pbi=bool(parse("flag_pbi", values.parse_flag)),
            pip=bool(parse("flag_pip", values.parse_flag)),
        )
        # Value problems found while building the record (e.g. a bad RT) are errors too.
        if any(p.level == ERROR for p in problems):
            return None, problems
        return record, problems

    def _bps(self, get) -> str | None:
        if "bps_village" not in self.ix:
            return None
        parts = [get(f) for f in ("bps_province", "bps_regency", "bps_district", "bps_village")]
        if any(p is None or p == "" for p in parts):
            return None
        try:
            return values.split_bps(*parts)
        except ValueError:
            return None
