"""Failed sign-in counting, per client IP and per username, in the Django cache; and budgets
of mails about an account (reset and confirmation links) per address and per client IP, of
sign-up attempts and new accounts per client IP, of old-password checks per account, and of
JSON API requests per client.

Shared by the site's login page and the admin's (both use forms from ``members.forms``).
The client address comes from ``members.clientaddr`` (trusted proxies, IPv6 counted per /64).
In services mode the cache is Redis, so every web worker sees the same counters.

Sign-in failures are counted three ways: per username *and* client (a few), per client (more),
and per username from all clients together (far more). A stranger guessing from one place
therefore locks only themselves out of that account, never its owner elsewhere; only a guess
spread over many addresses reaches the username's global ceiling. A fixed window starts at the
first failure; once a counter reaches its limit, every attempt it covers is refused *before*
the password is checked, so a guess made during a lockout tells the attacker nothing. A
successful sign-in clears the username's counter for that client only (one valid account must
not reset an attacker's budget for the others). Sessions already signed in are never touched.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from members.clientaddr import client_address, limit_bucket

_KEY_PREFIX = "members:login-failures"


def _window_seconds() -> int:
    return settings.MEMBERS_LOGIN_WINDOW_SECONDS


def _limits() -> tuple[int, int, int]:
    return (
        settings.MEMBERS_LOGIN_FAILURES_PER_USERNAME,
        settings.MEMBERS_LOGIN_FAILURES_PER_IP,
        settings.MEMBERS_LOGIN_FAILURES_PER_USERNAME_ALL_CLIENTS,
    )


def client_ip(request: HttpRequest | None) -> str:
    """The client's address, through trusted proxies (``members.clientaddr``)."""
    return client_address(request)


def _digest(value: str) -> str:
    # Hashed so arbitrary user input never becomes part of a cache key as is.
    return hashlib.sha256(value.encode()).hexdigest()[:32]


def _keys(ip: str, username: str) -> tuple[str, str, str]:
    """The counters of one attempt: (username at this client, this client, username anywhere)."""
    user = _digest(username.strip().casefold())
    client = _digest(limit_bucket(ip))
    return (
        f"{_KEY_PREFIX}:user-client:{user}:{client}",
        f"{_KEY_PREFIX}:ip:{client}",
        f"{_KEY_PREFIX}:user:{user}",
    )


def login_is_locked(*, ip: str, username: str) -> bool:
    keys = _keys(ip, username)
    counts = cache.get_many(keys)
    return any(counts.get(key, 0) >= limit for key, limit in zip(keys, _limits(), strict=True))


def login_failure_record(*, ip: str, username: str) -> None:
    for key in _keys(ip, username):
        _count(key, _window_seconds())


def login_success_record(*, ip: str, username: str) -> None:
    user_client_key, _, _ = _keys(ip, username)
    cache.delete(user_client_key)


def lockout_minutes() -> int:
    return max(1, _window_seconds() // 60)


# --- mails about an account -----------------------------------------------------------------

# Forms that mail whoever is named (password reset, address confirmation) could flood a
# stranger's inbox: each address gets a few mails an hour, each client a few more requests.
# The pages answer the same either way.
RESET_WINDOW_SECONDS = 60 * 60
RESET_MAILS_PER_ADDRESS = 3
RESET_REQUESTS_PER_IP = 10
_RESET_KEY_PREFIX = "members:password-resets"


def _count(key: str, window_seconds: int) -> int:
    """Add one to ``key``'s counter; the window starts at the first count."""
    # add() starts the window only if no counter exists; incr() is atomic in Redis.
    cache.add(key, 0, timeout=window_seconds)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=window_seconds)
        return 1


def account_mail_allowed(*, ip: str, email: str) -> bool:
    """Count one request for a mail to ``email`` (a reset or confirmation link, a notice);
    False once the address or the client used its hourly budget."""
    per_ip = _count(f"{_RESET_KEY_PREFIX}:ip:{_digest(limit_bucket(ip))}", RESET_WINDOW_SECONDS)
    if per_ip > RESET_REQUESTS_PER_IP:
        return False
    address_key = f"{_RESET_KEY_PREFIX}:email:{_digest(email.strip().casefold())}"
    return _count(address_key, RESET_WINDOW_SECONDS) <= RESET_MAILS_PER_ADDRESS


