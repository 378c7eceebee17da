"""Helpers of the HTTP look-up benchmark (``test_http_lookup_bench.py``).

* :func:`prepare_database`: a PostgreSQL database of its own with the demo region,
  one Manajer and a synthetic DTKS register imported through ``import_register``;
  reused when it already holds the wanted number of people;
* :class:`Gunicorn`: the production server (``gunicorn -c python:puskesos.gunicorn``)
  in a subprocess, on a free loopback port;
* :class:`Browser`: one logged-in session over one keep-alive connection, standard
  library only (``http.client``), to loopback addresses only;
* :func:`sample_queries`: NIK, KK and misspelled two-word-name queries drawn from
  the CSV extract (not from the database).

Every Django command runs in a subprocess with ``DATABASE_URL`` pointing at the
bench database: nothing here touches the pytest test database.
"""

from __future__ import annotations

import csv
import html
import http.client
import io
import ipaddress
import json
import os
import random
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

BASE_DIR = Path(__file__).resolve().parents[2]
PG_HOST, PG_PORT, PG_USER = "127.0.0.1", 5432, "postgres"
HOST = "127.0.0.1"
MANAGER = "manajer.bandung"
PASSWORD = "Sejahtera-Desa-2026"
DISTRICT_CODE = "32.04.17"
MARKER = 'data-testid="lookup-results"'

# The Manajer alone, in the demo region (seed_demo --people 0 would also leave a
# rejected import of an empty extract behind). Idempotent; unlocks a locked login.
_USERS_SCRIPT = f"""
from axes.utils import reset
from django.contrib.auth.models import User
from puskesos.demo import demo_region
from puskesos.roles import Role
from puskesos.services import staff_member_create

regency, _district, _villages = demo_region()
user = User.objects.filter(username={MANAGER!r}).first()
if user is None:
    staff_member_create(username={MANAGER!r}, password={PASSWORD!r},
                        full_name="Siti Rahmawati", roles=[Role.MANAGER], unit=regency,
                        job_title="Manajer SLRT Dinsos")
else:
    user.set_password({PASSWORD!r})
    user.is_active = True
    user.save(update_fields=["password", "is_active"])
reset(username={MANAGER!r})
"""


# ---------------------------------------------------------------------------
# Database and register
# ---------------------------------------------------------------------------


def database_name() -> str:
    name = os.environ.get("BENCH_HTTP_DB", "puskesos_http_bench")
    # The bench creates, migrates, imports into and may drop this database.
    if not re.fullmatch(r"[a-z0-9_]+", name) or "bench" not in name:
        raise ValueError(f"BENCH_HTTP_DB={name!r}: use a name of [a-z0-9_] containing 'bench'")
    return name


def database_url(name: str) -> str:
    return f"postgres://{PG_USER}@{PG_HOST}:{PG_PORT}/{name}"


def django_env(name: str, static_root: Path) -> dict[str, str]:
    """Production settings on plain HTTP on localhost, with the bench database."""
    env = dict(os.environ)
    env.pop("FAST_PASSWORD_HASHER", None)
    env.update(
        DATABASE_URL=database_url(name),
        DJANGO_DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",
        SECURE_COOKIES="false",
        STATIC_ROOT=str(static_root),
        PYTHONUNBUFFERED="1",
    )
    return env


def _pg(dbname: str):
    import psycopg2

    conn = psycopg2.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, dbname=dbname)
    conn.autocommit = True
    return conn


def _scalar(name: str, sql: str, params=()):
    conn = _pg(name)
    try:
        with conn.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()[0]
    finally:
        conn.close()


def _database_exists(name: str) -> bool:
    return bool(_scalar("postgres", "SELECT count(*) FROM pg_database WHERE datname = %s",
                        [name]))


def _create_database(name: str, drop: bool = False) -> None:
    conn = _pg("postgres")
    try:
        with conn.cursor() as cursor:
            if drop:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            cursor.execute(f'CREATE DATABASE "{name}"')
    finally:
        conn.close()


