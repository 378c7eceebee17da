"""The dashboard: programme overlap, service gaps, complaints, proposals, filters, the
records behind each figure, scoping and the query count.

Expected figures are computed here from the fixtures (sets of programmes per
household), never with the dashboard's own code."""

import datetime
import re
from collections import Counter
from itertools import combinations
from urllib.parse import parse_qs, urlparse

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from beneficiaries import upkeep
from beneficiaries.models import Household, Participation, Programme
from beneficiaries.proposal_services import create_proposal, mark_proposal_ready
from puskesos.navigation import NAV_ITEMS
from puskesos.roles import Role
from referrals.models import Complaint, Referral
from reports.dashboard import FIGURES
from reports.dashboard_views import DASHBOARD_ROLES
from tests.beneficiaries.factories import make_household, make_nik
from tests.referrals.factories import complaint_in

KADES = Role.VILLAGE_HEAD
GROUPS = ["pkh", "bpnt", "pbi-jk", "pip", "lainnya"]
LABELS = {"pkh": "PKH", "bpnt": "Sembako/BPNT", "pbi-jk": "PBI-JK", "pip": "PIP/KIP",
          "lainnya": "Lainnya"}
CHILD = {"name": "ANAK", "birth_date": datetime.date(2014, 3, 1), "relation": 4}


def household(village, held=(), *, person_held=(), desil=2, dusun="DUSUN 1", **kwargs):
    """A household holding ``held`` itself and ``person_held`` through two of its
    members each (as PBI-JK and PIP are recorded: one row per person)."""
    members = [{"name": "KEPALA", "programmes": list(person_held)},
               {**CHILD, "programmes": list(person_held)}]
    return make_household(village, members, programmes=list(held), desil=desil,
                          dusun=dusun, **kwargs)


def group_of(code):
    return code if code in GROUPS else "lainnya"


@pytest.fixture
def register(org):
    """Households of Desa Cimaung holding 0, 1, 2 and 3 programme groups, plus rows that
    must not count (inactive participations, absent households, another village)."""
    own = org.own
    spec = [
        ((), (), 2),                          # 0 programmes, desil 2: a service gap
        ((), (), 7),                          # 0 programmes, desil 7: no gap
        ((), (), None),                       # 0 programmes, no desil: no gap
        (("pkh",), (), 1),                    # 1
        (("pkh",), (), 3),                    # 1
        (("bpnt",), (), 5),                   # 1
        ((), ("pbi-jk",), 2),                 # 1 (two people hold it: counted once)
        (("pkh",), ("pbi-jk",), 1),           # 2
        (("pkh",), ("pbi-jk",), 4),           # 2
        (("bpnt", "rtlh"), (), 6),            # 2 (RTLH counts as "Lainnya")
        (("pkh", "bpnt"), ("pip",), 1),       # 3
        (("bpnt", "rtlh", "blt-dd"), ("pbi-jk",), 2),  # 3 (RTLH + BLT DD: one "Lainnya")
    ]
    households = []
    expected = []
    for held, person_held, desil in spec:
        h = household(own, held, person_held=person_held, desil=desil)
        households.append(h)
        expected.append(frozenset(group_of(c) for c in (*held, *person_held)))
    # An inactive participation does not count: this household still holds PKH only.
    inactive = households[3]
    Participation.objects.create(household=inactive, programme=Programme.objects.get(
        code="bpnt"), source="meja", active=False)
    # Not in the latest extract: not counted at all.
    household(own, ["pkh", "bpnt"], status=Household.Status.ABSENT, desil=1)
    # Other villages: never counted for the village's staff.
    household(org.sibling, ["pkh"], desil=1)
    household(org.sibling, [], desil=1)
    household(org.other_district_village, ["pkh", "bpnt"], desil=2)
    return {"households": households, "sets": expected}


def dashboard(client, user, **params):
    client.force_login(user)
    response = client.get(reverse("dashboard"), params)
    return response


