"""Signing in through the login page, for the browser tests (Playwright pages)."""

DEMO_PASSWORD = "renkei-demo"  # noqa: S105 - the demo accounts' documented password


def sign_in(page, base: str, username: str, *, password: str = DEMO_PASSWORD, next_url: str = "") -> None:
    """Sign in as ``username`` with the login form (an earlier session is dropped first) and wait for
    the page it leads to (``next_url`` when given)."""
    page.context.clear_cookies()
    page.goto(f"{base}/login/" + (f"?next={next_url}" if next_url else ""))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