def _people_in(name: str) -> int:
    exists = _scalar(name, "SELECT to_regclass('beneficiaries_person') IS NOT NULL")
    return _scalar(name, "SELECT count(*) FROM beneficiaries_person") if exists else 0


def manage(env: dict[str, str], *args: str, timeout: float = 3600) -> tuple[float, str]:
    """Run ``manage.py`` in a subprocess; returns (seconds, output). Fails loudly."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True,
        text=True, timeout=timeout, check=False,
    )
    seconds = time.perf_counter() - start
    output = (done.stdout + done.stderr).strip()
    if done.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed ({done.returncode}):\n"
                           f"{output[-4000:]}")
    return seconds, output


def csv_path(people: int) -> Path:
    default = Path(tempfile.gettempdir()) / f"puskesos-bench-dtks-{people}.csv"
    return Path(os.environ.get("BENCH_HTTP_CSV", default))


@dataclass
class Prepared:
    name: str
    env: dict[str, str]
    csv: Path
    people: int
    steps: dict[str, float] = field(default_factory=dict)  # step -> seconds
    notes: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def prepare_database(people: int, static_root: Path) -> Prepared:
    """The bench database with ``people`` imported, made or reused; static files collected."""
    name = database_name()
    env = django_env(name, static_root)
    prep = Prepared(name=name, env=env, csv=csv_path(people), people=people)
    if not _database_exists(name):
        _create_database(name)
        prep.notes.append(f"created database {name}")
    found = _people_in(name)
    if found not in (0, people):
        prep.notes.append(f"{name} held {found:,} people, not {people:,}: recreated")
        _create_database(name, drop=True)
        found = 0
    prep.steps["migrate"], _ = manage(env, "migrate", "--no-input")
    prep.steps["demo region + Manajer"], _ = manage(env, "shell", "-c", _USERS_SCRIPT)
    if not prep.csv.exists():
        part = prep.csv.with_name(prep.csv.name + ".part")
        prep.steps["generate_register (CSV)"], _ = manage(
            env, "generate_register", str(part), "--people", str(people), "--format", "csv")
        part.replace(prep.csv)
    else:
        prep.notes.append(f"reused {prep.csv}")
    if found == people:
        prep.notes.append(f"reused the register in {name} ({people:,} people): not imported")
    else:
        seconds, output = manage(env, "import_register", str(prep.csv), "--village",
                                 DISTRICT_CODE)
        prep.steps["import_register"] = seconds
        prep.notes.extend(line.strip() for line in output.splitlines()[:3])
        start = time.perf_counter()
        conn = _pg(name)
        try:
            with conn.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        finally:
            conn.close()
        prep.steps["VACUUM ANALYZE"] = time.perf_counter() - start
    prep.steps["collectstatic"], _ = manage(env, "collectstatic", "--no-input")
    for table in ("household", "family", "person"):
        prep.counts[table] = _scalar(name, f"SELECT count(*) FROM beneficiaries_{table}")
    prep.counts["distinct names"] = _scalar(name, "SELECT count(*) FROM "
                                                  "beneficiaries_person_names")
    if prep.counts["person"] != people:
        raise RuntimeError(f"{name} holds {prep.counts['person']:,} people, not {people:,}")
    return prep


def missing_niks(name: str, niks: list[str]) -> int:
    """How many of these NIKs the database lacks (a CSV regenerated since the import)."""
    present = _scalar(name, "SELECT count(*) FROM beneficiaries_person WHERE nik = ANY(%s)",
                      [niks])
    return len(set(niks)) - present


# ---------------------------------------------------------------------------
# gunicorn
# ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class Gunicorn:
    """``gunicorn -c python:puskesos.gunicorn puskesos.wsgi`` on a free loopback port."""

    def __init__(self, env: dict[str, str], workers: int):
        self.port = free_port()
        self.workers = workers
        self.threads = int(env.get("GUNICORN_THREADS", 1))  # puskesos/gunicorn.py
        self.env = {**env, "BIND": f"{HOST}:{self.port}", "WEB_CONCURRENCY": str(workers)}
        self.log = Path(tempfile.gettempdir()) / "puskesos-http-bench-gunicorn.log"  # last run
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> None:
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", "python:puskesos.gunicorn",
                 "puskesos.wsgi"],
                cwd=BASE_DIR, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({self.process.returncode}):\n{self.tail()}")
            try:
                conn = http.client.HTTPConnection(HOST, self.port, timeout=5)
                conn.request("GET", "/healthz/")
                response = conn.getresponse()
                body = response.read()
                conn.close()
                if response.status == 200 and b"ok" in body:
                    return
            except OSError:
                pass
            time.sleep(0.25)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer /healthz/ in {timeout:.0f} s:\n{self.tail()}")

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)  # graceful: the master stops its workers
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # our own session, by its id
            process.wait(timeout=10)

    def tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


# ---------------------------------------------------------------------------
# Where the CPU went during a run (Linux /proc)
# ---------------------------------------------------------------------------


def _process_ticks(pid: int) -> int:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0
    return int(fields[11]) + int(fields[12])  # utime + stime, all threads


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            if int(stat[1]) == pid:
                found.append(int(entry.name))
    return found


def _machine_ticks() -> tuple[int, int, int]:
    """(busy, idle, iowait) ticks of all cores."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle, iowait = values[3], values[4]
    return sum(values[:8]) - idle - iowait, idle, iowait


