"""Pre-list proposals (usulan daftar awal): a household not in the register is recorded,
listed, viewed and edited, as the clerk does it at the desk."""

from datetime import date
from html.parser import HTMLParser

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from beneficiaries.models import PreListProposal, ProposalMember
from beneficiaries.proposal_services import create_proposal
from puskesos.roles import Role
from tests.beneficiaries.factories import make_household, make_kk, make_nik

HEAD, WIFE, CHILD = 1, 3, 4


class _Fields(HTMLParser):
    """The values a browser would submit: inputs, checked boxes, selected options,
    textareas; plus which field has autofocus."""

    def __init__(self):
        super().__init__()
        self.values, self.autofocus = {}, None
        self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if "autofocus" in attrs and name:
            self.autofocus = name
        if tag == "input" and name and attrs.get("type") not in ("submit", "button"):
            if attrs.get("type") == "checkbox":
                if "checked" in attrs:
                    self.values[name] = "on"
            else:
                self.values[name] = attrs.get("value") or ""
        elif tag == "select":
            self._select = name
            self.values.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in attrs:
            self.values[self._select] = attrs.get("value") or ""
        elif tag == "textarea":
            self._textarea = name
            self.values[name] = ""

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def page_fields(response) -> _Fields:
    parser = _Fields()
    parser.feed(response.content.decode())
    return parser


def form_data(members, **household):
    """What the form posts: the household fields and the member rows."""
    data = {
        "no_kk": "", "address": "KP. CIKALONG RT 004 RW 001", "dusun": "DUSUN 3",
        "rt": "004", "rw": "001", "phone": "081234567890", "floor_area": "24",
        "floor": "tanah", "wall": "bambu", "roof": "seng", "lighting": "listrik_numpang",
        "water": "tak_terlindung", "ownership": "bebas_sewa", "housing_notes": "Atap bocor.",
        "reason": "Suami sakit, tidak bekerja sejak 2025; tiga anak sekolah.",
        **household,
        "anggota-TOTAL_FORMS": str(len(members)), "anggota-INITIAL_FORMS": "0",
        "anggota-MIN_NUM_FORMS": "0", "anggota-MAX_NUM_FORMS": "1000",
    }
    for index, member in enumerate(members):
        row = {"nik": "", "name": "", "relation": "", "sex": "", "birth_date": "",
               "occupation": "", **member}
        for key, value in row.items():
            if key == "disability":
                if value:
                    data[f"anggota-{index}-disability"] = "on"
            elif key == "DELETE":
                if value:
                    data[f"anggota-{index}-DELETE"] = "on"
            else:
                data[f"anggota-{index}-{key}"] = value
    return data


def edit_data(proposal, members, extra=(), **household):
    """What the edit form posts: the existing members (with their id) and new rows."""
    rows = [{"id": str(m.pk), "proposal": str(proposal.pk), "nik": m.nik, "name": m.name,
             "relation": str(m.relation), "sex": m.sex,
             "birth_date": m.birth_date.isoformat() if m.birth_date else "",
             "occupation": m.occupation, **changes}
            for m, changes in members]
    data = form_data([*rows, *extra], **household)
    data["anggota-INITIAL_FORMS"] = str(len(rows))
    return data


@pytest.fixture
def clerk(client, org):
    client.force_login(org.users[Role.FRONT_OFFICE])
    return client


def family():
    return [
        {"nik": make_nik(date(1982, 4, 9)), "name": "DEDI KURNIAWAN", "relation": HEAD,
         "occupation": "Buruh tani"},
        {"nik": make_nik(date(1985, 7, 21), "P"), "name": "YAYAH ROHAYAH", "relation": WIFE},
        {"nik": "", "name": "RANGGA", "relation": CHILD, "birth_date": "2016-02-03",
         "sex": "L", "disability": True},
    ]


def proposal_in(village, user, members=None, **household):
    return create_proposal(
        village=village, user=user,
        household={"address": "KP. SUKAMAJU", "reason": "Tidak punya penghasilan tetap.",
                   **household},
        members=members or [{"nik": make_nik(date(1970, 1, 5)), "name": "OMAN", "relation": 1}],
    )


# --- Create ---------------------------------------------------------------------------


