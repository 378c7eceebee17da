"""Roles are Django groups with permissions; this module is their single definition.

The data migrations call :func:`sync_roles` so that each group carries exactly the
permissions listed here. Each app that adds models adds its own data migration that
calls it again, after its permissions exist.
"""

from enum import StrEnum


class Role(StrEnum):
    FRONT_OFFICE = "Front Office"
    BACK_OFFICE = "Back Office"
    COORDINATOR = "Koordinator"
    VILLAGE_HEAD = "Kepala Desa"
    FACILITATOR = "Fasilitator"
    SUPERVISOR = "Supervisor Kecamatan"
    MANAGER = "Manajer Kabupaten"


VILLAGE_ROLES = frozenset(
    {Role.FRONT_OFFICE, Role.BACK_OFFICE, Role.COORDINATOR, Role.VILLAGE_HEAD, Role.FACILITATOR}
)
# Which unit of the staff profile a role is attached to.
ROLE_UNIT = {role: "village" for role in VILLAGE_ROLES} | {
    Role.SUPERVISOR: "district",
    Role.MANAGER: "regency",
}

ROLE_DESCRIPTIONS = {
    Role.FRONT_OFFICE: "Petugas penerima pengaduan: antrian, registrasi, cek register, "
    "tanda terima.",
    Role.BACK_OFFICE: "Petugas pemberi layanan dan rujukan: telaah, penanganan, rujukan, "
    "penutupan.",
    Role.COORDINATOR: "Koordinator Puskesos: mengawasi layanan, menyetujui rujukan, "
    "menandatangani laporan.",
    Role.VILLAGE_HEAD: "Penanggung jawab (Kepala Desa/Lurah): membaca dan menandatangani "
    "laporan.",
    Role.FACILITATOR: "Fasilitator: kunjungan rumah, perubahan data, kebutuhan program, "
    "pengaduan.",
    Role.SUPERVISOR: "Supervisor SLRT kecamatan: menelaah dan menyetujui dari desa-desa di "
    "kecamatan.",
    Role.MANAGER: "Manajer SLRT kabupaten: admin lintas desa, impor DTKS, katalog, pengguna.",
}

_VIEW_ORG = ["puskesos.view_regency", "puskesos.view_district", "puskesos.view_village"]
# Everyone at the desk looks people up in the register and reads the catalogues.
_VIEW_REGISTER = [
    "beneficiaries.view_household", "beneficiaries.view_family", "beneficiaries.view_person",
    "beneficiaries.view_participation", "beneficiaries.view_personppks",
    "beneficiaries.view_programme", "beneficiaries.view_ppkstype",
    "beneficiaries.view_ppkscluster", "referrals.view_agency",
]
_IMPORT_REGISTER = ["beneficiaries.add_importbatch", "beneficiaries.view_importbatch"]
_CATALOGUES = [
    f"{app}.{action}_{model}"
    for app, model in [("beneficiaries", "programme"), ("beneficiaries", "ppkstype"),
                       ("beneficiaries", "ppkscluster"), ("referrals", "agency")]
    for action in ("add", "change")
]

# The front office: queue, visits, complaints, pre-list proposals.
_QUEUE = ["intake.view_queueticket", "intake.add_queueticket", "intake.change_queueticket"]
_REGISTER_VISITS = [
    "intake.view_visit", "intake.add_visit", "intake.view_attachment",
    "referrals.view_complaint", "referrals.add_complaint", "referrals.view_sector",
    "beneficiaries.view_prelistproposal", "beneficiaries.add_prelistproposal",
    "beneficiaries.change_prelistproposal",
]
_READ_VISITS = [
    "intake.view_queueticket", "intake.view_visit", "intake.view_attachment",
    "referrals.view_complaint", "referrals.view_sector", "beneficiaries.view_prelistproposal",
]

# The back office: the complaint workflow and referrals.
_READ_WORKFLOW = ["referrals.view_referral", "referrals.view_complaintevent"]
_BACK_OFFICE = [
    *_READ_WORKFLOW, "referrals.review_complaint", "referrals.handle_complaint",
    "referrals.refer_complaint", "referrals.close_complaint", "referrals.assign_complaint",
    "referrals.inform_citizen", "referrals.add_referral", "referrals.change_referral",
]

# The Musyawarah Desa: the Koordinator runs it; everyone reads its decisions.
_READ_MEETINGS = ["beneficiaries.view_villagemeeting", "beneficiaries.view_meetingdecision"]
_RUN_MEETINGS = [*_READ_MEETINGS, "beneficiaries.add_villagemeeting",
                 "beneficiaries.change_villagemeeting", "beneficiaries.change_meetingdecision"]

# Keeping the register current (desk and Fasilitator): profile changes, programme needs
# and participation, evidence for proposals; everyone else reads them.
_READ_UPKEEP = ["beneficiaries.view_profilechange", "beneficiaries.view_programmeneed",
                "beneficiaries.view_proposalphoto", "beneficiaries.view_proposalevent",
                "beneficiaries.view_needrule"]
_UPKEEP = [*_READ_UPKEEP, "beneficiaries.add_profilechange", "beneficiaries.add_programmeneed",
           "beneficiaries.change_programmeneed", "beneficiaries.add_participation",
           "beneficiaries.add_proposalphoto"]