def connections_per_worker(gunicorn_pid: int, port: int) -> list[int]:
    """Established client connections each gunicorn worker holds (most first).

    A gthread worker keeps a keep-alive connection to itself: the spread decides
    how evenly the clients' requests are shared among the workers.
    """
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if fields[3] == "01" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(fields[9])
    counts = []
    for pid in _children(gunicorn_pid):
        try:
            links = [os.readlink(f) for f in Path(f"/proc/{pid}/fd").iterdir()]
        except OSError:
            continue
        counts.append(sum(link[8:-1] in inodes for link in links if link.startswith("socket:")))
    return sorted(counts, reverse=True)


class CpuMeter:
    """CPU of the gunicorn workers, of the database's backends, of this process
    (the load generator) and of the whole machine between :meth:`start` and :meth:`stop`.

    Processes that end meanwhile (a worker recycled after ``max_requests``) lose
    their share; the rest of the machine's busy time is "other".
    """

    def __init__(self, gunicorn_pid: int, database: str):
        self.gunicorn_pid, self.database = gunicorn_pid, database
        self.hz = os.sysconf("SC_CLK_TCK")

    def _backends(self) -> list[int]:
        conn = _pg(self.database)
        try:
            with conn.cursor() as cursor:
                cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s "
                               "AND pid <> pg_backend_pid()", [self.database])
                return [row[0] for row in cursor.fetchall()]
        finally:
            conn.close()

    def _snapshot(self) -> dict:
        workers = _children(self.gunicorn_pid)
        backends = self._backends()
        return {
            "workers": {p: _process_ticks(p) for p in workers},
            "backends": {p: _process_ticks(p) for p in backends},
            "self": time.process_time(),
            "machine": _machine_ticks(),
            "wall": time.perf_counter(),
        }

    def start(self) -> None:
        self.before = self._snapshot()

    def stop(self) -> dict[str, float]:
        """Shares in % of one core: workers, PostgreSQL, load generator, other, iowait, idle."""
        after = self._snapshot()
        wall = after["wall"] - self.before["wall"]

        def delta(group):
            return sum(t - self.before[group].get(p, 0) for p, t in after[group].items()
                       if p in self.before[group]) / self.hz

        workers, backends = delta("workers"), delta("backends")
        client = after["self"] - self.before["self"]
        busy, idle, iowait = (
            (a - b) / self.hz
            for a, b in zip(after["machine"], self.before["machine"], strict=True)
        )
        shares = {"gunicorn workers": workers, "PostgreSQL backends": backends,
                  "load generator (this process)": client,
                  "other processes": max(0.0, busy - workers - backends - client),
                  "iowait": iowait, "idle": idle}
        return {k: 100 * v / wall for k, v in shares.items()}