def test_create_with_three_members_saves_the_household_and_its_members(clerk, org):
    members = family()
    kk = make_kk()
    response = clerk.post(reverse("proposal-create"), form_data(members, no_kk=kk))
    proposal = PreListProposal.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("proposal-detail", args=[proposal.pk])
    assert proposal.village == org.own
    assert proposal.created_by == org.users[Role.FRONT_OFFICE]
    assert proposal.status == PreListProposal.Status.DRAFT
    assert proposal.no_kk == kk and proposal.floor == "tanah" and proposal.floor_area == 24
    saved = {m.name: m for m in proposal.members.all()}
    assert set(saved) == {"DEDI KURNIAWAN", "YAYAH ROHAYAH", "RANGGA"}
    assert saved["DEDI KURNIAWAN"].nik == members[0]["nik"]
    assert saved["DEDI KURNIAWAN"].relation == HEAD
    # Birth date and sex not typed are read from the NIK (+40 on the day for women).
    assert saved["YAYAH ROHAYAH"].birth_date == date(1985, 7, 21)
    assert saved["YAYAH ROHAYAH"].sex == "P"
    assert saved["RANGGA"].nik == "" and saved["RANGGA"].disability
    page = clerk.get(response["Location"]).content.decode()
    assert "tersimpan sebagai draf" in page


def test_an_invalid_nik_is_explained_next_to_it_and_nothing_is_saved(clerk):
    members = family()
    members[1]["nik"] = "3.20417E+15"
    response = clerk.post(reverse("proposal-create"), form_data(members, reason=""))
    assert response.status_code == 200
    html = response.content.decode()
    assert "diubah Excel menjadi angka" in html
    member_form = response.context["formset"].forms[1]
    assert "diubah Excel" in member_form.errors["nik"][0]
    fields = page_fields(response)
    # What was typed stays.
    assert fields.values["anggota-1-nik"] == "3.20417E+15"
    assert fields.values["anggota-0-name"] == "DEDI KURNIAWAN"
    assert fields.values["address"] == "KP. CIKALONG RT 004 RW 001"
    assert "reason" in response.context["form"].errors
    # The cursor goes to the first field to correct, in the page's order.
    assert fields.autofocus == "anggota-1-nik"
    assert not PreListProposal.objects.exists() and not ProposalMember.objects.exists()


def test_an_invalid_kk_is_explained(clerk):
    response = clerk.post(reverse("proposal-create"), form_data(family(), no_kk="32041712"))
    assert "Nomor KK harus 16 digit" in response.context["form"].errors["no_kk"][0]
    assert not PreListProposal.objects.exists()


@pytest.mark.parametrize(("relations", "message"), [
    ((WIFE, CHILD, CHILD), "Belum ada kepala keluarga"),
    ((HEAD, HEAD, CHILD), "Kepala keluarga hanya boleh satu orang"),
])
def test_exactly_one_head_of_household(clerk, relations, message):
    members = family()
    for member, relation in zip(members, relations, strict=True):
        member["relation"] = relation
    response = clerk.post(reverse("proposal-create"), form_data(members))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert page_fields(response).autofocus in ("anggota-0-relation", "anggota-1-relation")
    assert not PreListProposal.objects.exists()


def test_the_head_needs_a_nik_the_others_may_go_without(clerk):
    members = family()
    members[0]["nik"] = ""
    response = clerk.post(reverse("proposal-create"), form_data(members))
    assert response.context["formset"].forms[0].errors["nik"] == [
        "NIK kepala keluarga wajib diisi."]
    assert not PreListProposal.objects.exists()


def test_at_least_one_member(clerk):
    response = clerk.post(reverse("proposal-create"), form_data([{}, {}]))
    assert "Isi paling sedikit satu anggota" in response.content.decode()
    assert not PreListProposal.objects.exists()


def test_a_nik_already_in_the_register_is_refused(clerk, org):
    members = family()
    make_household(org.sibling, [{"name": "YAYAH ROHAYAH", "nik": members[1]["nik"],
                                  "sex": "P"}])
    response = clerk.post(reverse("proposal-create"), form_data(members))
    assert response.context["formset"].forms[1].errors["nik"] == [
        "NIK ini sudah ada di register (Desa Jagabaya) \u2014 tidak perlu diusulkan sebagai "
        "rumah tangga baru."]
    assert not PreListProposal.objects.exists()


