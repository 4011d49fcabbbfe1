"""django-auth-ldap settings from the LDAP_* environment variables (see config/settings/base.py). Imports only
python-ldap and django_auth_ldap.config, so settings modules may import it."""

from collections.abc import Mapping

DIRECTORY_BACKEND = "lms.accounts.directory.DirectoryBackend"


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes", "on")


def directory_settings(environ: Mapping[str, str]) -> dict:
    """The AUTH_LDAP_* settings (and LMS_LDAP_EMPLOYEE_NUMBER_ATTR) for a directory at LDAP_SERVER_URI."""
    import ldap
    from django_auth_ldap.config import LDAPSearch

    options = {ldap.OPT_REFERRALS: 0, ldap.OPT_NETWORK_TIMEOUT: 10, ldap.OPT_TIMEOUT: 10}
    if environ.get("LDAP_CA_CERT_FILE"):
        options[ldap.OPT_X_TLS_CACERTFILE] = environ["LDAP_CA_CERT_FILE"]
        options[ldap.OPT_X_TLS_NEWCTX] = 0
    return {
        "AUTH_LDAP_SERVER_URI": environ["LDAP_SERVER_URI"].strip(),
        "AUTH_LDAP_BIND_DN": environ.get("LDAP_BIND_DN", ""),
        "AUTH_LDAP_BIND_PASSWORD": environ.get("LDAP_BIND_PASSWORD", ""),
        "AUTH_LDAP_USER_SEARCH": LDAPSearch(environ.get("LDAP_USER_SEARCH_BASE", ""), ldap.SCOPE_SUBTREE,
                                            environ.get("LDAP_USER_FILTER") or "(uid=%(user)s)"),
        "AUTH_LDAP_START_TLS": _flag(environ.get("LDAP_START_TLS")),
        "AUTH_LDAP_CONNECTION_OPTIONS": options,
        # The directory only checks passwords: it never creates, changes or grants anything here.
        "AUTH_LDAP_ALWAYS_UPDATE_USER": False,
        "AUTH_LDAP_NO_NEW_USERS": True,
        "AUTH_LDAP_USER_ATTR_MAP": {},
        "AUTH_LDAP_MIRROR_GROUPS": False,
        "AUTH_LDAP_FIND_GROUP_PERMS": False,
        "LMS_LDAP_EMPLOYEE_NUMBER_ATTR": environ.get("LDAP_EMPLOYEE_NUMBER_ATTR") or "employeeNumber",
    }
