"""Errors are explained in Indonesian and change nothing."""

from django.test import Client
from django.urls import reverse
from django.views.defaults import server_error

from puskesos.roles import Role


def test_server_error_page_is_indonesian(rf, db):
    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "tidak ada data yang berubah" in response.content.decode()


def test_missing_page_is_indonesian(client, db):
    response = client.get("/tidak-ada/")
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.content.decode()


def test_form_posted_without_csrf_token_is_refused_in_indonesian(org):
    client = Client(enforce_csrf_checks=True)
    client.force_login(org.users[Role.COORDINATOR])
    response = client.post(reverse("village-update", args=[org.own.code]),
                           {"head_title": "Kepala Desa", "head_name": "Tanpa Token"})
    assert response.status_code == 403
    assert "Formulir kedaluwarsa" in response.content.decode()
    org.own.refresh_from_db()
    assert org.own.head_name != "Tanpa Token"
