"""Keeping the register current between extracts (DOMAIN.md §4, "What the Facilitator
and the desk record"): profile changes, programme participation and programme needs.

Nothing here overwrites an imported row. A profile change sits beside the register
until the Musyawarah Desa decides it and the next extract confirms it
(:func:`confirm_changes_from_register`, run after each import); a participation
recorded here has its own source; a need is what a household should get and does not.

Writes: record_change, record_participation, confirm_need, dismiss_need, mark_need_met.
Reads: need_suggestions, pending_changes.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from puskesos.files import removed_on_error
from puskesos.scoping import works_in

from .identity import IdentityError, parse_nik
from .models import (
    Household,
    NeedRule,
    Participation,
    Person,
    PreListProposal,
    ProfileChange,
    Programme,
    ProgrammeNeed,
    Relation,
)
from .proposal_services import recorded_from
from .selectors import age_on

Kind = ProfileChange.Kind


class UpkeepError(Exception):
    """A record refused, with its Indonesian message and the field it is about."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.message = str(message)
        self.field = field


def _require(user, permission, village_id, message):
    if not user.has_perm(permission) or not works_in(user, village_id):
        raise PermissionDenied(message)


# --- Profile changes -----------------------------------------------------------------

# What each kind needs: a person of the household, and which details.
NEEDS_PERSON = {Kind.MOVED, Kind.DIED}
DETAIL_FIELDS = ("name", "nik", "birth_date", "sex", "relation", "address", "moved_to")


def _clean_details(kind, person, details: dict, household) -> dict:
    details = {k: (v.strip() if isinstance(v, str) else v)
               for k, v in (details or {}).items() if k in DETAIL_FIELDS and v not in (None, "")}
    if isinstance(details.get("birth_date"), datetime.date):
        details["birth_date"] = details["birth_date"].isoformat()
    if "relation" in details:
        details["relation"] = int(details["relation"])
    if kind == Kind.NEW_MEMBER:
        if not details.get("name"):
            raise UpkeepError(_("Tulis nama anggota baru."), "name")
        if details.get("nik"):
            try:
                details["nik"] = parse_nik(details["nik"]).nik
            except IdentityError as error:
                raise UpkeepError(error.message, "nik") from None
            other = Person.objects.filter(nik=details["nik"]).select_related("household").first()
            if other is not None:
                raise UpkeepError(
                    _("NIK ini sudah ada di register (rumah tangga %(id)s) — catat "
                      "perpindahan dari rumah tangga itu, bukan anggota baru.")
                    % {"id": other.household.register_id}, "nik")
        if not details.get("relation"):
            raise UpkeepError(_("Pilih hubungan dengan kepala keluarga."), "relation")
    elif kind == Kind.CORRECTION:
        if person is None and set(details) - {"address"}:
            raise UpkeepError(_("Pilih anggota yang datanya dikoreksi."), "person")
        wanted = {"name", "birth_date", "nik", "sex", "address"} & set(details)
        if not wanted:
            raise UpkeepError(_("Isi paling sedikit satu data yang benar: nama, tanggal "
                                "lahir, NIK, jenis kelamin atau alamat."), "name")
        if details.get("nik"):
            try:
                details["nik"] = parse_nik(details["nik"]).nik
            except IdentityError as error:
                raise UpkeepError(error.message, "nik") from None
        unchanged = [key for key in ("name", "nik", "sex") if person is not None
                     and key in details and str(getattr(person, key) or "") == details[key]]
        if person is not None and details.get("birth_date") == (
                person.birth_date.isoformat() if person.birth_date else None):
            unchanged.append("birth_date")
        if "address" in details and details["address"] == household.address:
            unchanged.append("address")
        if unchanged and len(unchanged) == len(wanted):
            raise UpkeepError(_("Data yang diisi sama dengan register; tidak ada yang "
                                "dikoreksi."), unchanged[0])
    return details


