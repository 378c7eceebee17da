"""Register look-up (NIK, KK, name), household detail and the register list."""

from datetime import date

import pytest
from django.contrib.auth.models import User
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from beneficiaries.models import (
    Household,
    ImportBatch,
    Participation,
    Person,
    PersonPpks,
    PpksType,
)
from beneficiaries.names import name_key
from beneficiaries.selectors import household_detail, register_list, register_lookup
from puskesos.roles import Role
from tests.beneficiaries.factories import load_synthetic, make_household, make_kk, make_nik
from tests.factories import Org

FO = Role.FRONT_OFFICE


def fresh(user):
    """The user as a new request would load it (no cached staff profile)."""
    return User.objects.get(pk=user.pk)


def lookup(user, query, **filters):
    return register_lookup(user=user, query=query, **filters)


def names(result):
    return [hit.name for hit in result.hits]


def age_on(birth: date) -> int:
    today = timezone.localdate()
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


# ---------------------------------------------------------------------------
# NIK and KK
# ---------------------------------------------------------------------------


def test_nik_finds_the_person_with_what_the_desk_shows(org):
    born = date(1978, 8, 17)
    household = make_household(
        org.own,
        [{"name": "Siti Aminah", "sex": "P", "birth_date": born, "relation": 1,
          "programmes": ["pbi-jk"]},
         {"name": "Dede Ruhiyat", "programmes": ["pip"]}],
        address="KP. CIBEUREUM RT 003 RW 004", dusun="DUSUN CIBEUREUM", rt="003", rw="004",
        desil=1, programmes=["pkh", "bpnt"],
    )
    siti = household.members.get(name="Siti Aminah")
    Participation.objects.filter(person=siti).update(active=True)
    Participation.objects.create(household=household, programme_id=siti.participations.get()
                                 .programme.pk, person=None, source="meja", active=False)

    result = lookup(org.users[FO], siti.nik)

    assert result.kind == "nik"
    assert result.household == household and result.family == siti.family
    [hit] = result.hits
    assert hit.person_id == siti.pk and hit.name == "Siti Aminah"
    assert hit.masked_nik == siti.nik[:6] + "******" + siti.nik[-4:]
    assert siti.nik not in str(hit)
    assert (hit.sex, hit.age, hit.relation) == ("P", age_on(born), "Kepala Keluarga")
    assert (hit.address, hit.dusun, hit.rt, hit.rw) == (
        "KP. CIBEUREUM RT 003 RW 004", "DUSUN CIBEUREUM", "003", "004")
    assert (hit.desil, hit.village, hit.register_id) == (1, "Cimaung", household.register_id)
    # Her own programme and the household's, in catalogue order; not the child's PIP,
    # not an inactive row.
    assert hit.programmes == ("PKH", "Sembako/BPNT", "PBI-JK")
    assert (hit.status, hit.status_label, hit.score) == ("ada", "Ada", 1.0)


def test_nik_typed_with_spaces_or_dots_is_read_as_its_digits(org):
    person = make_household(org.own, ["Ujang Saepudin"]).members.get()
    spaced = " ".join([person.nik[:6], person.nik[6:12], person.nik[12:]])
    assert names(lookup(org.users[FO], spaced)) == ["Ujang Saepudin"]
    dotted = ".".join([person.nik[:4], person.nik[4:8], person.nik[8:12], person.nik[12:]])
    assert names(lookup(org.users[FO], dotted)) == ["Ujang Saepudin"]


def test_kk_finds_the_family_members_and_the_household(org):
    kk = make_kk()
    household = make_household(
        org.own, [{"name": "Ade Supriatna", "relation": 1},
                  {"name": "Euis Kurniasih", "relation": 3, "sex": "P"},
                  {"name": "Rizky Pratama", "relation": 4}], no_kk=kk)

    result = lookup(org.users[FO], kk)

    assert result.kind == "kk"
    assert result.family.no_kk == kk and result.household == household
    assert names(result) == ["Ade Supriatna", "Euis Kurniasih", "Rizky Pratama"]
    assert [h.relation for h in result.hits] == ["Kepala Keluarga", "Istri", "Anak"]


def test_a_nik_that_is_also_a_kk_number_says_so(org):
    number = make_nik(date(1990, 1, 1))
    make_household(org.own, ["Anak Kedua"], no_kk=number)
    person = make_household(org.own, [{"name": "Pemilik NIK", "nik": number}]).members.get()

    result = lookup(org.users[FO], number)

    assert result.kind == "nik" and [h.person_id for h in result.hits] == [person.pk]
    assert result.kk_family.no_kk == number
    assert "juga nomor KK" in result.hint