def figures_of(response):
    assert response.status_code == 200, response.content.decode()[:2000]
    return response.context["figures"]


# -- overlap ---------------------------------------------------------------------------


def test_overlap_counts_each_household_once_in_its_combination(client, org, register):
    figures = figures_of(dashboard(client, org.users[KADES]))
    sets = register["sets"]
    expected = Counter(sets)
    found = {frozenset(c.keys): c.count for c in figures.overlap.combinations}
    assert found == dict(expected)
    # 0, 1, 2 and 3 programmes, by size.
    assert dict(figures.overlap.by_size) == {0: 3, 1: 4, 2: 3, 3: 2}
    assert figures.households == len(sets) == 12
    assert sum(found.values()) == 12


def test_overlap_matrix_counts_households_holding_both(client, org, register):
    figures = figures_of(dashboard(client, org.users[KADES]))
    sets = register["sets"]
    matrix = {(a.key, b.key): n for a, cells in figures.overlap.matrix for b, n in cells}
    assert [g.key for g in figures.overlap.groups] == GROUPS
    for a in GROUPS:
        assert matrix[(a, a)] == sum(a in s for s in sets)
    for a, b in combinations(GROUPS, 2):
        both = sum(a in s and b in s for s in sets)
        assert matrix[(a, b)] == matrix[(b, a)] == both
    assert matrix[("pkh", "pkh")] == 5
    assert matrix[("pkh", "pbi-jk")] == 2


def test_the_page_shows_the_matrix_and_the_combinations(client, org, register):
    response = dashboard(client, org.users[KADES])
    html = response.content.decode()
    assert "Tumpang tindih" in html
    assert 'data-testid="overlap-matrix"' in html
    assert "PKH + PBI-JK" in html
    assert "Sembako/BPNT + Lainnya" in html
    assert "Tanpa program" in html


def test_programme_filter_limits_the_overlap_to_its_holders(client, org, register):
    figures = figures_of(dashboard(client, org.users[KADES], program="pkh"))
    pkh_sets = [s for s in register["sets"] if "pkh" in s]
    found = {frozenset(c.keys): c.count for c in figures.overlap.combinations}
    assert found == dict(Counter(pkh_sets))
    assert figures.households == len(pkh_sets) == 5


def test_a_programme_outside_the_named_ones_gets_its_own_column(client, org, register):
    figures = figures_of(dashboard(client, org.users[KADES], program="rtlh"))
    keys = [g.key for g in figures.overlap.groups]
    assert keys == ["pkh", "bpnt", "pbi-jk", "pip", "rtlh", "lainnya"]
    found = {frozenset(c.keys): c.count for c in figures.overlap.combinations}
    # RTLH holders: BPNT+RTLH, and BPNT+RTLH+BLT DD (now "Lainnya")+PBI-JK.
    assert found == {frozenset({"bpnt", "rtlh"}): 1,
                     frozenset({"bpnt", "rtlh", "pbi-jk", "lainnya"}): 1}


# -- service gaps ------------------------------------------------------------------------


def test_service_gaps_count_low_desil_without_programme(client, org, register):
    figures = figures_of(dashboard(client, org.users[KADES]))
    sets = register["sets"]
    expected = sum(1 for h, s in zip(register["households"], sets, strict=True)
                   if not s and h.desil in (1, 2, 3, 4))
    assert figures.gap_desil == expected == 1
    # With a programme: desil 1-4 households that do not receive it.
    figures = figures_of(dashboard(client, org.users[KADES], program="pkh"))
    expected = sum(1 for h, s in zip(register["households"], sets, strict=True)
                   if "pkh" not in s and h.desil in (1, 2, 3, 4))
    assert figures.gap_desil == expected == 3