# ---------------------------------------------------------------------------
# A browser: one session, one keep-alive connection
# ---------------------------------------------------------------------------

_CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_RETRYABLE = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError,
              http.client.CannotSendRequest, http.client.BadStatusLine)


class Browser:
    """Logs in like a browser (CSRF cookie + token) and keeps its cookies."""

    def __init__(self, port: int, host: str = HOST, timeout: float = 30,
                 keepalive: bool = True):
        if not ipaddress.ip_address(host).is_loopback:  # traffic to this machine only
            raise ValueError(f"not a loopback address: {host}")
        self.host, self.port, self.timeout = host, port, timeout
        # keepalive=False: a new connection per request, as nginx proxies by default.
        self.keepalive = keepalive
        self.origin = f"http://{host}:{port}"
        self.cookies: dict[str, str] = {}
        self.conn: http.client.HTTPConnection | None = None
        self.reconnects = 0

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def _store_cookies(self, response: http.client.HTTPResponse) -> None:
        for header in response.headers.get_all("Set-Cookie") or []:
            jar = SimpleCookie()
            jar.load(header)
            for key, morsel in jar.items():
                if morsel["max-age"] == "0" or morsel.value == "":
                    self.cookies.pop(key, None)
                else:
                    self.cookies[key] = morsel.value

    def request(self, method: str, path: str, body: str | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, dict, bytes, float]:
        """Send and read the whole body; returns (status, headers, body, seconds).

        A keep-alive connection the server closed meanwhile (a worker recycled after
        ``max_requests``) is reopened and the request sent again, timed afresh.
        """
        all_headers = {
            "User-Agent": "puskesos-http-bench/1.0",
            "Accept": "text/html,*/*;q=0.8",
            "Accept-Language": "id,en;q=0.5",
            **(headers or {}),
        }
        if not self.keepalive:
            all_headers["Connection"] = "close"
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port,
                                                       timeout=self.timeout)
            try:
                start = time.perf_counter()
                self.conn.request(method, path, body=body, headers=all_headers)
                response = self.conn.getresponse()
                data = response.read()
                seconds = time.perf_counter() - start
            except _RETRYABLE:
                self.close()
                if attempt == 2:
                    raise
                self.reconnects += 1
                continue
            self._store_cookies(response)
            if response.will_close:
                self.close()
            return response.status, dict(response.headers), data, seconds
        raise AssertionError("unreachable")

    def login(self, username: str = MANAGER, password: str = PASSWORD) -> None:
        status, _headers, body, _s = self.request("GET", "/masuk/")
        if status != 200:
            raise RuntimeError(f"GET /masuk/: {status}")
        match = _CSRF_INPUT.search(body.decode())
        if not match or "csrftoken" not in self.cookies:
            raise RuntimeError("GET /masuk/: no CSRF token or cookie")
        form = urlencode({"csrfmiddlewaretoken": match.group(1), "username": username,
                          "password": password, "next": ""})
        status, headers, body, _s = self.request(
            "POST", "/masuk/", body=form,
            headers={"Content-Type": "application/x-www-form-urlencoded",
                     "Origin": self.origin, "Referer": f"{self.origin}/masuk/"},
        )
        if status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"login as {username} failed: {status} "
                               f"{headers.get('Location', '')} {body[:300]!r}")

    def lookup(self, query: str) -> tuple[int, str, float]:
        """The live-search request htmx sends from the register page."""
        status, _headers, body, seconds = self.request(
            "GET", "/register/cari/?" + urlencode({"q": query}),
            headers={"HX-Request": "true", "HX-Current-URL": f"{self.origin}/register/",
                     "Referer": f"{self.origin}/register/"},
        )
        return status, body.decode("utf-8", errors="replace"), seconds


# ---------------------------------------------------------------------------
# Queries from the extract
# ---------------------------------------------------------------------------

