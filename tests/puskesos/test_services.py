"""The organisation's services: staff accounts and the village profile."""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from puskesos.models import StaffProfile
from puskesos.roles import Role
from puskesos.services import staff_member_create, village_profile_update


def png_bytes(size=(64, 64)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (25, 135, 84)).save(buffer, "PNG")
    return buffer.getvalue()


def test_role_must_fit_the_unit(org):
    with pytest.raises(ValidationError, match="tidak cocok"):
        staff_member_create(username="x", password="Uji-Kata-Sandi-2026", full_name="X",
                            roles=[Role.SUPERVISOR], unit=org.own)
    with pytest.raises(ValidationError):
        staff_member_create(username="y", password="Uji-Kata-Sandi-2026", full_name="Y",
                            roles=[], unit=org.own)
    assert not StaffProfile.objects.filter(user__username__in=["x", "y"]).exists()


def test_profile_needs_exactly_one_unit(org):
    profile = org.users[Role.FRONT_OFFICE].staff_profile
    profile.district = org.district
    with pytest.raises(ValidationError, match="tepat satu unit"):
        profile.full_clean()


def test_coordinator_updates_own_village_but_not_another(org):
    koordinator = org.users[Role.COORDINATOR]
    village_profile_update(actor=koordinator, village=org.own, data={"head_name": "Baru"})
    org.own.refresh_from_db()
    assert org.own.head_name == "Baru"
    with pytest.raises(PermissionDenied):
        village_profile_update(actor=koordinator, village=org.sibling, data={"head_name": "X"})
    with pytest.raises(PermissionDenied):
        village_profile_update(actor=org.users[Role.FRONT_OFFICE], village=org.own,
                               data={"head_name": "X"})


def test_logo_upload_is_served_to_the_village(client, org, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(org.users[Role.COORDINATOR])
    response = client.post(
        reverse("village-update", args=[org.own.code]),
        {"head_title": "Kepala Desa", "head_name": "H. Asep",
         "logo": SimpleUploadedFile("logo.png", png_bytes(), content_type="image/png")},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    logo = client.get(reverse("village-logo", args=[org.own.code]))
    assert logo.status_code == 200
    assert b"".join(logo.streaming_content).startswith(b"\x89PNG")


def test_a_logo_that_is_not_an_image_is_refused_and_nothing_changes(client, org, settings,
                                                                   tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(org.users[Role.COORDINATOR])
    response = client.post(
        reverse("village-update", args=[org.own.code]),
        {"head_title": "Kepala Desa", "head_name": "Diubah",
         "logo": SimpleUploadedFile("logo.png", b"<html>bukan gambar</html>",
                                    content_type="image/png")},
    )
    assert response.status_code == 200
    assert "gambar" in response.content.decode()
    org.own.refresh_from_db()
    assert org.own.head_name != "Diubah" and not org.own.logo
    # What was typed stays on the page.
    assert 'value="Diubah"' in response.content.decode()