def test_the_same_nik_twice_in_one_proposal_is_refused(clerk):
    members = family()
    members[2]["nik"] = members[1]["nik"]
    response = clerk.post(reverse("proposal-create"), form_data(members))
    errors = response.context["formset"].forms[2].errors["nik"]
    assert errors == ["NIK ini sudah diisi untuk anggota ke-2; satu NIK hanya untuk satu orang."]
    assert not PreListProposal.objects.exists()


def test_a_nik_in_another_open_proposal_is_refused_but_not_in_a_decided_one(clerk, org):
    members = family()
    other = proposal_in(org.sibling, org.sibling_staff,
                        members=[{"nik": members[0]["nik"], "name": "DEDI K", "relation": 1}])
    response = clerk.post(reverse("proposal-create"), form_data(members))
    assert f"NIK ini sudah ada di usulan #{other.pk} (Desa Jagabaya, Draf)" in (
        response.context["formset"].forms[0].errors["nik"][0])
    assert PreListProposal.objects.count() == 1

    # Once the Musyawarah Desa found it not eligible, the household may be proposed again.
    PreListProposal.objects.filter(pk=other.pk).update(status="tidak_layak")
    response = clerk.post(reverse("proposal-create"), form_data(members))
    assert response.status_code == 302
    assert PreListProposal.objects.count() == 2


def test_the_front_desk_prefills_the_form_with_what_it_typed(clerk):
    nik = make_nik(date(1990, 1, 12))
    response = clerk.get(reverse("proposal-create"), {
        "nik": nik, "nama": "ASEP SUNANDAR", "no_kk": "3204170101150009",
        "alamat": "KP. BABAKAN", "dusun": "DUSUN 1", "rt": "002", "rw": "005",
        "telepon": "0812000111",
    })
    assert response.status_code == 200
    values = page_fields(response).values
    assert values["anggota-0-nik"] == nik
    assert values["anggota-0-name"] == "ASEP SUNANDAR"
    assert values["anggota-0-relation"] == str(HEAD)
    assert values["anggota-1-relation"] == ""  # the other rows start empty
    assert (values["no_kk"], values["address"], values["dusun"], values["rt"], values["rw"],
            values["phone"]) == ("3204170101150009", "KP. BABAKAN", "DUSUN 1", "002", "005",
                                 "0812000111")
    assert values["anggota-TOTAL_FORMS"] == "3"
    assert page_fields(response).autofocus == "no_kk"
    assert "Usulan belum tersimpan" not in response.content.decode()


def test_a_prefilled_form_saved_as_shown_keeps_the_head(clerk):
    """The prefilled head is a real row when posted back unchanged."""
    nik = make_nik(date(1990, 1, 12))
    shown = page_fields(clerk.get(reverse("proposal-create"), {"nik": nik, "nama": "ASEP"}))
    data = {k: v for k, v in shown.values.items() if k != "csrfmiddlewaretoken"}
    data.update(address="KP. BABAKAN", reason="Janda, tinggal menumpang.")
    response = clerk.post(reverse("proposal-create"), data)
    assert response.status_code == 302
    assert list(PreListProposal.objects.get().members.values_list("nik", "name", "relation")) == [
        (nik, "ASEP", HEAD)]


def test_add_member_button_shows_one_more_row_and_saves_nothing(clerk):
    members = family()
    members[1]["nik"] = "123"  # not checked yet: the clerk is still typing
    data = form_data(members)
    data["tambah_anggota"] = "1"
    response = clerk.post(reverse("proposal-create"), data)
    assert response.status_code == 200
    fields = page_fields(response)
    assert fields.values["anggota-TOTAL_FORMS"] == "4"
    assert fields.values["anggota-3-nik"] == ""
    assert fields.values["anggota-1-nik"] == "123"
    assert fields.autofocus == "anggota-3-nik"
    html = response.content.decode()
    assert "Usulan belum tersimpan" not in html
    assert "NIK harus 16 digit" not in html and "is-invalid" not in html
    assert not PreListProposal.objects.exists()


