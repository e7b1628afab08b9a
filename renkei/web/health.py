from django.db import connection
from django.http import JsonResponse

from renkei.ui.actions import read_only


@read_only
def healthz(request):
    """Liveness for load balancers: the process answers and the database accepts a query."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any database failure means "not healthy"
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