def test_needs_not_met_count_confirmed_needs_only(client, org, register):
    fo = org.users[Role.FRONT_OFFICE]
    pip, rtlh, atensi = (Programme.objects.get(code=c) for c in ("pip", "rtlh", "atensi"))
    first, second, third = register["households"][:3]
    upkeep.confirm_need(household=first, user=fo, programme_id=pip.pk,
                        person_id=first.members.last().pk)
    upkeep.confirm_need(household=second, user=fo, programme_id=rtlh.pk)
    met = upkeep.confirm_need(household=third, user=fo, programme_id=rtlh.pk)
    upkeep.mark_need_met(need=met, user=fo)
    upkeep.dismiss_need(household=third, user=fo, programme_id=atensi.pk)
    sibling = household(org.sibling, [])
    upkeep.confirm_need(household=sibling, user=org.sibling_staff, programme_id=rtlh.pk)

    assert figures_of(dashboard(client, org.users[KADES])).needs_not_met == 2
    assert figures_of(dashboard(client, org.users[KADES], program="rtlh")).needs_not_met == 1
    assert figures_of(dashboard(client, org.users[Role.SUPERVISOR])).needs_not_met == 3


def test_overdue_referrals_are_those_past_their_answer_date(client, org, db):
    late = complaint_in(org, Complaint.State.REFERRED)
    answered = complaint_in(org, Complaint.State.REFERRED,
                            referral_response=Referral.Response.ACCEPTED)
    on_time = complaint_in(org, Complaint.State.REFERRED)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    # Time passes: the agencies' answer dates are now behind us.
    Referral.objects.filter(complaint__in=[late, answered]).update(respond_by=yesterday)
    assert on_time.referrals.get().respond_by > yesterday
    figures = figures_of(dashboard(client, org.users[KADES]))
    assert figures.overdue_referrals == 1
    response = client.get(reverse("dashboard-records", args=["rujukan-terlambat"]))
    assert [r.complaint_id for r in response.context["records"]] == [late.pk]


# -- complaints, services, proposals -------------------------------------------------------


def test_complaints_of_the_period_by_state_and_action(client, org, db):
    registered = complaint_in(org, Complaint.State.REGISTERED)
    complaint_in(org, Complaint.State.HANDLED)
    complaint_in(org, Complaint.State.REFERRED)
    complaint_in(org, Complaint.State.CLOSED)  # referred, then closed
    complaint_in(org, Complaint.State.REGISTERED, village=org.sibling)
    # One registered in an earlier month (local time: the last evening of January 2025).
    january = timezone.make_aware(datetime.datetime(2025, 1, 31, 23, 30))
    Complaint.objects.filter(pk=registered.pk).update(created_at=january)

    figures = figures_of(dashboard(client, org.users[KADES]))
    counts = figures.complaints
    assert counts["total"] == 3
    assert (counts["registered"], counts["handled"], counts["referred"], counts["closed"]) \
        == (0, 1, 1, 1)
    assert counts["handled_in_village"] == 1
    assert counts["with_referral"] == 2  # the referred one and the closed one
    assert figures.complaints_by_programme == [(None, 3)]
    in_january = figures_of(dashboard(client, org.users[KADES], periode="2025-01"))
    assert in_january.complaints["total"] == 1
    assert in_january.complaints["registered"] == 1
    assert figures_of(dashboard(client, org.users[KADES], periode="2025-02")
                      ).complaints["total"] == 0
    year = figures_of(dashboard(client, org.users[KADES], periode="2025"))
    assert year.complaints["total"] == 1
    # The trend of the last 12 months ends with this month's 3.
    assert figures.trend[-1][1] == 3
    assert len(figures.trend) == 12


def test_handled_and_referred_counts(client, org, db):
    complaint_in(org, Complaint.State.HANDLED)
    complaint_in(org, Complaint.State.HANDLED)
    complaint_in(org, Complaint.State.REFERRED)
    complaint_in(org, Complaint.State.REVIEWED)
    counts = figures_of(dashboard(client, org.users[KADES])).complaints
    assert (counts["total"], counts["handled_in_village"], counts["with_referral"]) == (4, 2, 1)