def test_staff_without_a_village_cannot_record_and_read_only_roles_get_403(client, org):
    client.force_login(org.users[Role.BACK_OFFICE])
    assert client.get(reverse("proposal-create")).status_code == 403
    response = client.post(reverse("proposal-create"), form_data(family()))
    assert response.status_code == 403
    assert not PreListProposal.objects.exists()


# --- The service ----------------------------------------------------------------------


def test_the_service_takes_plain_dicts(org):
    nik = make_nik(date(1975, 3, 2))
    proposal = create_proposal(
        village=org.own, user=org.users[Role.FRONT_OFFICE],
        household={"address": "KP. CIBEBER", "reason": "Lansia tinggal sendiri.",
                   "no_kk": "'" + make_kk()},
        members=[{"nik": " " + nik, "name": "ENTIN", "relation": 1}],
    )
    member = proposal.members.get()
    assert member.nik == nik and member.birth_date == date(1975, 3, 2) and member.sex == "L"
    assert len(proposal.no_kk) == 16 and proposal.no_kk.isdigit()


def test_the_service_enforces_the_rules_the_form_shows(org):
    with pytest.raises(ValidationError) as error:
        create_proposal(village=org.own, user=org.users[Role.FRONT_OFFICE],
                        household={"address": "X", "reason": "Y"},
                        members=[{"nik": "", "name": "A", "relation": 4}])
    assert "Belum ada kepala keluarga" in " ".join(error.value.messages)
    assert not PreListProposal.objects.exists()


def test_the_service_is_all_or_nothing(org):
    """A member that fails model validation after the proposal and the first member
    were written leaves nothing behind."""
    members = [{"nik": make_nik(date(1970, 1, 5)), "name": "OMAN", "relation": 1},
               {"nik": "", "name": "X" * 151, "relation": 4}]
    with pytest.raises(ValidationError) as error:
        create_proposal(village=org.own, user=org.users[Role.FRONT_OFFICE],
                        household={"address": "KP. SUKAMAJU", "reason": "Miskin."},
                        members=members)
    assert "name" in error.value.message_dict
    assert not PreListProposal.objects.exists()
    assert not ProposalMember.objects.exists()


def test_the_service_refuses_a_village_the_user_does_not_see(org):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        proposal_in(org.sibling, org.users[Role.FRONT_OFFICE])
    assert not PreListProposal.objects.exists()


# --- List -----------------------------------------------------------------------------


def test_the_list_shows_own_village_proposals_newest_first(clerk, org):
    user = org.users[Role.FRONT_OFFICE]
    first = proposal_in(org.own, user, dusun="DUSUN 1", rt="001", rw="002")
    second = proposal_in(org.own, user, members=[
        {"nik": make_nik(date(1980, 2, 2)), "name": "KOKOM", "relation": 1},
        {"nik": "", "name": "ENDANG", "relation": 4}])
    hidden = proposal_in(org.sibling, org.sibling_staff, members=[
        {"nik": make_nik(date(1980, 2, 3)), "name": "TETANGGA DESA LAIN", "relation": 1}])
    response = clerk.get(reverse("proposal-list"))
    listed = list(response.context["proposals"])
    assert listed == [second, first]
    assert (listed[0].head_name, listed[0].member_count) == ("KOKOM", 2)
    html = response.content.decode()
    assert "KOKOM" in html and "OMAN" in html and "TETANGGA DESA LAIN" not in html
    assert f"#{hidden.pk}<" not in html
    assert "DUSUN 1" in html and "001/002" in html and "Draf" in html
    assert "Petugas Front Office" in html  # who recorded it


def test_the_supervisor_sees_the_villages_of_the_kecamatan(client, org):
    proposal_in(org.own, org.users[Role.FRONT_OFFICE])
    proposal_in(org.sibling, org.sibling_staff)
    proposal_in(org.foreign_village, org.foreign_staff)
    client.force_login(org.users[Role.SUPERVISOR])
    listed = client.get(reverse("proposal-list")).context["proposals"]
    assert {p.village for p in listed} == {org.own, org.sibling}


