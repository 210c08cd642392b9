"""Queueing a Celery task after the transaction commits, without letting Redis decide whether a page works.

Every write is recorded in PostgreSQL first (an ``OutboundMessage``, a ``Clock`` row, a ``BillRun``); the
task that acts on it is only a prompt. When Redis is unreachable the prompt is lost, logged, and the
request still succeeds: a beat sweep finds the recorded work and queues it again (the outbound sweep in
``core.tasks``, the clock sweep in ``repairs.tasks``), and each task is idempotent, so a prompt that
arrives twice changes nothing."""

import logging

from django.db import transaction
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

BROKER_DOWN = (BrokerError, RedisError, OSError)


def enqueue_on_commit(task, *args, eta=None) -> None:
    """``task.apply_async(args, eta=eta)`` once the surrounding transaction commits (at once outside one);
    a broker outage is logged, never raised into the request."""

    def send():
        try:
            if eta is None:
                task.delay(*args)
            else:
                task.apply_async(args=list(args), eta=eta)
        except BROKER_DOWN as exc:
            logger.warning("Redis unreachable: %s%r not queued now; the sweep will queue it (%s)", task.name, args, exc)

    transaction.on_commit(send)