def test_nik_of_another_village_is_found_only_by_those_who_oversee_it(org):
    person = make_household(org.sibling, ["Tati Rohaeti"]).members.get()
    kk = person.family.no_kk

    for user in (org.users[FO], org.users[Role.COORDINATOR], org.foreign_manager):
        for number in (person.nik, kk):
            result = lookup(user, number)
            assert result.hits == [] and result.family is None, user
            assert "tidak ada di register" in result.hint
    for role in (Role.SUPERVISOR, Role.MANAGER):
        assert names(lookup(org.users[role], person.nik)) == ["Tati Rohaeti"]
        assert lookup(org.users[role], kk).kind == "kk"
    assert names(lookup(org.sibling_staff, person.nik)) == ["Tati Rohaeti"]


def test_a_nik_nobody_has_says_not_in_the_register_and_why_it_looks_wrong(org):
    result = lookup(org.users[FO], "3204170000000000")
    assert result.kind == "nik" and result.hits == []
    assert "tidak ada di register" in result.hint
    assert "Tanggal lahir pada NIK" in result.hint  # the digits cannot be a real NIK


@pytest.mark.parametrize("query", ["320417", "32041712019000011", "1234 5678"])
def test_other_numbers_give_only_a_hint(org, query, django_assert_num_queries):
    with django_assert_num_queries(0):
        result = lookup(org.users[FO], query)
    assert result.kind == "empty" and result.hits == []
    assert "16 digit" in result.hint


@pytest.mark.parametrize("query", ["", "   ", "as", "H.", "3.20417E+15"])
def test_empty_and_too_short_queries_search_nothing(org, query, django_assert_num_queries):
    with django_assert_num_queries(0):
        result = lookup(org.users[FO], query)
    assert result.kind == "empty" and result.hits == [] and result.hint


def test_excel_mangled_nik_explains_itself(org):
    assert "Excel" in lookup(org.users[FO], "3.20417E+15").hint


# ---------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------


def test_name_lookup_is_limited_to_the_users_villages(org):
    own = make_household(org.own, ["Asep Sunandar"]).members.get()
    sibling = make_household(org.sibling, ["Asep Sunandar"]).members.get()
    foreign = make_household(org.foreign_village, ["Asep Sunandar"]).members.get()

    def found(user):
        return {h.person_id for h in lookup(user, "asep sunandar").hits}

    assert found(org.users[FO]) == {own.pk}
    assert found(org.sibling_staff) == {sibling.pk}
    assert found(org.users[Role.SUPERVISOR]) == {own.pk, sibling.pk}
    assert found(org.users[Role.MANAGER]) == {own.pk, sibling.pk}
    assert found(org.foreign_manager) == {foreign.pk}


def test_name_hits_are_ranked_best_first_and_swapped_words_score_the_same(org):
    make_household(org.own, ["Dadang Suherman", "Dadan Suherman", "Dadang Sunarya"])
    result = lookup(org.users[FO], "Suherman Dadang")
    assert result.kind == "name"
    assert names(result)[:2] == ["Dadang Suherman", "Dadan Suherman"]
    assert result.hits[0].score == 1.0
    assert [h.score for h in result.hits] == sorted((h.score for h in result.hits), reverse=True)


def test_one_word_finds_the_people_bearing_it(org):
    make_household(org.own, ["Komarudin", "Komarudin Sutisna", "Ujang Komarudin", "Asep"])
    found = names(lookup(org.users[FO], "komarudin"))
    assert found[0] == "Komarudin"
    assert set(found[:3]) == {"Komarudin", "Komarudin Sutisna", "Ujang Komarudin"}
    assert "Asep" not in found


def test_nobody_similar_gives_an_empty_list_with_a_hint(org):
    make_household(org.own, ["Asep Sunandar"])
    result = lookup(org.users[FO], "Wolfgang Amadeus")
    assert result.kind == "name" and result.hits == []
    assert "Tidak ada nama yang mirip" in result.hint


