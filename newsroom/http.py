"""Facts about the HTTP request that several parts of the site need."""


def client_ip(request):
    """The address the request came from (REMOTE_ADDR): for the audit trail."""
    return request.META.get("REMOTE_ADDR", "") or ""