# Old (pre-1972 EYD) spellings a clerk or an old document still uses.
_OLD_SPELLINGS = (("U", "OE"), ("J", "DJ"), ("C", "TJ"), ("NY", "NJ"), ("SY", "SJ"),
                  ("KH", "CH"))


def mask(number: str) -> str:
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


@dataclass(frozen=True)
class Query:
    kind: str  # "NIK", "KK", "name"
    text: str  # what the clerk types
    nik: str  # the person the query is drawn from
    name: str
    how: str = ""  # for names: the misspelling

    def found(self, body: str) -> bool:
        """NIK/KK: that person's masked NIK and name; name: the real name in the top 20.

        A KK number that is also someone's NIK (the two share one format) shows that
        person, with a hint naming the KK: found too (see :meth:`kk_is_a_nik`).
        """
        name = html.escape(self.name)
        if self.kind == "name":
            return name in body
        return (mask(self.nik) in body and name in body) or self.kk_is_a_nik(body)

    def kk_is_a_nik(self, body: str) -> bool:
        return (self.kind == "KK" and 'data-kind="nik"' in body
                and f"nomor KK sebuah keluarga di register: {mask(self.text)}" in body)


def _drop(word: str, rnd: random.Random) -> str | None:
    if len(word) <= 3:
        return None
    at = rnd.randrange(1, len(word))
    return word[:at] + word[at + 1:]


def _swap(word: str, rnd: random.Random) -> str | None:
    spots = [i for i in range(1, len(word) - 1) if word[i] != word[i + 1]]
    if len(word) <= 3 or not spots:
        return None
    at = rnd.choice(spots)
    return word[:at] + word[at + 1] + word[at] + word[at + 2:]


def _old(word: str, rnd: random.Random) -> str | None:
    options = [(new, old) for new, old in _OLD_SPELLINGS if new in word]
    if not options:
        return None
    new, old = rnd.choice(options)
    return word.replace(new, old, 1)


def misspell(name: str, rnd: random.Random) -> tuple[str, str]:
    """A two-word name as a clerk may type it: (text, how)."""
    words = name.split()
    assert len(words) == 2, name
    hows = []
    kinds = ["drop", "swap", "old"]
    rnd.shuffle(kinds)
    for kind in kinds:  # the first that applies to one of the words
        i = rnd.randrange(2)
        for j in (i, 1 - i):
            changed = {"drop": _drop, "swap": _swap, "old": _old}[kind](words[j], rnd)
            if changed and changed != words[j]:
                words[j] = changed
                hows.append(kind)
                break
        if hows:
            break
    if rnd.random() < 0.3 or not hows:
        words.reverse()
        hows.append("words")
    return " ".join(words), "+".join(hows)


def read_rows(path: Path, wanted: set[int]) -> list[tuple[str, str, str]]:
    """(NIK, NO KK, NAMA) of the wanted data rows (0-based), in file order."""
    rows = []
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        nik, kk, name = (header.index(c) for c in ("NIK", "NO KK", "NAMA"))
        for i, row in enumerate(reader):
            if i in wanted:
                rows.append((row[nik].strip(), row[kk].strip(), " ".join(row[name].split())))
    return rows


def sample_queries(path: Path, people: int, sizes: list[int], seed: int) -> list[list[Query]]:
    """Lists of the given sizes: ~40% NIK, ~20% KK, ~40% misspelled two-word names.

    No person appears twice across all lists.
    """
    rnd = random.Random(seed)
    total = sum(sizes)
    wanted = set(rnd.sample(range(people), min(people, 3 * total + 100)))
    rows = read_rows(path, wanted)
    return queries_from_rows(rows, sizes, rnd)


