"""Pre-list proposals (*usulan daftar awal*): a household that is not in the register,
recorded with its basic profile so that the Musyawarah Desa can decide on it later.

Writes: :func:`create_proposal`, :func:`update_proposal`, :func:`mark_proposal_ready`,
:func:`record_result` (the kabupaten's verification), :func:`add_photo`; every change of
state leaves a :class:`ProposalEvent` (who, when, why).
Read: :func:`proposals_for` (the list page), :func:`duplicate_warnings` (people who may
already be in the register or in another proposal under a slightly different name).
The rules for the members live in :func:`check_proposal_members`; the form calls it to
put each message next to its field, the services call it again before writing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from puskesos.files import removed_on_error
from puskesos.scoping import can_see_village, scope, works_in

from .identity import IdentityError, mask_nik, parse_kk, parse_nik
from .models import (
    Family,
    Person,
    PreListProposal,
    ProposalEvent,
    ProposalMember,
    ProposalPhoto,
    Relation,
)
from .names import name_key, name_trigrams, trigram_similarity

# Proposals the Musyawarah Desa has not decided yet: they may still change, and a
# person may be in only one of them.
OPEN_STATUSES = (PreListProposal.Status.DRAFT, PreListProposal.Status.READY)

HOUSEHOLD_FIELDS = (
    "no_kk", "address", "dusun", "rt", "rw", "phone", "floor_area", "floor", "wall", "roof",
    "lighting", "water", "ownership", "housing_notes", "toilet", "cooking_fuel", "income",
    "assets", "reason",
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


def log_event(proposal: PreListProposal, user, note: str = "") -> ProposalEvent:
    """Record the proposal's current state in its audit trail."""
    return ProposalEvent.objects.create(proposal=proposal, status=proposal.status,
                                        user=user, note=note)


def create_proposal(*, village, user, household: dict, members: list[dict],
                    source: str | None = None) -> PreListProposal:
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
                                   status=PreListProposal.Status.DRAFT,
                                   source=source or recorded_from(user), **data)
        proposal.full_clean()
        proposal.save()
        for member in members:
            _save_member(ProposalMember(proposal=proposal, **_member_fields(member)))
        log_event(proposal, user, _("Usulan dicatat."))
    return proposal


def recorded_from(user) -> str:
    """Where a record made by ``user`` comes from: a Fasilitator's home visit, or the desk
    (proposals, profile changes and needs alike)."""
    from puskesos.roles import Role, user_roles

    if Role.FACILITATOR in user_roles(user):
        return PreListProposal.Source.FACILITATOR
    return PreListProposal.Source.DESK


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
        log_event(locked, user, _("Diajukan ke Musyawarah Desa."))
    return locked


def record_result(*, proposal: PreListProposal, user, accepted: bool,
                  note: str = "") -> PreListProposal:
    """The kabupaten's verification of an exported proposal: accepted into the register
    (*diterima*) or refused (*ditolak_kab*, with the reason). Recorded by the
    Koordinator, who runs the Musyawarah Desa and the upload."""
    if not user.has_perm("beneficiaries.change_villagemeeting") or not works_in(
            user, proposal.village_id):
        raise PermissionDenied(_("Hasil verifikasi kabupaten dicatat oleh Koordinator "
                                 "Puskesos desa ini."))
    note = (note or "").strip()
    if not accepted and not note:
        raise ValidationError(_("Tulis alasan penolakan dari kabupaten."))
    with transaction.atomic():
        locked = PreListProposal.objects.select_for_update().get(pk=proposal.pk)
        if locked.status != PreListProposal.Status.EXPORTED:
            raise ValidationError(_("Hasil kabupaten dicatat untuk usulan yang sudah "
                                    "diekspor ke SIKS-NG; status usulan ini: %(status)s.")
                                  % {"status": locked.get_status_display()})
        locked.status = (PreListProposal.Status.ACCEPTED if accepted
                         else PreListProposal.Status.REFUSED)
        locked.save(update_fields=["status", "updated_at"])
        log_event(locked, user, note or _("Diterima kabupaten."))
    return locked


def add_photo(*, proposal: PreListProposal, user, attachment, caption: str = "",
              ) -> ProposalPhoto:
    """Add evidence (a cleaned :class:`intake.attachments.CleanedAttachment`) to a
    proposal that is not decided yet."""
    from django.core.files.base import ContentFile

    if not user.has_perm("beneficiaries.add_proposalphoto") or not works_in(
            user, proposal.village_id):
        raise PermissionDenied(_("Anda tidak dapat menambah bukti untuk usulan ini."))
    if not is_editable(proposal):
        raise ProposalLocked()
    photo = ProposalPhoto(proposal=proposal, caption=(caption or "").strip()[:150],
                          content_type=attachment.content_type,
                          extension=attachment.extension, latitude=attachment.latitude,
                          longitude=attachment.longitude, uploaded_by=user)
    with removed_on_error() as keep, transaction.atomic():
        photo.file.save(f"bukti{attachment.extension}", ContentFile(attachment.content),
                        save=False)
        keep(photo.file)
        photo.save()
    return photo