def record_change(*, household: Household, user, kind: str, reporter: str,
                  person: Person | None = None, details: dict | None = None,
                  event_date: datetime.date | None = None, note: str = "",
                  evidence=None) -> ProfileChange:
    """Record a change to a household of the register (status *dicatat*).

    ``evidence`` is a :class:`intake.attachments.CleanedAttachment` or None. Raises
    :class:`UpkeepError` (nothing stored) when the change is incomplete, the person is
    not of this household, or the same change is already waiting."""
    _require(user, "beneficiaries.add_profilechange", household.village_id,
             _("Anda tidak dapat mencatat perubahan data untuk desa ini."))
    if kind not in Kind.values:
        raise UpkeepError(_("Pilih jenis perubahan."), "kind")
    if not (reporter or "").strip():
        raise UpkeepError(_("Tulis nama pelapor."), "reporter")
    if person is not None and person.household_id != household.pk:
        raise UpkeepError(_("Anggota itu bukan anggota rumah tangga ini."), "person")
    if kind in NEEDS_PERSON and person is None:
        raise UpkeepError(_("Pilih anggota yang pindah atau meninggal."), "person")
    if kind == Kind.DIED and event_date is None:
        raise UpkeepError(_("Isi tanggal meninggal."), "event_date")
    if event_date is not None and event_date > timezone.localdate():
        raise UpkeepError(_("Tanggal kejadian tidak boleh di masa depan."), "event_date")
    details = _clean_details(kind, person, details, household)
    with removed_on_error() as keep, transaction.atomic():
        # One waiting change of a kind per person (or household): lock the household
        # so that two clerks recording the same death make one record.
        Household.objects.select_for_update().filter(pk=household.pk).first()
        waiting = ProfileChange.objects.filter(
            household=household, person=person, kind=kind,
            status__in=[ProfileChange.Status.RECORDED, ProfileChange.Status.APPROVED])
        if kind == Kind.NEW_MEMBER:
            waiting = waiting.filter(details__name=details["name"])
        if waiting.exists():
            raise UpkeepError(_("Perubahan yang sama sudah dicatat dan belum dikonfirmasi "
                                "ekstrak (%(change)s).") % {"change": waiting.first()}, "kind")
        change = ProfileChange(
            village_id=household.village_id, household=household, person=person, kind=kind,
            details=details, event_date=event_date, note=(note or "").strip(),
            reporter=reporter.strip(), source=recorded_from(user), recorded_by=user)
        if evidence is not None:
            change.content_type = evidence.content_type
            change.extension = evidence.extension
            change.village = household.village
            change.evidence.save(f"bukti{evidence.extension}", ContentFile(evidence.content),
                                 save=False)
            keep(change.evidence)
        change.full_clean()
        change.save()
    return change


def pending_changes(household: Household) -> list[ProfileChange]:
    """Changes recorded for ``household`` that the register does not show yet."""
    return list(household.changes.exclude(
        status__in=[ProfileChange.Status.CONFIRMED, ProfileChange.Status.REJECTED])
        .select_related("person", "recorded_by").order_by("created_at", "pk"))


def _confirmed(change: ProfileChange) -> bool:
    person = change.person
    details = change.details
    if change.kind == Kind.DIED:
        return person is not None and person.status == Person.Status.DIED
    if change.kind == Kind.MOVED:
        return person is not None and person.status in (Person.Status.MOVED,
                                                        Person.Status.ABSENT)
    if change.kind == Kind.NEW_MEMBER:
        members = Person.objects.filter(household=change.household)
        if details.get("nik"):
            return members.filter(nik=details["nik"]).exists()
        return members.filter(name__iexact=details.get("name", "")).exists()
    if change.kind == Kind.CORRECTION:
        checks = []
        if person is not None:
            for key in ("name", "nik", "sex"):
                if key in details:
                    checks.append(str(getattr(person, key) or "").upper() == details[key].upper())
            if "birth_date" in details:
                checks.append(person.birth_date is not None
                              and person.birth_date.isoformat() == details["birth_date"])
        if "address" in details:
            checks.append(change.household.address.upper() == details["address"].upper())
        return bool(checks) and all(checks)
    if change.kind == Kind.BETTER_OFF:
        return change.household.status == Household.Status.ABSENT
    return False


