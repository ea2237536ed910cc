"""The mail queue on Redis with two gevent server processes, each with its mail worker, on
PostgreSQL: one reminder per subscriber even when one process is killed with -9 mid-send."""
from __future__ import annotations

import collections
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

pytestmark = pytest.mark.cluster

SUBSCRIBERS = 60


@pytest.fixture
def subscribers_due(cluster_app):
    from pact.extensions import db
    from pact.meetings.directory import create_beat, schedule_meeting
    from pact.models import Subscription, SubscriptionState, utcnow
    from pact.notifications import tokens

    with cluster_app.app_context():
        beat = create_beat("hilltop", "Hilltop")
        for n in range(SUBSCRIBERS):
            email = f"resident{n}@example.org"
            db.session.add(Subscription(beat_id=beat.id, email=email, address_hash=tokens.address_hash(email),
                                        state=SubscriptionState.ACTIVE, manage_nonce=tokens.new_nonce(),
                                        confirmed_at=utcnow()))
        schedule_meeting(beat, "Hilltop PACT", utcnow() + timedelta(minutes=30))
        db.session.commit()
        db.session.remove()


def test_two_processes_share_the_redis_queue_and_send_each_reminder_once(cluster_servers, cluster_app, redis_server,
                                                                         subscribers_due, smtp):
    from pact.extensions import db
    from pact.models import DeliveryState, MailDelivery

    smtp.inbox.delay = 0.03
    env = {"PACT_MAIL_URL": smtp.url, "PACT_MAIL_WORKER": "on", "PACT_MAIL_SWEEP_INTERVAL": "0.5",
           "PACT_MAIL_BATCH": "5", "PACT_BASE_URL": "https://pact.example.police.uk", "PACT_SECRET_KEY": "cluster-test"}
    first = cluster_servers(env=env)
    cluster_servers(env=env)
    smtp.inbox.wait_for(10, timeout=60)
    first.kill()  # one process and its worker die mid-send; the other carries on from the shared queue
    deadline = time.monotonic() + 90
    with cluster_app.app_context():
        while time.monotonic() < deadline:
            counted = collections.Counter(db.session.scalars(select(MailDelivery.state)))
            db.session.commit()
            if counted[DeliveryState.PENDING] == 0 and sum(counted.values()) == SUBSCRIBERS:
                break
            time.sleep(0.3)
        counted = collections.Counter(db.session.scalars(select(MailDelivery.state)))
        assert db.session.scalar(select(func.count(MailDelivery.id))) == SUBSCRIBERS
    received = collections.Counter(m["X-Envelope-To"] for m in smtp.inbox.messages)
    assert max(received.values()) == 1, "somebody got the reminder twice"
    assert counted[DeliveryState.PENDING] == 0 and counted[DeliveryState.SENDING] <= 2
    assert counted[DeliveryState.SENT] == SUBSCRIBERS - counted[DeliveryState.SENDING]
    import redis

    # The jobs went through Redis: huey pushes and pops lists there (Socket.IO only publishes).
    stats = redis.Redis.from_url(redis_server.url).info("commandstats")
    assert "cmdstat_lpush" in stats and ("cmdstat_brpop" in stats or "cmdstat_rpop" in stats), sorted(stats)
