"""Demo accounts, one per role, so a laptop demo can show what each role sees.
Never created in production (the demo command refuses)."""

from renkei.accounts.models import Role, User
from renkei.accounts.services import user_create
from renkei.places.models import Place

DEMO_PASSWORD = "renkei-demo"  # noqa: S105 - documented demo password, never used in production

DEMO_USERS = [
    ("admin", "Administrator", [Role.ADMINISTRATOR], []),
    ("officer", "Programme Officer", [Role.PROGRAMME_OFFICER], []),
    ("kamaishi", "Kamaishi focal point", [Role.FOCAL_POINT], ["kamaishi"]),
    ("reviewer", "Selection reviewer", [Role.REVIEWER], []),
    ("secretariat", "Network secretariat", [Role.NETWORK_SECRETARIAT], []),
    ("evaluator", "Partnership evaluator", [Role.EVALUATOR], []),
    ("librarian", "Knowledge manager", [Role.KNOWLEDGE_MANAGER], []),
]


def demo_users() -> list[str]:
    created = []
    for username, display, roles, places in DEMO_USERS:
        if User.objects.filter(username=username).exists():
            continue
        user_create(
            username=username, password=DEMO_PASSWORD, display_name=display, roles=roles,
            places=list(Place.objects.filter(slug__in=places)),
        )
        created.append(username)
    return created
