"""Coordinates of an address, from the French national address API (settings.ADDRESS_API_URL).

The service is outside the platform: it may be slow, down or unsure of its answer. Every such
case gives None, so that the coordinator types the coordinates in instead.
"""

import json
import logging
from decimal import Decimal
from urllib.error import URLError
from urllib.parse import urlencode
from urllib.request import Request, urlopen

from django.conf import settings

logger = logging.getLogger(__name__)

# The API scores its best match from 0 to 1; below this it is more often wrong than right.
MIN_SCORE = 0.5
PLACES = Decimal("0.000001")  # the precision of Partner.latitude and longitude


def is_enabled():
    return settings.ADDRESS_API_URL.startswith(("https://", "http://"))


def lookup(address, postal_code="", city=""):
    """``(latitude, longitude)`` as Decimals with six places, or None when the address is
    unknown, the match unsure, or the service unreachable or disabled."""
    text = " ".join(part.strip() for part in (address, postal_code, city) if part and part.strip())
    if not is_enabled() or len(text) < 3:
        return None
    query = {"q": text, "limit": 1}
    if postal_code:
        query["postcode"] = postal_code.strip()
    # The URL comes from the settings (http or https only, see is_enabled), never from the user.
    url = f"{settings.ADDRESS_API_URL}?{urlencode(query)}"
    request = Request(url, headers={"Accept": "application/json"})  # noqa: S310
    try:
        with urlopen(request, timeout=settings.ADDRESS_API_TIMEOUT) as response:  # noqa: S310
            answer = json.load(response)
        best = answer["features"][0]
        longitude, latitude = best["geometry"]["coordinates"][:2]
        score = float(best["properties"].get("score", 0))
    except (URLError, OSError, ValueError, KeyError, IndexError, TypeError) as error:
        # OSError covers timeouts and refused connections; ValueError a body that is not JSON.
        logger.warning("Address lookup failed: %s", error)
        return None
    if score < MIN_SCORE:
        return None
    try:
        latitude = Decimal(str(latitude)).quantize(PLACES)
        longitude = Decimal(str(longitude)).quantize(PLACES)
    except ArithmeticError:
        return None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None
    return latitude, longitude