def confirm_changes_from_register(village_ids) -> int:
    """After an import: the changes that the new extract now shows become
    *terkonfirmasi*. Returns how many."""
    changes = (ProfileChange.objects.filter(village_id__in=village_ids)
               .exclude(status__in=[ProfileChange.Status.CONFIRMED,
                                    ProfileChange.Status.REJECTED])
               .select_related("person", "household"))
    confirmed = [change.pk for change in changes if _confirmed(change)]
    if confirmed:
        ProfileChange.objects.filter(pk__in=confirmed).update(
            status=ProfileChange.Status.CONFIRMED)
    return len(confirmed)


# --- Programme participation ---------------------------------------------------------


def record_participation(*, household: Household, user, programme: Programme,
                         person: Person | None = None, since: datetime.date | None = None,
                         ) -> Participation:
    """Record that a household (or one of its people) receives a programme the extract
    does not show. A confirmed need for that programme becomes *terpenuhi*."""
    _require(user, "beneficiaries.add_participation", household.village_id,
             _("Anda tidak dapat mencatat kepesertaan untuk desa ini."))
    if person is not None and person.household_id != household.pk:
        raise UpkeepError(_("Anggota itu bukan anggota rumah tangga ini."), "person")
    if since is not None and since > timezone.localdate():
        raise UpkeepError(_("Tanggal mulai tidak boleh di masa depan."), "since")
    held = Participation.objects.filter(household=household, programme=programme,
                                        person=person, active=True)
    if held.exists():
        raise UpkeepError(_("%(programme)s sudah tercatat untuk %(who)s.")
                          % {"programme": programme.short_name,
                             "who": person.name if person else _("rumah tangga ini")},
                          "programme")
    with transaction.atomic():
        participation = Participation.objects.create(
            household=household, person=person, programme=programme, since=since,
            source=(Participation.Source.FACILITATOR
                    if recorded_from(user) == PreListProposal.Source.FACILITATOR
                    else Participation.Source.DESK),
            recorded_by=user)
        needs = ProgrammeNeed.objects.filter(household=household, programme=programme,
                                             status=ProgrammeNeed.Status.CONFIRMED)
        if person is not None:
            needs = needs.filter(Q(person=person) | Q(person__isnull=True))
        needs.update(status=ProgrammeNeed.Status.MET, updated_at=timezone.now())
    return participation


# --- Programme needs -----------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    rule: NeedRule
    programme: Programme
    person: Person | None
    reason: str

    @property
    def key(self) -> str:
        return f"{self.programme.pk}:{self.person.pk if self.person else ''}"


def _matches(rule: NeedRule, person: Person, today) -> bool:
    if rule.disability_only and not person.disability:
        return False
    if rule.min_age is not None or rule.max_age is not None:
        age = age_on(person.birth_date, today)
        if age is None:
            return False
        if rule.min_age is not None and age < rule.min_age:
            return False
        if rule.max_age is not None and age > rule.max_age:
            return False
    return True