def queries_from_rows(rows: list[tuple[str, str, str]], sizes: list[int],
                      rnd: random.Random) -> list[list[Query]]:
    """:func:`sample_queries` from given (NIK, NO KK, NAMA) rows, which it shuffles."""
    rnd.shuffle(rows)
    two_words = [r for r in rows if len(r[2].split()) == 2]
    used: set[str] = set()
    any_rows = iter(rows)
    name_rows = iter(two_words)

    def take(source):
        for row in source:
            if row[0] not in used:
                used.add(row[0])
                return row
        raise RuntimeError("not enough rows sampled from the extract")

    lists = []
    for size in sizes:
        kinds = ["NIK"] * round(size * 0.4) + ["KK"] * round(size * 0.2)
        kinds += ["name"] * (size - len(kinds))
        rnd.shuffle(kinds)
        queries = []
        for kind in kinds:
            if kind == "name":
                nik, _kk, name = take(name_rows)
                text, how = misspell(name, rnd)
                queries.append(Query("name", text, nik, name, how))
            else:
                nik, kk, name = take(any_rows)
                queries.append(Query(kind, nik if kind == "NIK" else kk, nik, name))
        lists.append(queries)
    return lists


# ---------------------------------------------------------------------------
# The front-office desk (test_http_desk_bench.py)
# ---------------------------------------------------------------------------

FRONT_OFFICE = "fo.bench"
DESK_MARKER = 'data-testid="desk-lookup"'
DESK_FORM = "/layanan/kunjungan/baru/"
DESK_LOOKUP = "/layanan/kunjungan/cek/"
RECEIPT_LOCATION = re.compile(r"^(?:https?://[^/]+)?/layanan/pengaduan/(\d+)/tanda-terima/$")

# A Front Office clerk of the village with the most people (the look-up is scoped to
# the clerk's village). Idempotent; unlocks a locked login. Prints one JSON line.
_DESK_SCRIPT = f"""
import json
from axes.utils import reset
from django.contrib.auth.models import User
from django.db.models import Count
from beneficiaries.models import Person
from puskesos.models import Village
from puskesos.roles import Role
from puskesos.scoping import staff_profile
from puskesos.services import staff_member_create
from referrals.models import Sector

top = (Person.objects.values("village").annotate(n=Count("pk")).order_by("-n", "village")
       .first())
village = Village.objects.get(pk=top["village"])
user = User.objects.filter(username={FRONT_OFFICE!r}).first()
if user is not None and staff_profile(user).village_id != village.pk:
    raise SystemExit(f"{FRONT_OFFICE} serves {{staff_profile(user).village}}, not {{village}}")
if user is None:
    staff_member_create(username={FRONT_OFFICE!r}, password={PASSWORD!r},
                        full_name="Petugas Front Office Bench", roles=[Role.FRONT_OFFICE],
                        unit=village, job_title="Petugas Front Office")
else:
    user.set_password({PASSWORD!r})
    user.is_active = True
    user.save(update_fields=["password", "is_active"])
reset(username={FRONT_OFFICE!r})
print("DESK_SETUP " + json.dumps({{
    "village_pk": village.pk, "village_code": village.code, "village_name": village.name,
    "people": top["n"], "sector_pk": Sector.objects.get(code="pangan").pk,
}}))
"""


@dataclass(frozen=True)
class DeskSetup:
    village_pk: int
    village_code: str
    village_name: str
    people: int  # in the clerk's village
    sector_pk: int  # the sector "pangan"
    seconds: float


def desk_setup(env: dict[str, str]) -> DeskSetup:
    """The Front Office user ``fo.bench`` in the village with the most people."""
    seconds, output = manage(env, "shell", "-c", _DESK_SCRIPT)
    line = next(line for line in output.splitlines() if line.startswith("DESK_SETUP "))
    return DeskSetup(**json.loads(line.removeprefix("DESK_SETUP ")), seconds=seconds)


@dataclass(frozen=True)
class Resident:
    """One person of the extract, as the desk registers them."""

    nik: str
    no_kk: str
    name: str
    address: str
    dusun: str
    rt: str
    rw: str


