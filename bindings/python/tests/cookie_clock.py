"""The middleware computes a cookie's Expires from the clock when it answers,
so a test compares against every value the clock allowed between sending the
request and checking the answer (a second may tick in between)."""

import time
from typing import Set

import clickref


def cookies_since(started: int, click_id: str, **options) -> Set[str]:
    """The Set-Cookie values clickref.click_cookie gives from Unix second `started` until now."""
    return {clickref.click_cookie(click_id, now=t, **options) for t in range(started, int(time.time()) + 1)}