def test_proposals_summary_counts_by_status(client, org, db):
    fo = org.users[Role.FRONT_OFFICE]

    def propose(village=org.own, user=fo):
        return create_proposal(
            village=village, user=user,
            household={"address": "Kp. Sukamaju", "reason": "Rumah tidak layak huni."},
            members=[{"nik": make_nik(datetime.date(1980, 1, 1)), "name": "UJANG",
                      "relation": 1}])

    propose()
    mark_proposal_ready(proposal=propose(), user=fo)
    mark_proposal_ready(proposal=propose(), user=fo)
    propose(org.sibling, org.sibling_staff)
    figures = figures_of(dashboard(client, org.users[KADES]))
    assert figures.proposals["total"] == 3
    assert figures.proposals["draf"] == 1
    assert figures.proposals["siap"] == 2


# -- every figure links to its records ------------------------------------------------------


def links_in(html):
    return [href.replace("&amp;", "&") for href in
            re.findall(r'href="(/dasbor/rincian/[^"]+)"', html)]


@pytest.mark.parametrize("params", [{}, {"program": "pkh"}, {"program": "rtlh"},
                                    {"dusun": "DUSUN 1", "periode": "2026"}])
def test_each_figure_link_lists_as_many_records_as_the_figure(client, org, register, params):
    complaint_in(org, Complaint.State.HANDLED)
    if "periode" in params:
        params = {**params, "periode": str(timezone.localdate().year)}
    response = dashboard(client, org.users[KADES], **params)
    figures = response.context["figures"]
    html = response.content.decode()
    links = links_in(html)
    assert len(links) > 20
    expected_by_link = {}
    for row in response.context["combinations"]:
        expected_by_link[row["url"]] = row["combination"].count
    for row in response.context["matrix"]:
        for cell in row["cells"]:
            expected_by_link[cell["url"]] = cell["value"]
    context_links = response.context["links"]
    expected_by_link[context_links["households"]] = figures.households
    expected_by_link[context_links["gap_desil"]] = figures.gap_desil
    if "program" not in params:
        expected_by_link[context_links["without_any"]] = figures.overlap.without_any
    expected_by_link[context_links["complaints"]] = figures.complaints["total"]
    expected_by_link[context_links["handled"]] = figures.complaints["handled_in_village"]
    expected_by_link[context_links["referred"]] = figures.complaints["with_referral"]
    for month in response.context["trend"]:
        expected_by_link[month["url"]] = month["value"]
    for category in response.context["categories"]:
        expected_by_link[category["url"]] = category["value"]
    for bars in ("desil_bars", "receiver_bars", "state_bars", "purpose_bars",
                 "proposal_bars", "programme_bars"):
        for bar in response.context[bars]:
            expected_by_link[bar["url"]] = bar["value"]
    for url, expected in expected_by_link.items():
        assert url in links, url
        page = client.get(url)
        assert page.status_code == 200, (url, page.content.decode()[:500])
        assert page.context["page_obj"].paginator.count == expected, url


def test_combination_records_are_exactly_those_households(client, org, register):
    client.force_login(org.users[KADES])
    url = reverse("dashboard-records", args=["kombinasi"])
    response = client.get(url, {"kombinasi": "pkh+pbi-jk"})
    expected = {h.pk for h, s in zip(register["households"], register["sets"], strict=True)
                if s == {"pkh", "pbi-jk"}}
    assert {h.pk for h in response.context["records"]} == expected
    html = response.content.decode()
    assert "tepat: PKH + PBI-JK" in html
    for pk in expected:
        assert reverse("household-detail", args=[pk]) in html
    none = client.get(url, {"kombinasi": "-"})
    assert {h.pk for h in none.context["records"]} == {
        h.pk for h, s in zip(register["households"], register["sets"], strict=True) if not s}


# -- filters ----------------------------------------------------------------------------------