def test_name_lookup_can_be_narrowed_by_village_dusun_rt_and_birth_year(org):
    supervisor = org.users[Role.SUPERVISOR]
    a = make_household(org.own, [{"name": "Dedi Kurniawan", "birth_date": date(1980, 1, 1)}],
                       dusun="DUSUN 1", rt="001").members.get()
    b = make_household(org.own, [{"name": "Dedi Kurniawan", "birth_date": date(1980, 12, 31)}],
                       dusun="DUSUN 2", rt="003").members.get()
    c = make_household(org.sibling, [{"name": "Dedi Kurniawan",
                                      "birth_date": date(1981, 1, 1)}],
                       dusun="DUSUN 1", rt="003").members.get()

    def found(**filters):
        return {h.person_id for h in lookup(supervisor, "DEDY KURNIAWAN", **filters).hits}

    assert found() == {a.pk, b.pk, c.pk}
    assert found(village=org.own) == {a.pk, b.pk}
    assert found(village=org.sibling.pk) == {c.pk}
    assert found(dusun="dusun 1") == {a.pk, c.pk}
    assert found(rt="3") == {b.pk, c.pk}
    assert found(rt="003", village=org.own) == {b.pk}
    assert found(birth_year=1980) == {a.pk, b.pk}
    assert found(birth_year=1981, dusun="DUSUN 1") == {c.pk}
    # A clerk cannot widen the scope with a filter.
    assert lookup(org.users[FO], "DEDI KURNIAWAN", village=org.sibling).hits == []


def test_people_who_moved_or_died_are_found_and_say_so(org):
    make_household(org.own, [{"name": "Entis Sutisna", "status": Person.Status.DIED}])
    [hit] = lookup(org.users[FO], "ENTIS SUTISNA").hits
    assert (hit.status, hit.status_label) == ("meninggal", "Meninggal")


def test_people_written_with_raw_sql_are_found_by_name(org):
    """The import writes with INSERT ... SELECT and upserts: the name index follows."""
    household = make_household(org.own, ["Kepala"])
    nik = make_nik(date(1985, 2, 3))
    columns = ("household_id, village_id, nik, name, name_key, birth_place, sex, "
               "mother_name, occupation, disability, status, updated_at")
    values = "%s, %s, %s, %s, %s, '', 'L', '', '', false, 'ada', %s"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO beneficiaries_person ({columns}) VALUES ({values})",
            [household.pk, org.own.pk, nik, "Tjetje Soemantri", name_key("Tjetje Soemantri"),
             timezone.now()],
        )
    assert names(lookup(org.users[FO], "CECE SUMANTRI")) == ["Tjetje Soemantri"]

    with connection.cursor() as cursor:  # an upsert that renames
        cursor.execute(
            f"INSERT INTO beneficiaries_person ({columns}) VALUES ({values}) "
            "ON CONFLICT (nik) DO UPDATE SET name = excluded.name, name_key = excluded.name_key",
            [household.pk, org.own.pk, nik, "Cece Rukmana", name_key("Cece Rukmana"),
             timezone.now()],
        )
    assert names(lookup(org.users[FO], "CECE RUKMANA")) == ["Cece Rukmana"]
    assert "Tjetje Soemantri" not in names(lookup(org.users[FO], "CECE SUMANTRI"))

    Person.objects.filter(nik=nik).delete()
    assert lookup(org.users[FO], "CECE RUKMANA").hits == []