def test_the_list_searches_names_niks_and_addresses_and_filters_by_status(clerk, org):
    user = org.users[Role.FRONT_OFFICE]
    nik = make_nik(date(1966, 6, 6))
    kokom = proposal_in(org.own, user, address="KP. LEUWI GAJAH", members=[
        {"nik": make_nik(date(1980, 2, 2)), "name": "KOKOM KOMALASARI", "relation": 1}])
    ujang = proposal_in(org.own, user, address="KP. CIPEUTEUY", members=[
        {"nik": nik, "name": "UJANG", "relation": 1},
        {"nik": "", "name": "NENG", "relation": 3}])
    PreListProposal.objects.filter(pk=ujang.pk).update(status="siap")

    def listed(**params):
        return list(clerk.get(reverse("proposal-list"), params).context["proposals"])

    assert listed(q="komala") == [kokom]
    assert listed(q="neng") == [ujang]  # any member, not only the head
    assert listed(q=nik[:10]) == [ujang]
    assert listed(q="leuwi") == [kokom]
    assert listed(status="siap") == [ujang]
    assert listed(status="draf", q="ujang") == []
    assert listed(status="bukan-status") == [ujang, kokom]  # an unknown status is ignored


def test_the_list_pages_by_25_with_constant_queries(clerk, org):
    user = org.users[Role.FRONT_OFFICE]
    for _ in range(3):
        proposal_in(org.own, user)
    clerk.get(reverse("proposal-list"))  # the session and permission caches
    with CaptureQueriesContext(connection) as few:
        clerk.get(reverse("proposal-list"))
    for _ in range(27):
        proposal_in(org.own, user)
    with CaptureQueriesContext(connection) as many:
        response = clerk.get(reverse("proposal-list"))
    assert len(many) == len(few)
    assert len(response.context["proposals"]) == 25
    assert len(clerk.get(reverse("proposal-list"), {"page": 2}).context["proposals"]) == 5


# --- Detail ---------------------------------------------------------------------------


def test_the_detail_masks_the_niks(client, org):
    nik = make_nik(date(1982, 4, 9))
    kk = make_kk()
    proposal = proposal_in(org.own, org.users[Role.FRONT_OFFICE], no_kk=kk, members=[
        {"nik": nik, "name": "DEDI", "relation": 1}])
    client.force_login(org.users[Role.VILLAGE_HEAD])
    html = client.get(reverse("proposal-detail", args=[proposal.pk])).content.decode()
    assert "DEDI" in html and "Tidak punya penghasilan tetap." in html
    assert f"{nik[:6]}******{nik[-4:]}" in html and nik not in html
    assert kk not in html
    # Read-only roles get no buttons to change it.
    assert reverse("proposal-update", args=[proposal.pk]) not in html


def test_the_full_nik_is_in_the_edit_form(clerk, org):
    nik = make_nik(date(1982, 4, 9))
    proposal = proposal_in(org.own, org.users[Role.FRONT_OFFICE],
                           members=[{"nik": nik, "name": "DEDI", "relation": 1}])
    response = clerk.get(reverse("proposal-update", args=[proposal.pk]))
    assert page_fields(response).values["anggota-0-nik"] == nik


def test_other_villages_proposals_are_not_found(clerk, org):
    proposal = proposal_in(org.sibling, org.sibling_staff)
    assert clerk.get(reverse("proposal-detail", args=[proposal.pk])).status_code == 404
    assert clerk.get(reverse("proposal-update", args=[proposal.pk])).status_code == 404
    data = form_data(family())
    assert clerk.post(reverse("proposal-update", args=[proposal.pk]), data).status_code == 404
    assert clerk.post(reverse("proposal-update", args=[proposal.pk]),
                      {"tandai_siap": "1"}).status_code == 404
    proposal.refresh_from_db()
    assert proposal.status == "draf" and proposal.members.count() == 1


# --- Update ---------------------------------------------------------------------------


