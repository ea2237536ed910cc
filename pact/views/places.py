"""Finding your beat: by postcode, or by the browser's location (never stored)."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for

from pact.i18n import N_, translate_error
from pact.meetings.errors import DomainError, http_status

places_bp = Blueprint("places", __name__)

# The answer when a place is in no beat is a page that says so (404), not an error code alone.
HTTP_STATUS = {"outside_beats": 404, "unknown_postcode": 404}


@places_bp.get("/find")
def find():
    """`?postcode=` or `?lat=&lng=`: 302 to the beat's page, or a page that says why not."""
    from pact import places  # shapely and numpy (~24 MB) load on the first search, not in every live server

    postcode = (request.args.get("postcode") or "").strip()
    try:
        if postcode:
            beat = places.find_beat_by_postcode(postcode)
        elif request.args.get("lat") or request.args.get("lng"):
            beat = places.find_beat_at(*places.parse_point(request.args.get("lat"), request.args.get("lng")))
        else:
            raise DomainError("invalid_postcode", N_("Enter a full postcode, like LS6 1AN, or use your location."))
    except DomainError as error:
        status = HTTP_STATUS.get(error.code) or http_status(error)
        return render_template("public/find.html", error=error, message=translate_error(error),
                               postcode=postcode), status
    return redirect(url_for("public.beat", slug=beat.slug), 302)