def village_residents(path: Path, village_code: str) -> list[Resident]:
    """Every person of one village (``KODE WILAYAH``) in the CSV extract, in file order."""
    residents = []
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        columns = [header.index(c) for c in ("NIK", "NO KK", "NAMA", "ALAMAT", "DUSUN", "RT",
                                               "RW")]
        code = header.index("KODE WILAYAH")
        for row in reader:
            if row[code].strip() == village_code:
                values = [" ".join(row[c].split()) for c in columns]
                residents.append(Resident(*values))
    return residents


def people_by_nik(name: str, niks: list[str]) -> dict[str, list[int]]:
    """NIK -> the village pks of the register's people with that NIK."""
    conn = _pg(name)
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT nik, village_id FROM beneficiaries_person "
                           "WHERE nik = ANY(%s)", [niks])
            found: dict[str, list[int]] = {}
            for nik, village in cursor.fetchall():
                found.setdefault(nik, []).append(village)
            return found
    finally:
        conn.close()


def complaint_count(name: str, village_pk: int) -> int:
    return _scalar(name, "SELECT count(*) FROM referrals_complaint WHERE village_id = %s",
                   [village_pk])


def complaint_sequences(name: str, village_pk: int) -> dict[str, list[int]]:
    """period (YYYYMM) -> the registration sequences of the village's complaints, sorted."""
    conn = _pg(name)
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT period, sequence FROM referrals_complaint "
                           "WHERE village_id = %s ORDER BY period, sequence", [village_pk])
            found: dict[str, list[int]] = {}
            for period, sequence in cursor.fetchall():
                found.setdefault(period, []).append(sequence)
            return found
    finally:
        conn.close()


def registered_complaints(name: str, pks: list[int]) -> list[tuple]:
    """(complaint pk, village pk, state, visit NIK, linked to a register person,
    house photos with coordinates) of the given complaints."""
    conn = _pg(name)
    try:
        with conn.cursor() as cursor:
            cursor.execute(
                "SELECT c.id, c.village_id, c.state, v.nik, v.person_id IS NOT NULL, "
                "(SELECT count(*) FROM intake_attachment a WHERE a.visit_id = v.id "
                " AND a.kind = 'foto_rumah' AND a.latitude IS NOT NULL) "
                "FROM referrals_complaint c JOIN intake_visit v ON v.id = c.visit_id "
                "WHERE c.id = ANY(%s) ORDER BY c.id", [pks])
            return cursor.fetchall()
    finally:
        conn.close()


