"""Scheduling meetings: create, edit, reschedule and cancel them; the workspace; streams.

Transport-free like pact/meetings/: the acting user and `now` are parameters, failures raise
`DomainError`, services add and flush and never commit. Public functions:
- operations: `MeetingDetails`, `create_meeting`, `update_meeting`, `cancel_meeting`, `can_schedule`
- hooks: `on_rescheduled(fn)`, `on_cancelled(fn)` — for the notifications package
- queries: `workspace`, `calendar_meetings`, `beat_events`, `announcements`
- streams: `recognise`, `frame_sources`
"""