# --- sign-up --------------------------------------------------------------------------------

# Accounts one client may create per window: enough for a household or a classroom, not for a
# script filling the user table. Every attempt counts too, failed ones included, so nobody can
# ask the form without limit whether usernames exist (addresses it never tells: members.emails).
SIGNUPS_PER_IP = 10
SIGNUP_ATTEMPTS_PER_IP = 30
SIGNUP_WINDOW_SECONDS = 60 * 60


def _signup_keys(ip: str) -> tuple[str, str]:
    client = _digest(limit_bucket(ip))
    return f"members:signups:ip:{client}", f"members:signup-attempts:ip:{client}"


def signup_attempt_allowed(*, ip: str) -> bool:
    """Count one sign-up attempt; False once the client used its hourly budget of attempts or
    of new accounts."""
    accounts_key, attempts_key = _signup_keys(ip)
    if (cache.get(accounts_key) or 0) >= SIGNUPS_PER_IP:
        return False
    return _count(attempts_key, SIGNUP_WINDOW_SECONDS) <= SIGNUP_ATTEMPTS_PER_IP


def signup_record(*, ip: str) -> None:
    accounts_key, _ = _signup_keys(ip)
    _count(accounts_key, SIGNUP_WINDOW_SECONDS)


# --- password change ------------------------------------------------------------------------

# The old-password check of a signed-in reader, counted per account: a stolen session must not
# guess its way to the password. The sign-in locks never apply here, so a stranger's failures
# do not stop a signed-in reader from changing their password.


def _password_check_key(user_id: int) -> str:
    return f"members:password-check-failures:user:{user_id}"


def password_check_is_locked(*, user_id: int) -> bool:
    failures = cache.get(_password_check_key(user_id)) or 0
    return failures >= settings.MEMBERS_LOGIN_FAILURES_PER_USERNAME


def password_check_failure_record(*, user_id: int) -> None:
    _count(_password_check_key(user_id), _window_seconds())


# --- JSON API -------------------------------------------------------------------------------

# Requests per client per minute on /api/: generous for any application, a brake on scrapers.
# A token's requests count against its owner, wherever they come from.
API_WINDOW_SECONDS = 60


def api_request_allowed(*, client: str) -> bool:
    """Count one API request for ``client`` (``user:<id>`` or a limit bucket); False once the
    minute's budget is spent."""
    limit = settings.MEMBERS_API_REQUESTS_PER_MINUTE
    return _count(f"members:api:{_digest(client)}", API_WINDOW_SECONDS) <= limit


# --- requests for Premium -------------------------------------------------------------------

# The Premium page's form writes to the editors: a reader has a question or two, not dozens.
# Per client, per address given and per account (when signed in), each within a day; every
# attempt counts, so a refused one does not buy another try.
PREMIUM_REQUEST_WINDOW_SECONDS = 24 * 60 * 60
PREMIUM_REQUESTS_PER_IP = 5
PREMIUM_REQUESTS_PER_ADDRESS = 3
PREMIUM_REQUESTS_PER_ACCOUNT = 3
_PREMIUM_KEY_PREFIX = "members:premium-requests"


def premium_request_allowed(*, ip: str, email: str, user_id: int | None) -> bool:
    """Count one message to the editors; False once the client, the address or the account
    used its daily budget."""
    window = PREMIUM_REQUEST_WINDOW_SECONDS
    budgets = [
        (f"{_PREMIUM_KEY_PREFIX}:ip:{_digest(limit_bucket(ip))}", PREMIUM_REQUESTS_PER_IP),
        (
            f"{_PREMIUM_KEY_PREFIX}:email:{_digest(email.strip().casefold())}",
            PREMIUM_REQUESTS_PER_ADDRESS,
        ),
    ]
    if user_id is not None:
        budgets.append((f"{_PREMIUM_KEY_PREFIX}:user:{user_id}", PREMIUM_REQUESTS_PER_ACCOUNT))
    # Every counter is bumped, so a client cannot spread attempts over addresses unseen.
    counts = [(_count(key, window), limit) for key, limit in budgets]
    return all(count <= limit for count, limit in counts)