def test_dusun_filter(client, org, register):
    household(org.own, ["pkh"], dusun="DUSUN 2", desil=1)
    household(org.own, [], dusun="DUSUN 2", desil=3)
    figures = figures_of(dashboard(client, org.users[KADES], dusun="DUSUN 2"))
    assert figures.households == 2
    assert figures.gap_desil == 1
    assert {frozenset(c.keys): c.count for c in figures.overlap.combinations} == {
        frozenset({"pkh"}): 1, frozenset(): 1}


@pytest.mark.parametrize("params,message", [
    ({"periode": "2026-13"}, "tidak dikenali"),
    ({"periode": "bulan-lalu"}, "tidak dikenali"),
    ({"periode": "2999-01"}, "belum dimulai"),
    ({"dusun": "DUSUN 99"}, "Dusun «DUSUN 99» tidak ada"),
    ({"program": "bansos-x"}, "Program «bansos-x» tidak dikenal"),
    ({"desa": "32.04.17.2002"}, "Desa «32.04.17.2002» tidak dikenal"),
])
def test_bad_filters_are_said_in_indonesian(client, org, register, params, message):
    response = dashboard(client, org.users[KADES], **params)
    assert response.status_code == 400
    assert "figures" not in response.context or response.context.get("figures") is None
    assert message in response.context["filter_error"]
    assert message in response.content.decode()
    records = client.get(reverse("dashboard-records", args=["rumah-tangga"]), params)
    assert records.status_code == 400
    assert message in records.content.decode()


@pytest.mark.parametrize("figure,params,message", [
    ("kombinasi", {"kombinasi": "pkh+bansos"}, "tidak dikenal"),
    ("kombinasi", {}, "belum dipilih"),
    ("irisan", {"irisan": "pkh,pip,bpnt"}, "tidak dikenal"),
    ("rumah-tangga", {"desil": "11"}, "Desil «11» tidak dikenal"),
    ("pengaduan", {"status": "hilang"}, "Status pengaduan «hilang» tidak dikenal"),
    ("layanan", {"keperluan": "jalan-jalan"}, "Parameter tidak valid"),
])
def test_bad_record_parameters_are_said(client, org, register, figure, params, message):
    client.force_login(org.users[KADES])
    response = client.get(reverse("dashboard-records", args=[figure]), params)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_unknown_figure_is_not_found(client, org, db):
    client.force_login(org.users[KADES])
    assert client.get(reverse("dashboard-records", args=["rahasia"])).status_code == 404


def test_dusun_needs_a_village_for_those_who_see_several(client, org, register):
    response = dashboard(client, org.users[Role.SUPERVISOR], dusun="DUSUN 1")
    assert response.status_code == 400
    assert "Pilih desa terlebih dahulu" in response.content.decode()
    ok = dashboard(client, org.users[Role.SUPERVISOR], desa=org.own.code, dusun="DUSUN 1")
    assert figures_of(ok).households == 12


# -- scoping -------------------------------------------------------------------------------------


def test_each_role_counts_only_the_villages_it_sees(client, org, register):
    assert figures_of(dashboard(client, org.users[KADES])).households == 12
    assert figures_of(dashboard(client, org.users[Role.COORDINATOR])).households == 12
    # The kecamatan: own village and the sibling (2 households), not Kec. Banjaran.
    assert figures_of(dashboard(client, org.users[Role.SUPERVISOR])).households == 14
    # The kabupaten: also Kec. Banjaran; never Kab. Garut.
    household(org.foreign_village, ["pkh"])
    manager = figures_of(dashboard(client, org.users[Role.MANAGER]))
    assert manager.households == 15
    one = figures_of(dashboard(client, org.users[Role.MANAGER], desa=org.sibling.code))
    assert one.households == 2
    refused = dashboard(client, org.users[Role.MANAGER], desa=org.foreign_village.code)
    assert refused.status_code == 400


