"""Celery application. Workers: `celery -A gonghui worker -l info`."""

import logging
import os

from celery import Celery
from celery.utils.threads import bound_open_broker_sockets
from celery.worker.consumer import Consumer
from kombu.common import ignore_errors

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gonghui.settings")

logger = logging.getLogger(__name__)


class ReconnectingConsumer(Consumer):
    """The worker's consumer, surviving a broker (Redis) restart.

    Celery 5.7's `on_connection_error_after_connected` first `collect()`s the broken
    connection, which drops the transport's client, and then closes it; closing the Redis
    channel restores the unacknowledged messages through that client and raises
    `AttributeError: 'NoneType' object has no attribute 'hostname'`, an "Unrecoverable error"
    that ends the worker (and a task in flight later fails its ack the same way). Here the
    connection is closed without the collect, so the channel keeps its client: the worker
    reconnects when Redis is back and the task in flight acknowledges on the new connection.
    Checked by tests/test_worker_reconnect.py against a real Redis and worker.
    """

    def on_connection_error_after_connected(self, exc: Exception) -> None:
        logger.warning("broker connection lost (%r); reconnecting", exc)
        connection = self.connection  # type: ignore[has-type]
        self.connection = None
        if connection is None:
            return
        bound_open_broker_sockets(connection, 5.0)
        try:
            ignore_errors(connection, connection.close)
        except AttributeError as err:  # the kombu close path above, on other versions
            logger.warning("broker connection cleanup failed (%r); reconnecting anyway", err)
        if self.app.conf.worker_cancel_long_running_tasks_on_connection_loss:
            from celery.worker.state import active_requests

            for request in tuple(active_requests):
                if request.task.acks_late and not request.acknowledged:
                    request.cancel(self.pool)


app = Celery("gonghui")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
