"""Indonesian login, throttling, password rules, sessions."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from puskesos.roles import Role
from tests.factories import PASSWORD


def test_wrong_password_gets_an_indonesian_message_and_no_session(client, org):
    response = client.post(reverse("login"), {"username": "fo", "password": "salah"})
    assert response.status_code == 200
    assert "Nama pengguna atau kata sandi salah" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_right_password_logs_in(client, org):
    fo = org.users[Role.FRONT_OFFICE]
    response = client.post(reverse("login"), {"username": fo.username, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert client.session["_auth_user_id"] == str(fo.pk)


def test_login_is_throttled_after_repeated_failures(client, org, settings):
    fo = org.users[Role.FRONT_OFFICE]
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": fo.username, "password": "salah"})
    # Even the right password is refused while locked.
    response = client.post(reverse("login"), {"username": fo.username, "password": PASSWORD})
    assert response.status_code == 429
    assert "Akun dikunci sementara" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_user_and_address(client, org, settings):
    fo, bo = org.users[Role.FRONT_OFFICE], org.users[Role.BACK_OFFICE]
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": fo.username, "password": "salah"})
    response = client.post(reverse("login"), {"username": bo.username, "password": PASSWORD})
    assert response.status_code == 302


def test_weak_passwords_are_refused_in_indonesian(db):
    for weak in ("12345678901", "password123", "pendek"):
        try:
            validate_password(weak)
        except ValidationError as error:
            assert any(
                word in " ".join(error.messages) for word in ("terlalu", "karakter", "angka")
            ), error.messages
        else:
            raise AssertionError(f"{weak!r} was accepted")


def test_session_expires_after_inactivity_and_activity_renews_it(client, org, settings):
    from django.contrib.sessions.models import Session

    from puskesos.sessions import KEY

    assert settings.SESSION_COOKIE_AGE == 30 * 60
    client.force_login(org.users[Role.FRONT_OFFICE])
    client.get(reverse("home"))
    key = client.session.session_key
    first = Session.objects.get(session_key=key).expire_date
    # Within the minute: no write (the live search types many requests).
    client.get(reverse("home"))
    assert Session.objects.get(session_key=key).expire_date == first
    # A minute later the session is renewed for another 30 minutes.
    session = client.session
    session[KEY] -= 61
    session.save()
    saved = Session.objects.get(session_key=key).expire_date
    client.get(reverse("home"))
    assert Session.objects.get(session_key=key).expire_date > saved
    # An expired session no longer logs anyone in.
    Session.objects.filter(session_key=key).update(expire_date=first.replace(year=2000))
    assert client.get(reverse("home")).status_code == 302


def test_expired_session_sends_to_login_with_explanation(client, org):
    response = client.get(reverse("home"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("login"))
    assert "sesi Anda berakhir" in response.content.decode()


def test_password_change_enforces_the_rules(client, org):
    fo = org.users[Role.FRONT_OFFICE]
    client.force_login(fo)
    response = client.post(reverse("password-change"), {
        "old_password": PASSWORD, "new_password1": "1234567890", "new_password2": "1234567890",
    })
    assert response.status_code == 200
    fo.refresh_from_db()
    assert fo.check_password(PASSWORD)
    response = client.post(reverse("password-change"), {
        "old_password": PASSWORD, "new_password1": "Cimaung-Baru-77", "new_password2":
        "Cimaung-Baru-77",
    })
    assert response.status_code == 302
    fo.refresh_from_db()
    assert fo.check_password("Cimaung-Baru-77")


def test_logout_requires_post_and_ends_the_session(client, org):
    client.force_login(org.users[Role.FRONT_OFFICE])
    assert client.get(reverse("logout")).status_code == 405
    client.post(reverse("logout"))
    assert "_auth_user_id" not in client.session