def test_the_name_index_and_its_triggers_exist(db):
    """Guards against a later migration that rebuilds the person table (SQLite drops
    its triggers then): that migration must create them again."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' "
                           "AND tbl_name = 'beneficiaries_person'")
            expected = {f"beneficiaries_person_name_fts_{e}" for e in ("insert", "delete",
                                                                         "update")}
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal "
                           "AND tgrelid = 'beneficiaries_person'::regclass")
            expected = {"beneficiaries_person_names_insert", "beneficiaries_person_names_update"}
        assert expected <= {row[0] for row in cursor.fetchall()}


# ---------------------------------------------------------------------------
# Query counts
# ---------------------------------------------------------------------------


def _household_of(village, size, name="Nurhayati"):
    return make_household(
        village,
        [{"name": f"{name} {i:02d}", "programmes": ["pbi-jk"]} for i in range(size)],
        programmes=["pkh"],
    )


def _queries(user, query, **filters) -> tuple[int, int]:
    user = fresh(user)
    with CaptureQueriesContext(connection) as context:
        result = register_lookup(user=user, query=query, **filters)
    return len(context.captured_queries), len(result.hits)


def test_a_look_up_costs_the_same_few_queries_for_one_hit_or_twenty(org):
    few = _household_of(org.own, 2, name="Rohaeti")
    many = _household_of(org.own, 25, name="Sumiati")
    user = org.users[FO]

    by_name = [_queries(user, "ROHAETI"), _queries(user, "SUMIATI")]
    by_kk = [_queries(user, few.families.get().no_kk), _queries(user, many.families.get().no_kk)]
    by_nik = [_queries(user, few.members.first().nik), _queries(user, many.members.first().nik)]

    assert [hits for _q, hits in by_name] == [2, 20]
    assert [hits for _q, hits in by_kk] == [2, 25]
    # PostgreSQL may run a second, looser pass when the first finds fewer than the
    # limit: fewer hits can cost two more queries, more hits never do.
    assert by_name[1][0] <= by_name[0][0] <= 7
    assert by_kk[0][0] == by_kk[1][0] <= 3
    assert by_nik[0][0] == by_nik[1][0] <= 3


def test_look_up_query_count_has_a_ceiling(org, django_assert_max_num_queries):
    _household_of(org.own, 30)
    user = fresh(org.users[FO])
    with django_assert_max_num_queries(7):
        result = register_lookup(user=user, query="NURHAYATY", dusun="DUSUN 1", rt="1",
                                 birth_year=1980, limit=50)
    assert len(result.hits) == 30


# ---------------------------------------------------------------------------
# One household, the register list
# ---------------------------------------------------------------------------


def test_household_detail_shows_families_members_programmes_ppks_and_last_import(
    org, django_assert_max_num_queries
):
    batch = ImportBatch.objects.create(scope_code=org.own.code, village=org.own,
                                       file_name="dtks-cimaung.xlsx", checksum="0" * 64,
                                       layout="dtks", status="done")
    household = make_household(
        org.own,
        [{"name": "Oman Rohman", "relation": 1},
         {"name": "Iyah", "relation": 3, "sex": "P", "programmes": ["pbi-jk"]},
         {"name": "Ma Enoh", "relation": 7, "sex": "P", "birth_date": date(1940, 1, 1)}],
        programmes=["pkh"],
    )
    Household.objects.filter(pk=household.pk).update(last_batch=batch)
    second = household.families.create(no_kk=make_kk())
    Person.objects.create(household=household, family=second, village=org.own,
                          nik=make_nik(date(2000, 3, 3)), name="Anak Menikah", relation=1)
    grandma = household.members.get(name="Ma Enoh")
    PersonPpks.objects.create(person=grandma,
                              ppks_type=PpksType.objects.get(code="lansia-terlantar"))

    clerk = fresh(org.users[FO])
    with django_assert_max_num_queries(6):
        detail = household_detail(user=clerk, household_id=household.pk)
        rendered = [(m.person.name, m.masked_nik, m.relation, m.programmes, m.ppks)
                    for m in detail.members]

    assert detail.household == household and detail.last_batch == batch
    assert [len(f.members) for f in detail.families] == [3, 1]
    assert detail.families[0].masked_kk.startswith("320499******")
    assert detail.programmes == ("PKH",)
    iyah = household.members.get(name="Iyah")
    assert rendered[1] == ("Iyah", iyah.masked_nik, "Istri", ("PBI-JK",), ())
    assert "*" in iyah.masked_nik
    assert rendered[2][4] == ("Lanjut usia terlantar",)
    assert [p.programme.code for p in detail.participations] == ["pkh", "pbi-jk"]
    assert [row.person for row in detail.ppks] == [grandma]


def test_household_detail_of_another_village_does_not_exist_for_a_clerk(org):
    household = make_household(org.sibling, ["Engkos Kosasih"])
    with pytest.raises(Household.DoesNotExist):
        household_detail(user=org.users[FO], household_id=household.pk)
    assert household_detail(user=org.users[Role.SUPERVISOR], household_id=household.pk)


def test_register_list_filters_and_scope(org):
    pkh = make_household(org.own, ["Asep", "Euis"], dusun="DUSUN 1", rt="001", desil=1,
                         programmes=["pkh"])
    pip = make_household(org.own, ["Ujang", {"name": "Rafi", "programmes": ["pip"]}],
                         dusun="DUSUN 2", rt="003", desil=3)
    absent = make_household(org.own, ["Otong"], dusun="DUSUN 2", rt="3", desil=5,
                            status=Household.Status.ABSENT)
    make_household(org.sibling, ["Dadang"], dusun="DUSUN 1", desil=1, programmes=["pkh"])
    PersonPpks.objects.create(person=absent.members.get(),
                              ppks_type=PpksType.objects.get(code="penyandang-disabilitas"))
    user = org.users[FO]

    def ids(**filters):
        return [h.pk for h in register_list(user=user, filters=filters)]

    assert ids() == [pkh.pk, pip.pk, absent.pk]
    assert ids(dusun="dusun 2") == [pip.pk, absent.pk]
    assert ids(rt="3") == [pip.pk, absent.pk]
    assert ids(programme="pkh") == [pkh.pk]
    assert ids(programme="pip") == [pip.pk]  # a member's programme counts
    assert ids(desil=1) == [pkh.pk]
    assert ids(desil=[3, 5]) == [pip.pk, absent.pk]
    assert ids(ppks_type="penyandang-disabilitas") == [absent.pk]
    assert ids(ppks_cluster="kecacatan") == [absent.pk]
    assert ids(status="tidak_ada") == [absent.pk]
    assert ids(village=org.sibling) == []
    assert ids(dusun="", programme=None) == [pkh.pk, pip.pk, absent.pk]
    first = register_list(user=user, filters={}).first()
    assert (first.head_name, first.member_count) == ("Asep", 2)
    with pytest.raises(ValueError):
        register_list(user=user, filters={"nik": "1"})


# ---------------------------------------------------------------------------
# Fuzzy look-up quality on a realistic register
# ---------------------------------------------------------------------------

# (as the register writes the name, as the clerk types it): old spellings, Sundanese
# and Javanese variants, missing or transposed letters, swapped words, titles.
MISSPELLINGS = [
    ("SOEKARNO HIDAYAT", "Sukarno Hidayat"),
    ("DJUNAEDI SAEPULOH", "Junaedi Saepuloh"),
    ("TJEPI SUHERMAN", "Cepi Suherman"),
    ("SJAMSUL BACHRI", "Samsul Bahri"),
    ("SLAMET SOEPARMAN", "Slamet Suparman"),
    ("EUIS NURHAYATY", "Euis Nurhayati"),
    ("FITRIANI RAHAYU", "Pitriani Rahayu"),
    ("VINA MARLINA", "Pina Marlina"),
    ("ZAINAL ARIFIN", "Jaenal Aripin"),
    ("MUHAMMAD RIZKY FAUZAN", "Moch Rizki Fauzan"),
    ("ACHMAD SYARIFUDIN", "Ahmad Saripudin"),
    ("ENTIS SUPRIYADI", "Entis Supriadi"),
    ("ABDULLAH SAPRUDIN", "Abdulah Saprudin"),
    ("KOMARUDIN SUTISNA", "Komarudin Sutsna"),
    ("ROHAETI KURNIASIH", "Rohaeti Kurnasih"),
    ("IKAH RUKMINI", "Ika Rukmini"),
    ("WAWAN SETIAWAN", "Wawan Setaiwan"),
    ("DEDEN SUPRIATNA", "Supriatna Deden"),
    ("YOYOH SOLIHAT", "Solihat Yoyoh"),
    ("ENDANG SOBANDI", "H. Endang Sobandi, S.Pd"),
    ("HJ. IMAS MASITOH", "Imas Masitoh"),
    ("UJANG ROHMAT HIDAYAT", "Ujang Hidayat"),
]


@pytest.fixture(scope="module")
def register(django_db_setup, django_db_blocker):
    """A synthetic register of 4,000 people in three villages, with the MISSPELLINGS
    targets planted among them (one household each); rolled back after the module."""
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=fast):
        with transaction.atomic():
            org = Org()
            villages = [org.own, org.sibling, org.other_district_village]
            load_synthetic(villages, 4_000, seed=11)
            targets = {}
            for i, (written, _typed) in enumerate(MISSPELLINGS):
                household = make_household(villages[i % 3], [written])
                targets[written] = household.members.get().pk
            yield org, targets
            transaction.set_rollback(True)


def test_the_register_has_realistic_near_duplicates(register, db):
    assert Person.objects.count() == 4_000 + len(MISSPELLINGS)
    keys = Person.objects.values_list("name_key", flat=True)
    assert len(set(keys)) < 0.9 * len(keys)  # namesakes, as in a real register


@pytest.mark.parametrize("written, typed", MISSPELLINGS, ids=[t for _w, t in MISSPELLINGS])
def test_a_misspelled_name_finds_the_person_in_the_top_three(register, db, written, typed):
    org, targets = register
    result = lookup(org.users[Role.MANAGER], typed)
    top = [h.person_id for h in result.hits[:3]]
    assert targets[written] in top, [(h.name, h.score) for h in result.hits[:5]]


def test_misspellings_of_the_clerks_own_village_are_found_for_the_clerk(register, db):
    org, targets = register
    own = [(w, t) for i, (w, t) in enumerate(MISSPELLINGS) if i % 3 == 0]
    for written, typed in own:
        top = [h.person_id for h in lookup(org.users[FO], typed).hits[:3]]
        assert targets[written] in top, typed
    # and never a target of another village
    other_written, other_typed = MISSPELLINGS[1]
    assert targets[other_written] not in {
        h.person_id for h in lookup(org.users[FO], other_typed).hits}
