"""Evidence of engagement and follow-through, as plain data (no HTTP, no Socket.IO, no rendering).

attendance.py (who came, were they new, were they answered), followthrough.py (what was promised,
was it done, what residents said), pulse.py (the two questions at the close), referrals.py
(issues passed to partner agencies), demographics.py (who took part vs who lives there),
report.py (the evidence page and CSV rows, per meeting, per beat, across beats).
"""
SMALL_NUMBER = 5  # a figure built from fewer answers than this is never shown