def need_suggestions(household: Household, *, today: datetime.date | None = None,
                     rules=None) -> list[Suggestion]:
    """What the rules suggest this household (or its people) needs and does not get.

    Leaves out programmes already held (by the person, or by the whole household) and
    needs already recorded in any state (confirmed, dismissed, met): the officer
    decides a suggestion once."""
    today = today or timezone.localdate()
    rules = list(rules if rules is not None else
                 NeedRule.objects.filter(active=True).select_related("programme"))
    members = [m for m in household.members.all() if m.status == Person.Status.PRESENT]
    held_household = set()
    held_person = set()
    for row in Participation.objects.filter(household=household, active=True).values_list(
            "programme_id", "person_id"):
        if row[1] is None:
            held_household.add(row[0])
        else:
            held_person.add(row)
    recorded = set(ProgrammeNeed.objects.filter(household=household)
                   .values_list("programme_id", "person_id"))
    recorded_programmes = {programme for programme, person in recorded if person is None}

    suggestions: list[Suggestion] = []
    seen = set()
    for rule in rules:
        programme = rule.programme
        if rule.max_desil is not None and (household.desil is None
                                           or household.desil > rule.max_desil):
            continue
        if programme.pk in held_household or programme.pk in recorded_programmes:
            continue
        matching = [m for m in members if _matches(rule, m, today)]
        if rule.per_person:
            for person in matching:
                key = (programme.pk, person.pk)
                if key in held_person or key in recorded or key in seen:
                    continue
                seen.add(key)
                suggestions.append(Suggestion(rule, programme, person, rule.name))
        elif matching and (programme.pk, None) not in seen:
            if any(p == programme.pk for p, _person in held_person):
                continue
            seen.add((programme.pk, None))
            suggestions.append(Suggestion(rule, programme, None, rule.name))
    return suggestions


def _need_target(household, person_id, programme_id):
    person = None
    if person_id:
        person = household.members.filter(pk=person_id).first()
        if person is None:
            raise UpkeepError(_("Anggota itu bukan anggota rumah tangga ini."), "person")
    programme = Programme.objects.filter(pk=programme_id, active=True).first()
    if programme is None:
        raise UpkeepError(_("Pilih program."), "programme")
    return person, programme


def _save_need(household, user, person_id, programme_id, status, *, rule_id=None, note=""):
    _require(user, "beneficiaries.add_programmeneed", household.village_id,
             _("Anda tidak dapat mencatat kebutuhan program untuk desa ini."))
    person, programme = _need_target(household, person_id, programme_id)
    rule = NeedRule.objects.filter(pk=rule_id).first() if rule_id else None
    existing = ProgrammeNeed.objects.filter(household=household, person=person,
                                            programme=programme).first()
    if existing is not None:
        raise UpkeepError(_("Kebutuhan %(programme)s untuk %(who)s sudah dicatat (%(status)s).")
                          % {"programme": programme.short_name,
                             "who": person.name if person else _("rumah tangga ini"),
                             "status": existing.get_status_display()}, "programme")
    try:
        with transaction.atomic():
            return ProgrammeNeed.objects.create(
                village_id=household.village_id, household=household, person=person,
                programme=programme, rule=rule, status=status, note=(note or "").strip(),
                source=recorded_from(user), created_by=user)
    except IntegrityError:
        raise UpkeepError(_("Kebutuhan ini baru saja dicatat oleh petugas lain."),
                          "programme") from None


def confirm_need(*, household, user, programme_id, person_id=None, rule_id=None, note=""):
    """Record a need (a suggestion the officer confirms, or one written by hand)."""
    return _save_need(household, user, person_id, programme_id,
                      ProgrammeNeed.Status.CONFIRMED, rule_id=rule_id, note=note)


def dismiss_need(*, household, user, programme_id, person_id=None, rule_id=None, note=""):
    """The officer judges a suggestion does not apply: it is not suggested again."""
    return _save_need(household, user, person_id, programme_id,
                      ProgrammeNeed.Status.DISMISSED, rule_id=rule_id, note=note)


def mark_need_met(*, need: ProgrammeNeed, user) -> ProgrammeNeed:
    """A confirmed need that is now met (the programme was received)."""
    _require(user, "beneficiaries.change_programmeneed", need.village_id,
             _("Anda tidak dapat mengubah kebutuhan program desa ini."))
    with transaction.atomic():
        locked = ProgrammeNeed.objects.select_for_update().get(pk=need.pk)
        if locked.status != ProgrammeNeed.Status.CONFIRMED:
            raise UpkeepError(_("Hanya kebutuhan yang dikonfirmasi yang dapat ditandai "
                                "terpenuhi."))
        locked.status = ProgrammeNeed.Status.MET
        locked.save(update_fields=["status", "updated_at"])
    return locked


RELATION_CHOICES = Relation.choices