def house_photo(latitude: float, longitude: float, target: int = 300_000,
                seed: int = 0) -> bytes:
    """A JPEG house photo of about ``target`` bytes with a camera make and GPS in its EXIF
    (a textured 1600x1200 picture: the desk decodes, turns, re-encodes it)."""
    from PIL import Image

    def dms(value: float):
        total = round(abs(value) * 3600, 4)  # in seconds of arc
        return (int(total // 3600), int(total % 3600 // 60), round(total % 60, 4))

    size = (1600, 1200)
    rnd = random.Random(seed)
    noise = Image.frombytes("L", (200, 150), rnd.randbytes(200 * 150)).resize(size)
    gradient = Image.linear_gradient("L").resize(size)
    image = Image.merge("RGB", (noise, gradient, Image.blend(noise, gradient, 0.5)))
    exif = Image.Exif()
    exif[0x010F] = "Kamera Desa"
    exif[0x8825] = {1: "S" if latitude < 0 else "N", 2: dms(latitude),
                    3: "W" if longitude < 0 else "E", 4: dms(longitude)}
    best = b""
    for quality in range(95, 20, -5):  # the first quality at or under the target size
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=quality, exif=exif)
        best = buffer.getvalue()
        if len(best) <= target:
            break
    return best


def multipart(fields: dict[str, str], files: dict[str, tuple[str, str, bytes]]
              ) -> tuple[bytes, str]:
    """A multipart/form-data body as a browser sends it: (body, Content-Type)."""
    boundary = "----puskesosbench" + secrets.token_hex(12)
    parts = []
    for key, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n'
                     f"{value}\r\n".encode())
    for key, (filename, content_type, content) in files.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"; '
                     f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'.encode()
                     + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class DeskBrowser(Browser):
    """A Front Office clerk's browser at the registration form."""

    csrf_token = ""

    def desk_lookup(self, query: str) -> tuple[int, str, float]:
        """The register check htmx sends from the registration form."""
        status, _headers, body, seconds = self.request(
            "GET", DESK_LOOKUP + "?" + urlencode({"q": query}),
            headers={"HX-Request": "true", "HX-Current-URL": self.origin + DESK_FORM,
                     "Referer": self.origin + DESK_FORM},
        )
        return status, body.decode("utf-8", errors="replace"), seconds

    def open_form(self) -> tuple[int, str, float]:
        """GET the registration form; keeps its CSRF token for the next POST."""
        status, _headers, body, seconds = self.request(
            "GET", DESK_FORM, headers={"Referer": self.origin + "/layanan/hari-ini/"})
        text = body.decode("utf-8", errors="replace")
        match = _CSRF_INPUT.search(text)
        if status == 200 and match:
            self.csrf_token = match.group(1)
        return status, text, seconds

    def register(self, fields: dict[str, str],
                 files: dict[str, tuple[str, str, bytes]] | None = None
                 ) -> tuple[int, str, bytes, float]:
        """POST the form (multipart when there are files); returns (status, Location,
        body, seconds). The redirect is not followed: the receipt page it leads to
        would show and drop the flash message, so its cookie is dropped here."""
        fields = {"csrfmiddlewaretoken": self.csrf_token, **fields}
        if files:
            body, content_type = multipart(fields, files)
        else:
            body, content_type = urlencode(fields).encode(), "application/x-www-form-urlencoded"
        status, headers, data, seconds = self.request(
            "POST", DESK_FORM, body=body,
            headers={"Content-Type": content_type, "Origin": self.origin,
                     "Referer": self.origin + DESK_FORM},
        )
        self.cookies.pop("messages", None)
        return status, headers.get("Location", ""), data, seconds


class SampledCpuMeter(CpuMeter):
    """:class:`CpuMeter` that also counts processes born or gone during the run.

    Every ``interval`` seconds a thread notes the CPU ticks of the gunicorn workers
    and of the database's backends: a backend that Django replaces meanwhile
    (``CONN_MAX_AGE``) or a worker recycled after ``max_requests`` keeps its share up
    to the last look instead of landing in "other". Processes born during the run
    count from zero.
    """

    def __init__(self, gunicorn_pid: int, database: str, interval: float = 0.5):
        super().__init__(gunicorn_pid, database)
        self.interval = interval
        self._stop = threading.Event()

    def _look(self) -> None:
        snap = CpuMeter._snapshot(self)
        for group in ("workers", "backends"):
            for pid, ticks in snap[group].items():
                self.first[group].setdefault(pid, 0)  # born during the run
                if ticks:  # 0: gone between listing and reading
                    self.last[group][pid] = ticks

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            self._look()

    def start(self) -> None:
        super().start()
        self.first = {group: dict(self.before[group]) for group in ("workers", "backends")}
        self.last = {group: dict(self.before[group]) for group in ("workers", "backends")}
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="cpu-meter", daemon=True)
        self._thread.start()

    def stop(self) -> dict[str, float]:
        self._stop.set()
        self._thread.join()
        self._look()
        after = CpuMeter._snapshot(self)
        wall = after["wall"] - self.before["wall"]

        def delta(group):
            return sum(ticks - self.first[group][pid]
                       for pid, ticks in self.last[group].items()) / self.hz

        workers, backends = delta("workers"), delta("backends")
        client = after["self"] - self.before["self"]
        busy, idle, iowait = (
            (a - b) / self.hz
            for a, b in zip(after["machine"], self.before["machine"], strict=True)
        )
        shares = {"gunicorn workers": workers, "PostgreSQL backends": backends,
                  "load generator (this process)": client,
                  "other processes": max(0.0, busy - workers - backends - client),
                  "iowait": iowait, "idle": idle}
        return {k: 100 * v / wall for k, v in shares.items()}