def test_update_adds_and_removes_members_and_changes_fields(clerk, org):
    members = family()
    clerk.post(reverse("proposal-create"), form_data(members))
    proposal = PreListProposal.objects.get()
    head, wife, child = (proposal.members.get(name=n) for n in
                         ("DEDI KURNIAWAN", "YAYAH ROHAYAH", "RANGGA"))
    data = edit_data(
        proposal,
        [(head, {"occupation": "Serabutan"}), (wife, {}), (child, {"DELETE": True})],
        extra=[{"nik": "", "name": "SALSA", "relation": str(CHILD), "sex": "P"}],
        address="KP. CIKALONG BARU",
    )
    response = clerk.post(reverse("proposal-update", args=[proposal.pk]), data)
    assert response.status_code == 302, response.context and response.context[
        "formset"].errors
    proposal.refresh_from_db()
    assert proposal.address == "KP. CIKALONG BARU"
    assert sorted(proposal.members.values_list("name", flat=True)) == [
        "DEDI KURNIAWAN", "SALSA", "YAYAH ROHAYAH"]
    assert proposal.members.get(pk=head.pk).occupation == "Serabutan"
    assert not ProposalMember.objects.filter(pk=child.pk).exists()


def test_update_keeps_its_own_niks_and_checks_new_ones(clerk, org):
    """Saving unchanged members is not a 'NIK in another proposal'; a bad new row
    is refused and nothing changes."""
    proposal = proposal_in(org.own, org.users[Role.FRONT_OFFICE])
    head = proposal.members.get()
    data = edit_data(proposal, [(head, {})],
                     extra=[{"nik": head.nik, "name": "KEMBAR", "relation": str(CHILD)}],
                     address="BARU")
    response = clerk.post(reverse("proposal-update", args=[proposal.pk]), data)
    assert response.status_code == 200
    assert "satu NIK hanya untuk satu orang" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.address == "KP. SUKAMAJU" and proposal.members.count() == 1
    response = clerk.post(reverse("proposal-update", args=[proposal.pk]),
                          edit_data(proposal, [(head, {})], address="BARU"))
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.address == "BARU"


def test_a_decided_proposal_cannot_be_changed(clerk, org):
    proposal = proposal_in(org.own, org.users[Role.FRONT_OFFICE])
    PreListProposal.objects.filter(pk=proposal.pk).update(status="layak")
    url = reverse("proposal-update", args=[proposal.pk])
    response = clerk.get(url)
    assert response.status_code == 403
    message = "Usulan yang sudah diputuskan Musyawarah Desa tidak dapat diubah."
    assert message in response.content.decode()
    head = proposal.members.get()
    response = clerk.post(url, edit_data(proposal, [(head, {"name": "DIUBAH"})]))
    assert response.status_code == 403
    assert proposal.members.get().name == "OMAN"
    detail = clerk.get(reverse("proposal-detail", args=[proposal.pk])).content.decode()
    assert url not in detail and message in detail


def test_a_draft_is_marked_ready_for_the_village_meeting(clerk, org):
    proposal = proposal_in(org.own, org.users[Role.FRONT_OFFICE])
    detail = clerk.get(reverse("proposal-detail", args=[proposal.pk])).content.decode()
    assert 'name="tandai_siap"' in detail
    response = clerk.post(reverse("proposal-update", args=[proposal.pk]), {"tandai_siap": "1"})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == "siap"
    detail = clerk.get(reverse("proposal-detail", args=[proposal.pk])).content.decode()
    assert "siap dibahas di Musyawarah Desa" in detail  # the success message
    assert 'name="tandai_siap"' not in detail
    # Still editable until the meeting decides.
    assert clerk.get(reverse("proposal-update", args=[proposal.pk])).status_code == 200


def test_read_only_roles_cannot_mark_ready(client, org):
    proposal = proposal_in(org.own, org.users[Role.FRONT_OFFICE])
    client.force_login(org.users[Role.BACK_OFFICE])
    response = client.post(reverse("proposal-update", args=[proposal.pk]), {"tandai_siap": "1"})
    assert response.status_code == 403
    proposal.refresh_from_db()
    assert proposal.status == "draf"


def test_anonymous_users_are_sent_to_login(client, org):
    proposal = proposal_in(org.own, org.users[Role.FRONT_OFFICE])
    for url in (reverse("proposal-list"), reverse("proposal-create"),
                reverse("proposal-detail", args=[proposal.pk]),
                reverse("proposal-update", args=[proposal.pk])):
        response = client.get(url)
        assert response.status_code == 302 and "/masuk/" in response["Location"]