# Periodic reports: the Koordinator writes the narrative and issues the village report;
# the Kepala Desa reads it and marks it signed; the Supervisor and the Manajer read the
# village reports of their area and have kecamatan/kabupaten reports built.
_READ_REPORTS = ["reports.view_issuedreport", "reports.view_reportnarrative"]
_WRITE_REPORTS = [*_READ_REPORTS, "reports.add_issuedreport", "reports.add_reportnarrative",
                  "reports.change_reportnarrative"]
_SIGN_REPORTS = [*_READ_REPORTS, "reports.sign_issuedreport"]
_AREA_REPORTS = [*_READ_REPORTS, "reports.view_areareport", "reports.add_areareport"]

# "app_label.codename" for every permission a role holds.
ROLE_PERMISSIONS: dict[Role, list[str]] = {
    Role.FRONT_OFFICE: [*_VIEW_ORG, *_VIEW_REGISTER, *_QUEUE, *_REGISTER_VISITS,
                        *_READ_WORKFLOW, *_READ_MEETINGS, *_UPKEEP],
    Role.BACK_OFFICE: [*_VIEW_ORG, *_VIEW_REGISTER, *_READ_VISITS,
                       "beneficiaries.export_register", *_BACK_OFFICE, *_READ_MEETINGS,
                       *_UPKEEP],
    Role.COORDINATOR: [
        *_VIEW_ORG, *_VIEW_REGISTER, *_IMPORT_REGISTER, "beneficiaries.export_register",
        "puskesos.change_village", "puskesos.view_staffprofile", *_QUEUE, *_REGISTER_VISITS,
        *_BACK_OFFICE, "referrals.approve_referral", *_RUN_MEETINGS, *_UPKEEP,
        *_WRITE_REPORTS,
    ],
    Role.VILLAGE_HEAD: [*_VIEW_ORG, *_VIEW_REGISTER, "puskesos.view_staffprofile",
                        "beneficiaries.view_importbatch", *_READ_VISITS, *_READ_WORKFLOW,
                        *_READ_MEETINGS, *_READ_UPKEEP, *_SIGN_REPORTS],
    Role.FACILITATOR: [*_VIEW_ORG, *_VIEW_REGISTER, *_REGISTER_VISITS, *_READ_WORKFLOW,
                       "referrals.inform_citizen", *_UPKEEP],
    Role.SUPERVISOR: [*_VIEW_ORG, *_VIEW_REGISTER, "beneficiaries.export_register",
                      "beneficiaries.view_importbatch", "puskesos.view_staffprofile",
                      *_READ_VISITS, *_READ_WORKFLOW, "referrals.approve_referral_supervisor",
                      *_READ_MEETINGS, *_READ_UPKEEP, *_AREA_REPORTS],
    Role.MANAGER: [
        *_VIEW_ORG, *_VIEW_REGISTER, *_IMPORT_REGISTER, *_CATALOGUES, *_READ_VISITS,
        "referrals.add_sector", "referrals.change_sector", *_READ_WORKFLOW, *_READ_MEETINGS,
        *_READ_UPKEEP, "beneficiaries.add_needrule", "beneficiaries.change_needrule",
        *_AREA_REPORTS,
        "referrals.view_dayoff", "referrals.add_dayoff", "referrals.change_dayoff",
        "referrals.delete_dayoff", "referrals.view_deadlinerule", "referrals.change_deadlinerule",
        "beneficiaries.export_register",
        "puskesos.add_village", "puskesos.change_village",
        "puskesos.add_district", "puskesos.change_district",
        "puskesos.add_regency", "puskesos.change_regency",
        "puskesos.view_staffprofile", "puskesos.add_staffprofile",
        "puskesos.change_staffprofile", "puskesos.delete_staffprofile",
        "auth.view_user", "auth.add_user", "auth.change_user",
        "auth.view_group",
        "auditlog.view_logentry",
        "axes.view_accessattempt", "axes.delete_accessattempt",
        "axes.view_accesslog", "axes.view_accessfailurelog",
    ],
}


def sync_roles(apps, schema_editor=None):
    """Create the role groups and give each exactly the permissions listed above.

    Meant for data migrations (``apps`` is the historical registry). Permissions of
    apps not migrated yet are skipped; their own migration calls this again.
    """
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        # Historical app configs have no models module, which create_permissions
        # takes as "no models"; flag it for the call and restore it afterwards.
        original = getattr(app_config, "models_module", None)
        app_config.models_module = original or True
        try:
            create_permissions(app_config, apps=apps, verbosity=0)
        finally:
            app_config.models_module = original

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, names in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role.value)
        wanted = []
        for name in names:
            app_label, codename = name.split(".")
            perm = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if perm is not None:
                wanted.append(perm)
        group.permissions.set(wanted)


def user_roles(user) -> frozenset[Role]:
    """The roles of a user, read once per request and kept on the user object."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_puskesos_roles", None)
    if cached is None:
        names = set(user.groups.values_list("name", flat=True))
        cached = frozenset(role for role in Role if role.value in names)
        user._puskesos_roles = cached
    return cached


def has_role(user, *roles: Role) -> bool:
    return bool(user_roles(user) & set(roles))
