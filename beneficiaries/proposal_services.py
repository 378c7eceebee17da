"""Pre-list proposals (*usulan daftar awal*): a household that is not in the register,
recorded with its basic profile so that the Musyawarah Desa can decide on it later.

Writes: :func:`create_proposal`, :func:`update_proposal`, :func:`mark_proposal_ready`.
Read: :func:`proposals_for` (the list page).
The rules for the members live in :func:`check_proposal_members`; the form calls it to
put each message next to its field, the services call it again before writing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from puskesos.scoping import can_see_village, scope

from .identity import IdentityError, parse_kk, parse_nik
from .models import Person, PreListProposal, ProposalMember, Relation

# Proposals the Musyawarah Desa has not decided yet: they may still change, and a
# person may be in only one of them.
OPEN_STATUSES = (PreListProposal.Status.DRAFT, PreListProposal.Status.READY)

HOUSEHOLD_FIELDS = (
    "no_kk", "address", "dusun", "rt", "rw", "phone", "floor_area", "floor", "wall", "roof",
    "lighting", "water", "ownership", "housing_notes", "reason",
)
MEMBER_FIELDS = ("nik", "name", "relation", "sex", "birth_date", "occupation", "disability")


@dataclass(frozen=True)
class Problem:
    """One reason a proposal cannot be saved.

    ``member`` is the index of the member in the list given (None: the household or
    the list as a whole); ``field`` the field it is about (None: no single field).
    """

    message: str
    member: int | None = None
    field: str | None = None


class ProposalInvalid(ValidationError):
    """The proposal breaks a rule; ``problems`` says where, for a form to show."""

    def __init__(self, problems: list[Problem], members: list[dict] | None = None):
        self.problems = problems
        by_field: dict[str, list[str]] = {}
        for problem in problems:
            if problem.member is None:
                key = problem.field or "members"
                by_field.setdefault(key, []).append(problem.message)
            else:
                name = members[problem.member].get("name") if members else None
                label = _("Anggota ke-%(n)d") % {"n": problem.member + 1}
                if name:
                    label += f" ({name})"
                by_field.setdefault("members", []).append(f"{label}: {problem.message}")
        super().__init__(by_field)


class ProposalLocked(PermissionDenied):
    """The Musyawarah Desa has decided this proposal: it can no longer be changed."""

    def __init__(self):
        super().__init__(_("Usulan yang sudah diputuskan Musyawarah Desa tidak dapat diubah."))


def is_editable(proposal: PreListProposal) -> bool:
    return proposal.status in OPEN_STATUSES


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def check_proposal_members(members: list[dict], *, proposal: PreListProposal | None = None,
                           ) -> list[Problem]:
    """The rules for the members of a proposed household.

    * at least one member, and exactly one head of household (relation 1);
    * a NIK for the head; for the others it may be empty, but is checked when given;
    * a NIK only once in the proposal;
    * nobody who is already in the register: the household is not new then;
    * nobody who is already in another proposal that is not decided yet (draf or
      siap): the same household would be discussed twice at the Musyawarah Desa.
      ``proposal`` is the one being edited, whose own members do not count.

    ``members`` are dicts with at least ``nik`` and ``relation``; the index of a
    problem's member is its position in this list.
    """
    problems: list[Problem] = []
    if not members:
        return [Problem(_("Isi paling sedikit satu anggota rumah tangga, yaitu kepala "
                          "keluarganya."))]

    heads = [i for i, m in enumerate(members) if _as_int(m.get("relation")) == Relation.HEAD]
    if not heads:
        problems.append(Problem(_("Belum ada kepala keluarga: pilih hubungan \u201cKepala "
                                  "Keluarga\u201d untuk satu anggota.")))
    elif len(heads) > 1:
        problems.append(Problem(_("Kepala keluarga hanya boleh satu orang; ada %(n)d anggota "
                                  "dengan hubungan \u201cKepala Keluarga\u201d.")
                                % {"n": len(heads)}))
        for index in heads[1:]:
            problems.append(Problem(_("Kepala keluarga hanya boleh satu orang."), index,
                                    "relation"))

    niks: dict[str, int] = {}  # NIK -> index of its first member
    for index, member in enumerate(members):
        raw = member.get("nik")
        if _blank(raw):
            if index in heads:
                problems.append(Problem(_("NIK kepala keluarga wajib diisi."), index, "nik"))
            continue
        try:
            nik = parse_nik(raw).nik
        except IdentityError as error:
            problems.append(Problem(error.message, index, "nik"))
            continue
        if nik in niks:
            problems.append(Problem(
                _("NIK ini sudah diisi untuk anggota ke-%(n)d; satu NIK hanya untuk satu "
                  "orang.") % {"n": niks[nik] + 1}, index, "nik"))
            continue
        niks[nik] = index

    if niks:
        for person in Person.objects.filter(nik__in=niks).select_related("village"):
            problems.append(Problem(
                _("NIK ini sudah ada di register (%(village)s) \u2014 tidak perlu diusulkan "
                  "sebagai rumah tangga baru.") % {"village": person.village},
                niks[person.nik], "nik"))
        others = (ProposalMember.objects.filter(nik__in=niks, proposal__status__in=OPEN_STATUSES)
                  .select_related("proposal__village"))
        if proposal is not None and proposal.pk:
            others = others.exclude(proposal=proposal)
        for other in others:
            problems.append(Problem(
                _("NIK ini sudah ada di usulan #%(number)d (%(village)s, %(status)s) yang "
                  "belum diputuskan \u2014 lengkapi usulan itu, jangan membuat usulan baru.")
                % {"number": other.proposal.pk, "village": other.proposal.village,
                   "status": other.proposal.get_status_display()},
                niks[other.nik], "nik"))
    return sorted(problems, key=lambda p: (p.member is not None, p.member or 0))


def _as_int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _clean_household(household: dict) -> dict:
    unknown = set(household) - set(HOUSEHOLD_FIELDS)
    if unknown:
        raise ValueError(f"unknown household fields: {sorted(unknown)}")
    data = {key: ("" if value is None and key != "floor_area" else value)
            for key, value in household.items()}
    if not _blank(data.get("no_kk")):
        try:
            data["no_kk"] = parse_kk(data["no_kk"])
        except IdentityError as error:
            raise ProposalInvalid([Problem(error.message, field="no_kk")]) from None
    return data


def _member_fields(member: dict) -> dict:
    """The member's model fields, with the NIK in its clean form and, when not
    given, the birth date and sex the NIK states."""
    unknown = set(member) - set(MEMBER_FIELDS) - {"id"}
    if unknown:
        raise ValueError(f"unknown member fields: {sorted(unknown)}")
    fields = {key: value for key, value in member.items() if key != "id"}
    for key in ("nik", "name", "sex", "occupation"):
        if fields.get(key) is None:
            fields[key] = ""
    fields["disability"] = bool(fields.get("disability"))
    if fields["nik"].strip():
        info = parse_nik(fields["nik"])  # already checked: cannot fail here
        fields["nik"] = info.nik
        fields["birth_date"] = fields.get("birth_date") or info.birth_date
        fields["sex"] = fields["sex"] or info.sex
    return fields


def _check(members: list[dict], proposal: PreListProposal | None) -> None:
    problems = check_proposal_members(members, proposal=proposal)
    if problems:
        raise ProposalInvalid(problems, members)


def _save_member(member: ProposalMember) -> None:
    # Model validation for what the checks above do not cover (lengths, choices):
    # a failure here rolls the whole proposal back.
    member.full_clean(exclude=["proposal"])
    member.save()


def create_proposal(*, village, user, household: dict, members: list[dict]) -> PreListProposal:
    """Record a household that is not in the register as a pre-list proposal (status
    *draf*), with all its members, all or nothing.

    ``household`` holds the proposal's fields (``address``, ``reason``, ``no_kk``,
    housing condition…), ``members`` one dict per member (``nik``, ``name``,
    ``relation``, ``sex``, ``birth_date``, ``occupation``, ``disability``). Called by
    the proposal form and by the front-desk registration. Raises
    :class:`ProposalInvalid` (a ``ValidationError``) when a rule is broken and
    ``PermissionDenied`` when ``user`` may not propose in ``village``.
    """
    if not user.has_perm("beneficiaries.add_prelistproposal") or not can_see_village(
            user, village):
        raise PermissionDenied(_("Anda tidak dapat mencatat usulan untuk desa ini."))
    data = _clean_household(household)
    _check(members, None)
    with transaction.atomic():
        proposal = PreListProposal(village=village, created_by=user,
                                   status=PreListProposal.Status.DRAFT, **data)
        proposal.full_clean()
        proposal.save()
        for member in members:
            _save_member(ProposalMember(proposal=proposal, **_member_fields(member)))
    return proposal


def update_proposal(*, proposal: PreListProposal, user, household: dict,
                    members: list[dict]) -> PreListProposal:
    """Change a proposal that is not decided yet (draf or siap): its fields and its
    members, all or nothing.

    ``members`` is the complete new list: a dict with the ``id`` of an existing member
    changes that member, one without ``id`` adds a member, and the existing members
    left out are removed. Raises :class:`ProposalLocked` once the Musyawarah Desa has
    decided, :class:`ProposalInvalid` when a rule is broken.
    """
    if not user.has_perm("beneficiaries.change_prelistproposal") or not can_see_village(
            user, proposal.village):
        raise PermissionDenied(_("Anda tidak dapat mengubah usulan ini."))
    data = _clean_household(household)
    with transaction.atomic():
        locked = PreListProposal.objects.select_for_update().get(pk=proposal.pk)
        if not is_editable(locked):
            raise ProposalLocked()
        _check(members, locked)
        for key, value in data.items():
            setattr(locked, key, value)
        locked.full_clean()
        locked.save()
        existing = {m.pk: m for m in locked.members.all()}
        kept = {m["id"] for m in members if m.get("id")}
        if kept - set(existing):
            raise ValueError(f"members of another proposal: {sorted(kept - set(existing))}")
        locked.members.exclude(pk__in=kept).delete()
        for member in members:
            fields = _member_fields(member)
            if member.get("id"):
                row = existing[member["id"]]
                for key, value in fields.items():
                    setattr(row, key, value)
            else:
                row = ProposalMember(proposal=locked, **fields)
            _save_member(row)
    return locked


def mark_proposal_ready(*, proposal: PreListProposal, user) -> PreListProposal:
    """The clerk declares a draft complete: it is ready to be discussed at the
    Musyawarah Desa (draf → siap). A proposal in any other state is left alone
    and :class:`ValidationError` raised."""
    if not user.has_perm("beneficiaries.change_prelistproposal") or not can_see_village(
            user, proposal.village):
        raise PermissionDenied(_("Anda tidak dapat mengubah usulan ini."))
    with transaction.atomic():
        locked = PreListProposal.objects.select_for_update().get(pk=proposal.pk)
        if locked.status != PreListProposal.Status.DRAFT:
            raise ValidationError(_("Hanya usulan berstatus Draf yang dapat ditandai siap "
                                    "dibahas."))
        locked.status = PreListProposal.Status.READY
        locked.save(update_fields=["status", "updated_at"])
    return locked


# --- Reads ---------------------------------------------------------------------------


def proposals_for(*, user, status: str | None = None, query: str | None = None,
                  ) -> QuerySet[PreListProposal]:
    """The proposals of the villages ``user`` sees, newest first, with the number of
    members and the head's name; ``query`` matches a member's name, the start of a
    member's NIK, or the address."""
    heads = ProposalMember.objects.filter(proposal=OuterRef("pk"), relation=Relation.HEAD)
    proposals = (
        scope(PreListProposal.objects.all(), user, via="village")
        .select_related("village", "created_by")
        .annotate(member_count=Count("members"),
                  head_name=Subquery(heads.order_by("pk").values("name")[:1]))
        .order_by("-created_at", "-pk")
    )
    if status:
        proposals = proposals.filter(status=status)
    query = (query or "").strip()
    if query:
        matching = Q(name__icontains=query)
        if query.isdigit():
            matching |= Q(nik__startswith=query)
        proposals = proposals.filter(
            Q(address__icontains=query)
            | Q(pk__in=ProposalMember.objects.filter(matching).values("proposal")))
    return proposals
