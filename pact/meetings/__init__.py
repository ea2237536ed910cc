"""Domain services for PACT meetings.

Nothing here knows about HTTP or Socket.IO: the acting user or participant, the objects and `now`
are parameters, failures raise `DomainError` with a stable code, and services add and flush but
never commit (the adapter owns the transaction and broadcasts after it commits).
"""
