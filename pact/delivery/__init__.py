"""Delivery: the adapter that sends what `pact.notifications` says, after commit, on a job queue
(huey: SQLite embedded by default, Redis with PACT_MESSAGE_QUEUE) over SMTP or into instance/outbox/.

Adapters that commit a notification call `dispatch_soon` (HTTP: `unit_of_work.after_commit`;
Socket.IO: the handler's `sends`)."""
from pact.delivery.queue import dispatch_soon, mail_queue

__all__ = ["dispatch_soon", "mail_queue"]
