"""Response headers that tell browsers what our pages may do.

- Content-Security-Policy (django-csp): the strict policy of settings.CONTENT_SECURITY_POLICY
  on every page readers see (scripts, styles, fonts and images from our own origin only,
  no inline script or style, no plugins, no framing); the relaxed
  settings.CONTENT_SECURITY_POLICY_ADMIN under settings.CSP_ADMIN_PREFIXES only, because
  CKEditor 4 builds its toolbar with inline `onclick` handlers and `style` attributes and
  boots its editing iframe with an inline script.
- Permissions-Policy: no camera, microphone, geolocation, payment … for any page.

Both are added outside the page cache (see MIDDLEWARE), so a cached copy carries the
policy of the moment it is served, not of the moment it was built.
"""

from csp.middleware import CSPMiddleware, PolicyParts
from csp.utils import default_config
from django.conf import settings


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, choosing the admin's policy under its prefixes."""

    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if (
            not report_only
            and parts.config is None  # no view chose its own policy
            and request.path_info.startswith(tuple(settings.CSP_ADMIN_PREFIXES))
        ):
            parts.config = default_config(settings.CONTENT_SECURITY_POLICY_ADMIN["DIRECTIVES"])
        return parts


def permissions_policy(features):
    """`{"camera": [], "fullscreen": ["self"]}` → `camera=(), fullscreen=(self)`."""
    return ", ".join(f"{name}=({' '.join(allowed)})" for name, allowed in features.items())


class PermissionsPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.header = permissions_policy(settings.PERMISSIONS_POLICY)

    def __call__(self, request):
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response
