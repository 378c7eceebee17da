"""Turning the rows of a register extract into clean records, with every problem found.

One :class:`RowChecker` per import: it knows the columns of the file and the villages
the import may touch, and turns each row into a :class:`PersonRecord` or a list of
:class:`Problem` (row number, column, value, reason in Indonesian). It never touches
the database; the store does, after all rows were checked.

A million-row extract is checked at a few microseconds a row: the common row (every
value in its usual form, nothing to report) takes a fast path, per row
(:meth:`RowChecker.check_fast`) or per stretch of rows, column by column
(:meth:`RowChecker.check_many`), that reuses the same parsers but remembers their
answer for each distinct value. Any row the fast path does not vouch for goes through
:meth:`RowChecker.check`, which says what is wrong, so both give the same result
(``tests/beneficiaries/test_import.py`` compares them on a file full of problems).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from itertools import repeat
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


_FIRST = itemgetter(0)
_SECOND = itemgetter(1)
_REGION = itemgetter(slice(0, 6))
_DATE = itemgetter(slice(6, 12))
# A valid region and a valid date, to check the other half of a NIK or KK alone.
_VALID_REGION = "320417"
_VALID_DATE = "010190"
_SERIAL = itemgetter(slice(12, 16))


def _agrees(stated, from_nik) -> bool:
    return stated is None or stated == from_nik


def _RELATION_TEXT(relation) -> str:  # noqa: N802 - used like a constant table
    return "\\N" if relation is None else str(relation)


def _clean_address(raw) -> str:
    if raw is None or raw == "":
        return ""
    return values.clean_text(raw, upper=True, max_length=255) or ""


def _mapped(memo: dict, keys, compute) -> list | None:
    """``compute(key)`` for every key, remembered in ``memo``; None if one is refused
    (``compute`` raises ValueError or returns None)."""
    found = list(map(memo.get, keys))
    if None in found:
        for j, value in enumerate(found):
            if value is None:
                key = keys[j]
                value = memo.get(key)
                if value is None:
                    try:
                        value = compute(key)
                    except ValueError:
                        return None
                    if value is None:
                        return None
                    if len(memo) < _MEMO_MAX:
                        memo[key] = value
                found[j] = value
    return found


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
_HOUSEHOLD_REST = ("dusun", "rt", "rw", "desil", "flag_pkh", "flag_bpnt")
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
                                                               "name", "nik_region",
                                                               "nik_date", "no_kk_region",
                                                               "no_kk_date",
                                                               "birth_date")}  # fmt: skip
        self._village_ids: dict[tuple, int] = {}
        self._household_rest: dict[tuple, tuple] = {}
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
            born = memos["nik_date"].get(nik[6:12])
            if not born or not memos["nik_region"].get(nik[:6]):
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
            if self._identity("no_kk", no_kk) is None:
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

    def check_many(self, rows: list) -> list[tuple] | None:
        """:meth:`check_fast` for a stretch of rows at once, column by column (the loops
        run in C: ``map``, ``zip``, ``join``); None unless *every* row passes (then check
        them one by one)."""
        if not self.fast or not rows or "member_id" in self.ix:
            return None
        table = list(map(_SECOND, rows))
        if set(map(len, table)) != {self.width}:
            return None
        columns = list(zip(*table, strict=True))
        del table
        try:
            return self._check_columns(list(map(_FIRST, rows)), columns)
        except (TypeError, AttributeError):  # not text (XLSX numbers, dates): one by one
            return None

    def _check_columns(self, numbers: list[int], columns: list[tuple]) -> list[tuple] | None:
        ix, memos, n = self.ix, self._memos, len(numbers)
        niks = columns[ix["nik"]] if "nik" in ix else None
        kks = columns[ix["no_kk"]] if "no_kk" in ix else None
        if niks is None or kks is None:
            return None
        born = []
        for kind, numbers_ in (("nik", niks), ("no_kk", kks)):
            joined = "".join(numbers_)
            if (
                len(joined) != 16 * n or set(map(len, numbers_)) != {16}
                or not joined.isdigit() or not joined.isascii()
                or "0000" in set(map(_SERIAL, numbers_))
            ):  # fmt: skip
                return None
            regions = memos[f"{kind}_region"]
            for region in set(map(_REGION, numbers_)):
                if not regions.get(region) and not self._identity_part(kind, "region", region):
                    return None
            found = list(map(memos[f"{kind}_date"].get, map(_DATE, numbers_)))
            if None in found or False in found:
                for j, value in enumerate(found):
                    if not value:
                        value = self._identity_part(kind, "date", numbers_[j][6:12])
                        if not value:
                            return None
                        found[j] = value
            if kind == "nik":
                born = found
        register_ids = columns[ix["register_id"]]
        joined = "\x00".join(register_ids)
        if min(map(len, register_ids)) == 0 or len(joined.split()) != 1 or not joined.isascii():
            return None  # empty, or spaces to clean: one by one

        def column(field):
            return columns[ix[field]] if field in ix else repeat(None, n)

        villages = _mapped(
            self._village_ids,
            list(zip(*map(column, ("village_code", "district_name", "village_name")), strict=True)),
            self._village_id,
        )
        rest = _mapped(
            self._household_rest,
            list(zip(*map(column, _HOUSEHOLD_REST), strict=True)),
            self._parse_household_rest,
        )
        addresses = _mapped(
            {"": ""},  # an address is shared by a household's rows only
            columns[ix["address"]] if "address" in ix else [""] * n,
            _clean_address,
        )
        codes = self._column_group("codes", columns, n)
        place_work = self._column_group("place_work", columns, n)
        if None in (villages, rest, addresses, codes, place_work):
            return None
        names = self._column_values("name", columns, self._name)
        mothers = self._column_values(
            "mother_name", columns, values.clean_text, upper=True, max_length=150
        )
        dates = self._column_values("birth_date", columns, values.parse_date)
        if names is None or mothers is _FAILED or dates is None or None in dates:
            return None
        # The stated sex and birth date must agree with the NIK (else: a warning).
        if dates != list(map(_FIRST, born)):
            return None
        sexes = list(map(_SECOND, born))
        if not all(map(_agrees, map(_FIRST, codes), sexes)):
            return None
        text = "\x00".join(
            ["\x00".join(register_ids), *map(_FIRST, names), *map(_FIRST, place_work),
             *map(_SECOND, place_work), *(mothers or ())]
        )  # fmt: skip
        if "\\" in text:
            return None  # a backslash in a value needs escaping: one by one
        relations = map(_SECOND, codes)
        lines = list(
            map(
                "\t".join,
                zip(
                    map(str, numbers), register_ids, map(str, villages), kks, niks,
                    repeat("\\N"), map(_FIRST, names), map(_SECOND, names),
                    map(_FIRST, place_work), map(date.isoformat, dates), sexes,
                    map(_RELATION_TEXT, relations), mothers or repeat(""),
                    map(_SECOND, place_work), *(map(itemgetter(k), codes) for k in (2, 5, 3, 4)),
                ),
            )
        )  # fmt: skip
        return list(
            zip(
                numbers, register_ids, villages, kks, niks, repeat(None), addresses,
                *(map(itemgetter(k), rest) for k in (0, 1, 2, 3)), repeat(None),
                *(map(itemgetter(k), rest) for k in (4, 5)), lines,
            )
        )  # fmt: skip

    def _column_group(self, group: str, columns: list[tuple], n: int) -> list[tuple] | None:
        """Per row, the parsed values of a group of columns (see :meth:`_group`)."""
        fields, _getter = self._groups[group]
        keys = (
            list(zip(*(columns[self.ix[f]] for f in fields), strict=True)) if fields else [()] * n
        )
        memo = self._memos[group]
        found = list(map(memo.get, keys))
        if None in found:
            parse = getattr(self, f"_parse_{group}")
            for j, value in enumerate(found):
                if value is None:
                    value = memo.get(keys[j])
                    if value is None:
                        try:
                            value = parse(dict(zip(fields, keys[j], strict=True)))
                        except ValueError:
                            return None
                        if value is None:
                            return None
                        memo[keys[j]] = value
                    found[j] = value
            if len(memo) > _MEMO_MAX:
                memo.clear()
        return found

    def _column_values(self, field: str, columns: list[tuple], parser, **kwargs):
        """Per row, ``parser`` of one column, remembered per value; None if one is refused
        (_FAILED for an optional column, which may be absent: then None is returned)."""
        if field not in self.ix:
            return None
        column = columns[self.ix[field]]
        memo = self._memos[field]
        found = list(map(memo.get, column))
        if None in found:
            for j, value in enumerate(found):
                if value is None:
                    raw = column[j]
                    if raw == "" and field == "mother_name":
                        found[j] = ""
                        continue
                    value = self._remember(field, raw, parser, **kwargs)
                    if value is _FAILED or value is None:
                        return _FAILED if field == "mother_name" else None
                    found[j] = value
        return found

    def _identity(self, kind: str, digits: str):
        """Check a NIK or KK ("nik" or "no_kk") whose serial is not 0000: (birth date,
        sex) of a NIK, True for a KK, None if invalid."""
        memos = self._memos
        region = memos[f"{kind}_region"].get(digits[:6])
        if region is None:
            region = self._identity_part(kind, "region", digits[:6])
        if not region:
            return None
        found = memos[f"{kind}_date"].get(digits[6:12])
        if found is None:
            found = self._identity_part(kind, "date", digits[6:12])
        return found or None

    def _identity_part(self, kind: str, part: str, piece: str):
        """Whether the region (digits 1-6) or date (digits 7-12) of a NIK or KK is valid:
        identity.py checks them apart, so each is checked with a valid other half, once
        per distinct value. A date gives (birth date, sex) for a NIK. False if invalid."""
        digits = piece + _VALID_DATE if part == "region" else _VALID_REGION + piece
        try:
            if kind == "nik":
                info = parse_nik(digits + "0001", today=self.today)
                found = (info.birth_date, info.sex) if part == "date" else True
            else:
                parse_kk(digits + "0001", today=self.today)
                found = True
        except IdentityError:
            found = False
        memo = self._memos[f"{kind}_{part}"]
        if len(memo) < _MEMO_MAX:
            memo[piece] = found
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
        village_id = self._village_ids.get(
            place := (raw.get("village_code"), raw.get("district_name"), raw.get("village_name"))
        ) or self._village_id(place)
        if village_id is None:
            return None
        key = tuple(map(raw.get, _HOUSEHOLD_REST))
        rest = self._household_rest.get(key) or self._parse_household_rest(key)
        if len(self._household_rest) < _MEMO_MAX:
            self._household_rest[key] = rest
        return (village_id, _clean_address(raw.get("address")), *rest)

    def _village_id(self, place: tuple) -> int | None:
        """The village of (village code, kecamatan name, desa name), as ``check`` finds it."""
        code = place[0]
        code = values.normalise_village_code(code) if code is not None and code != "" else None
        village, _reason = self.resolver.resolve(
            code=code, bps=None, district_name=place[1], village_name=place[2]
        )
        if village is None:
            return None
        self._village_ids[place] = village.pk
        return village.pk

    @staticmethod
    def _parse_household_rest(raw: tuple) -> tuple:
        """Dusun, RT, RW, desil, PKH, BPNT (few combinations in a file)."""
        dusun, rt, rw, desil, pkh, bpnt = raw
        blank = ("", None)
        return (
            "" if dusun in blank else values.clean_text(dusun, upper=True, max_length=60) or "",
            "" if rt in blank else values.parse_rt_rw(rt) or "",
            "" if rw in blank else values.parse_rt_rw(rw) or "",
            None if desil in blank else values.parse_desil(desil),
            False if pkh in blank else bool(values.parse_flag(pkh)),
            False if bpnt in blank else bool(values.parse_flag(bpnt)),
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