def test_records_of_another_village_never_show(client, org, register):
    client.force_login(org.users[KADES])
    response = client.get(reverse("dashboard-records", args=["rumah-tangga"]))
    villages = {h.village_id for h in response.context["records"]}
    assert villages == {org.own.pk}


@pytest.mark.parametrize("role", [Role.FRONT_OFFICE, Role.BACK_OFFICE, Role.FACILITATOR])
def test_desk_roles_have_no_dashboard(client, org, role):
    response = dashboard(client, org.users[role])
    assert response.status_code == 403
    assert "Dasbor hanya untuk" in response.content.decode()


def test_menu_item_is_for_the_dashboard_roles():
    item = next(i for i in NAV_ITEMS if i.key == "dashboard")
    assert item.roles == DASHBOARD_ROLES
    assert item.url_name == "dashboard"


# -- speed ----------------------------------------------------------------------------------------


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_query_count_does_not_grow_with_the_register(client, org, register):
    client.force_login(org.users[Role.MANAGER])
    url = reverse("dashboard")
    records = reverse("dashboard-records", args=["irisan"]) + "?irisan=pkh"
    # The first requests of a session read a little more (session, permissions).
    count_queries(client, url), count_queries(client, records)
    before = count_queries(client, url), count_queries(client, records)
    for n in range(15):
        household(org.sibling, ["pkh", "bpnt"], person_held=["pbi-jk"], desil=n % 10 + 1,
                  dusun=f"DUSUN {n}")
    complaint_in(org, Complaint.State.REFERRED, village=org.sibling)
    # The first read after a change recounts the changed village: a few statements,
    # however many households changed.
    recounted = count_queries(client, url)
    assert before[0] < recounted <= before[0] + 8, (before, recounted)
    after = count_queries(client, url), count_queries(client, records)
    assert before == after
    assert after[0] <= 25, after


def test_links_keep_the_filters(client, org, register):
    response = dashboard(client, org.users[KADES], program="pkh", periode="2025-Q4")
    links = links_in(response.content.decode())
    assert links
    for url in links:
        query = parse_qs(urlparse(url).query)
        assert query["program"] == ["pkh"], url
        assert query["periode"][0].startswith("2025"), url


def test_register_figures_follow_the_register_at_once(client, org, register):
    url = reverse("dashboard")
    client.force_login(org.users[KADES])
    first = figures_of(client.get(url))
    unchanged = count_queries(client, url)
    household(org.own, ["pkh"], desil=1)  # recorded meanwhile
    second = client.get(url)
    assert figures_of(second).households == first.households + 1 == 13
    assert figures_of(second).overlap.by_mask[1] == first.overlap.by_mask.get(1, 0) + 1
    assert "paling lama" not in second.content.decode()  # no "kept for N minutes" note
    # After a change the village is recounted: a few queries more, then as before.
    assert count_queries(client, url) == unchanged


@pytest.mark.parametrize("role", sorted(DASHBOARD_ROLES))
def test_every_records_page_opens_for_every_dashboard_role(client, org, register, role):
    complaint_in(org, Complaint.State.HANDLED)
    client.force_login(org.users[role])
    params = {"kombinasi": {"kombinasi": "pkh"}, "irisan": {"irisan": "pkh,bpnt"}}
    for slug in FIGURES:
        response = client.get(reverse("dashboard-records", args=[slug]), params.get(slug, {}))
        assert response.status_code == 200, (slug, response.content.decode()[:300])
        assert response.context["figure"].slug == slug


def test_a_kecamatan_without_villages_gets_an_empty_dashboard(client, org):
    from puskesos.models import District
    from tests.factories import make_staff

    empty = District.objects.create(code="32.04.99", name="Kecamatan Baru",
                                    regency=org.regency)
    supervisor = make_staff(Role.SUPERVISOR, empty)
    figures = figures_of(dashboard(client, supervisor))
    assert figures.households == 0
    assert figures.overlap.combinations == []
    assert figures.complaints["total"] == 0