# --- Near duplicates -----------------------------------------------------------------


@dataclass(frozen=True)
class DuplicateWarning:
    """Someone proposed may already be known: a message and the record to look at."""

    message: str
    url: str
    member: int | None = None
    # The same NIK is in the register: the save is refused, not merely warned about.
    refused: bool = False


NAME_SIMILARITY = 0.6  # trigram similarity of the spelling-neutral names


def _similar(a: str, b: str) -> bool:
    key_a, key_b = name_key(a), name_key(b)
    if not key_a or not key_b:
        return False
    return key_a == key_b or trigram_similarity(
        name_trigrams(key_a), name_trigrams(key_b)) >= NAME_SIMILARITY


def duplicate_warnings(*, no_kk: str, members: list[dict],
                       proposal: PreListProposal | None = None) -> list[DuplicateWarning]:
    """Warnings, not refusals: the same KK number in the register or another open
    proposal, and a member whose name is nearly the same as someone's in the register
    or another open proposal with the same birth date (a NIK typed wrong, a name
    spelled differently). Exact NIK matches are refused by
    :func:`check_proposal_members`."""
    from django.urls import reverse

    warnings: list[DuplicateWarning] = []
    kk = (no_kk or "").strip()
    if kk:
        family = Family.objects.filter(no_kk=kk).select_related("household__village").first()
        if family is not None:
            warnings.append(DuplicateWarning(
                _("Nomor KK ini sudah ada di register: rumah tangga %(id)s (%(village)s). "
                  "Bila keluarga ini sudah terdaftar, catat perubahan data di sana.")
                % {"id": family.household.register_id, "village": family.household.village},
                reverse("household-detail", args=[family.household_id])))
        others = PreListProposal.objects.filter(no_kk=kk, status__in=OPEN_STATUSES)
        if proposal is not None and proposal.pk:
            others = others.exclude(pk=proposal.pk)
        for other in others[:3]:
            warnings.append(DuplicateWarning(
                _("Nomor KK ini sudah ada di usulan #%(n)d yang belum diputuskan.")
                % {"n": other.pk}, reverse("proposal-detail", args=[other.pk])))
    niks = {}
    for index, member in enumerate(members):
        raw = "".join(ch for ch in str(member.get("nik") or "") if ch.isdigit())
        if len(raw) == 16:
            niks.setdefault(raw, index)
    for person in Person.objects.filter(nik__in=niks).select_related("household__village"):
        # Refused by check_proposal_members; here the household to look at instead.
        warnings.append(DuplicateWarning(
            _("NIK %(nik)s (%(name)s) sudah ada di register: rumah tangga %(id)s "
              "(%(village)s). Catat perubahan data di sana bila perlu.")
            % {"nik": mask_nik(person.nik), "name": person.name,
               "id": person.household.register_id, "village": person.household.village},
            reverse("household-detail", args=[person.household_id]), niks[person.nik],
            refused=True))
    for index, member in enumerate(members):
        birth_date, name = member.get("birth_date"), (member.get("name") or "").strip()
        if not birth_date or not name:
            continue
        nik = (member.get("nik") or "").strip()
        people = Person.objects.filter(birth_date=birth_date).exclude(nik=nik or None)
        for person in people.select_related("household__village")[:200]:
            if _similar(name, person.name):
                warnings.append(DuplicateWarning(
                    _("%(name)s, lahir %(date)s, mirip dengan %(other)s di register "
                      "(rumah tangga %(id)s, %(village)s). Periksa apakah orang yang sama.")
                    % {"name": name, "date": birth_date.strftime("%d-%m-%Y"),
                       "other": person.name, "id": person.household.register_id,
                       "village": person.household.village},
                    reverse("household-detail", args=[person.household_id]), index))
        same = ProposalMember.objects.filter(birth_date=birth_date,
                                             proposal__status__in=OPEN_STATUSES)
        if proposal is not None and proposal.pk:
            same = same.exclude(proposal=proposal)
        if nik:
            same = same.exclude(nik=nik)
        for other in same.select_related("proposal")[:200]:
            if _similar(name, other.name):
                warnings.append(DuplicateWarning(
                    _("%(name)s, lahir %(date)s, mirip dengan %(other)s di usulan #%(n)d "
                      "yang belum diputuskan.")
                    % {"name": name, "date": birth_date.strftime("%d-%m-%Y"),
                       "other": other.name, "n": other.proposal_id},
                    reverse("proposal-detail", args=[other.proposal_id]), index))
    return warnings


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
