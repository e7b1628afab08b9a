import os
import threading
import time
from pathlib import Path

import pytest

from renkei.accounts.models import Role
from renkei.accounts.tests.factories import UserFactory
from renkei.places.tests.factories import PlaceFactory


@pytest.fixture(autouse=True, scope="session")
def quick_password_hashing():
    """Passwords are hashed with MD5 in tests. PBKDF2's million rounds cost a quarter of a second
    for every user a test makes and every sign-in, most of the suite's time; the hash is never what a
    test checks, and the settings keep PBKDF2 for everyone else."""
    from django.test import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture
def place(db):
    return PlaceFactory(slug="testville", name_en="Testville", name_ja="テスト市")


@pytest.fixture
def other_place(db):
    return PlaceFactory(slug="otherton", name_en="Otherton")


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin", roles=[Role.ADMINISTRATOR])


@pytest.fixture
def officer(db):
    return UserFactory(username="officer", roles=[Role.PROGRAMME_OFFICER])


@pytest.fixture
def focal_point(db, place):
    return UserFactory(username="focal", roles=[Role.FOCAL_POINT], places=[place])


@pytest.fixture
def reviewer(db):
    return UserFactory(username="reviewer", roles=[Role.REVIEWER])


@pytest.fixture
def secretariat(db):
    return UserFactory(username="secretariat", roles=[Role.NETWORK_SECRETARIAT])


@pytest.fixture
def knowledge_manager(db):
    return UserFactory(username="librarian", roles=[Role.KNOWLEDGE_MANAGER])


@pytest.fixture
def no_role_user(db):
    return UserFactory(username="plain")


@pytest.fixture
def superuser(db):
    """A staff superuser with the administrator role: the one who uses the Django admin."""
    return UserFactory(username="boss", is_staff=True, is_superuser=True, roles=[Role.ADMINISTRATOR])


@pytest.fixture
def staff_client(client, superuser):
    """The test client, signed in as the superuser."""
    client.force_login(superuser)
    return client


@pytest.fixture
def partnerships_demo(db):
    """The demo places, programmes and partnerships (loaded once, then written back: ``snapshot``)."""
    from renkei.core.tests.snapshot import load_once
    from renkei.partnerships.demo import partnerships_demo_load
    from renkei.places.demo import demo_load
    from renkei.programmes.demo import programmes_demo_load

    load_once("partnerships", lambda: (demo_load(), programmes_demo_load(), partnerships_demo_load()))


@pytest.fixture
def whole_demo():
    """Call it to load every app's demo data and the demo accounts (``renkei demo``), the taxonomy
    first (a transactional test has emptied the tables the data migrations filled); once, then
    written back (``snapshot``). A fixture may change settings before it calls it."""
    import io

    from django.core.management import call_command

    from renkei.core.tests.snapshot import load_once
    from renkei.places.models import Theme
    from renkei.places.taxonomy import load_taxonomy

    def load() -> None:
        load_taxonomy(Theme)
        call_command("demo", stdout=io.StringIO())

    return lambda: load_once("whole demo", load)


@pytest.fixture
def activities_demo(partnerships_demo):
    """The demo partnerships with their learning activities."""
    from renkei.activities.demo import activities_demo_load
    from renkei.core.tests.snapshot import load_once

    load_once("activities", activities_demo_load)


@pytest.fixture
def anonymous():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    """Background tasks run inline in tests, so their effects can be asserted."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
                                  "QUEUES": ["default"]}}


@pytest.fixture(autouse=True)
def fresh_matching_index(settings):
    """Every change is visible to the next match in tests (no change-check interval)."""
    settings.RENKEI_INDEX_CHECK_SECONDS = 0


@pytest.fixture(autouse=True)
def no_kept_pages():
    """A test sees pages made for it: none kept from an earlier test (whose settings may differ)."""
    from renkei.core.cache import forget_prefix
    from renkei.ui import pagecache

    pagecache.forget_pages()
    forget_prefix(pagecache.PREFIX)


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Uploaded files go to a temporary folder, never to var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium (Debian's package) driven by Playwright; `make browser` installs it.

    Playwright's sync API runs an event loop in this thread; the ORM calls of the fixtures are
    still synchronous and safe here."""
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), f"Chromium is missing at {CHROMIUM}: run `make browser`"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


class _CountedApp:
    """The live server's WSGI application, counting the requests it is serving."""

    def __init__(self, app):
        self.app = app
        self.busy = 0
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        with self.lock:
            self.busy += 1
        try:
            return self.app(environ, start_response)
        finally:
            with self.lock:
                self.busy -= 1

    def wait_idle(self, timeout=30.0):
        deadline = time.monotonic() + timeout
        while self.busy and time.monotonic() < deadline:
            time.sleep(0.02)


@pytest.fixture(autouse=True)
def live_server_idle_before_the_database_is_emptied(request):
    """A browser test ends with its pages closed and the live server done with their requests.

    On in-memory SQLite the server thread shares the test's connection: a request still running
    (an htmx fragment a page asked for as it closed) locks a table that the teardown empties."""
    if "live_server" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("transactional_db")  # set up first, so emptied after this waits
    httpd = request.getfixturevalue("live_server").thread.httpd
    if not isinstance(httpd.get_app(), _CountedApp):
        httpd.set_app(_CountedApp(httpd.get_app()))
    chromium = request.getfixturevalue("browser") if "browser" in request.fixturenames else None
    yield
    if chromium is not None:
        for context in chromium.contexts:
            context.close()
    httpd.get_app().wait_idle()


@pytest.fixture(autouse=True)
def english_unless_a_test_says_otherwise():
    """A test that switches to Japanese (a page viewed in 日本語) leaves the next one in English."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.activate("en")
