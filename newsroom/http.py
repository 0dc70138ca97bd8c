"""What the request says about its client, believed only as far as the deployment allows.

Behind nginx (deploy/nginx/toasoan.conf) every request comes from the proxy's address;
nginx *overwrites* X-Forwarded-For with the address it saw and X-Forwarded-Proto with
its scheme. Only then (settings.TRUST_PROXY_HEADERS) are those headers believed; without
a proxy that overwrites them, a client could write anything there.
"""

from django.conf import settings


def client_ip(request):
    """The client's address: the last hop of X-Forwarded-For (the one our proxy added)
    when TRUST_PROXY_HEADERS, else REMOTE_ADDR. "" when unknown."""
    meta = getattr(request, "META", None) or {}
    if settings.TRUST_PROXY_HEADERS:
        forwarded = meta.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return meta.get("REMOTE_ADDR", "") or ""
