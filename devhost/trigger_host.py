"""Runs the FunctionApp's queue- and timer-triggered functions like the Functions host.

Queue functions: messages are polled from Azure Storage (Azurite locally) and
hidden while they run; a failure makes the message visible again after
host.json's ``visibilityTimeout``, and a message that has failed
``maxDequeueCount`` times moves to ``<queue>-poison``. While a function runs,
its message's lease is renewed when half of it has passed, as the Functions
host does; so a host that dies mid-function (killed, out of memory) leaves the
message to reappear once the lease runs out, and it is run again. Bodies are base64, the
host's default encoding. Timer functions fire on their NCRONTAB schedule.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from azure.core.exceptions import ResourceExistsError
from azure.functions.decorators.function_app import Function
from azure.functions.decorators.queue import QueueTrigger
from azure.functions.decorators.timer import TimerTrigger
from azure.functions.queue import QueueMessage as FunctionQueueMessage
from azure.functions.timer import TimerRequest
from azure.storage.queue import QueueClient, QueueMessage

from devhost.schedule import Schedule

logger = logging.getLogger("devhost.triggers")

PROCESSING_LEASE_SECONDS = 30
"""How long a received message stays hidden without renewal. The Functions host leases for 10 minutes;
the dev host's shorter lease makes a job interrupted by a dead host run again within 30 s."""


@dataclass(frozen=True)
class QueueOptions:
    """The host.json ``extensions.queues`` settings the host honours."""

    max_dequeue_count: int = 5
    visibility_timeout_seconds: float = 0.0
    batch_size: int = 16
    max_polling_interval_seconds: float = 60.0


def parse_timespan(value: str | None, default: float) -> float:
    """Seconds in a host.json timespan such as ``00:00:30``."""
    if not value:
        return default
    hours, minutes, seconds = value.split(":")
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


def queue_options(host_json: dict[str, Any]) -> QueueOptions:
    queues = host_json.get("extensions", {}).get("queues", {})
    defaults = QueueOptions()
    return QueueOptions(
        max_dequeue_count=int(queues.get("maxDequeueCount", defaults.max_dequeue_count)),
        visibility_timeout_seconds=parse_timespan(queues.get("visibilityTimeout"), defaults.visibility_timeout_seconds),
        batch_size=int(queues.get("batchSize", defaults.batch_size)),
        max_polling_interval_seconds=parse_timespan(
            queues.get("maxPollingInterval"), defaults.max_polling_interval_seconds
        ),
    )


def _message_body(content: str) -> bytes:
    try:
        return base64.b64decode(content, validate=True)
    except (binascii.Error, ValueError):
        return content.encode("utf-8")


class Lease:
    """Keeps a received message hidden while its function runs, renewing every half lease.

    Each renewal changes the message's pop receipt; ``release`` stops renewing and
    returns the current one, which deleting or updating the message needs.
    """

    def __init__(self, client: QueueClient, message: QueueMessage) -> None:
        self.client = client
        self.message_id = message.id
        self.pop_receipt = message.pop_receipt
        self.stopped = threading.Event()
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self._renew, name=f"lease-{message.id}", daemon=True)
        self.thread.start()

    def _renew(self) -> None:
        while not self.stopped.wait(PROCESSING_LEASE_SECONDS / 2):
            with self.lock:
                if self.stopped.is_set():
                    return
                try:
                    renewed = self.client.update_message(
                        self.message_id, self.pop_receipt, visibility_timeout=PROCESSING_LEASE_SECONDS
                    )
                except Exception:
                    logger.exception("renewing the lease of message %s failed", self.message_id)
                    continue
                self.pop_receipt = renewed.pop_receipt

    def release(self) -> str | None:
        """Stop renewing; the message's current pop receipt."""
        with self.lock:
            self.stopped.set()
        return self.pop_receipt


class QueueListener:
    """Polls one queue and runs its function, with the host's retry and poison semantics."""

    def __init__(
        self,
        name: str,
        call: Callable[..., Any],
        parameter: str,
        client: QueueClient,
        poison: QueueClient,
        options: QueueOptions,
    ) -> None:
        self.name = name
        self.call = call
        self.parameter = parameter
        self.client = client
        self.poison = poison
        self.options = options

    def poll_once(self) -> int:
        """Receive and process one batch; return how many messages were handled."""
        messages = list(
            self.client.receive_messages(
                messages_per_page=self.options.batch_size,
                max_messages=self.options.batch_size,
                visibility_timeout=PROCESSING_LEASE_SECONDS,
            )
        )
        for message in messages:
            self._process(message)
        return len(messages)

    def _process(self, message: QueueMessage) -> None:
        argument = FunctionQueueMessage(
            id=message.id,
            body=_message_body(message.content),
            dequeue_count=message.dequeue_count,
            expiration_time=message.expires_on,
            insertion_time=message.inserted_on,
            time_next_visible=message.next_visible_on,
            pop_receipt=message.pop_receipt,
        )
        lease = Lease(self.client, message)
        try:
            self.call(**{self.parameter: argument})
        except Exception:
            logger.exception(
                "function %s failed on message %s (dequeue count %s)", self.name, message.id, message.dequeue_count
            )
            self._after_failure(message, lease.release())
            return
        self.client.delete_message(message.id, lease.release())

    def _after_failure(self, message: QueueMessage, pop_receipt: str | None) -> None:
        assert message.dequeue_count is not None  # the service sets it on every received message
        if message.dequeue_count >= self.options.max_dequeue_count:
            self.poison.send_message(message.content)
            self.client.delete_message(message.id, pop_receipt)
            logger.error(
                "message %s moved to queue %s after %s attempts",
                message.id,
                self.poison.queue_name,
                message.dequeue_count,
            )
            return
        self.client.update_message(
            message.id, pop_receipt, visibility_timeout=int(self.options.visibility_timeout_seconds)
        )

    def run(self, stop: threading.Event) -> None:
        """Poll until ``stop`` is set, backing off while the queue is empty, as the host does."""
        delay = 0.1
        while not stop.is_set():
            try:
                handled = self.poll_once()
            except Exception:
                logger.exception("polling queue %s failed", self.client.queue_name)
                handled = 0
            delay = 0.1 if handled else min(delay * 2, self.options.max_polling_interval_seconds)
            stop.wait(0 if handled else delay)


class TimerRunner:
    """Fires one timer-triggered function on its schedule."""

    def __init__(self, name: str, call: Callable[..., Any], parameter: str, schedule: Schedule) -> None:
        self.name = name
        self.call = call
        self.parameter = parameter
        self.schedule = schedule

    def run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            now = datetime.now(UTC)
            due = self.schedule.next_after(now)
            if stop.wait((due - now).total_seconds()):
                return
            try:
                self.call(**{self.parameter: TimerRequest(past_due=False)})
            except Exception:
                logger.exception("timer function %s failed", self.name)


def _queue_client(connection_setting: str, queue_name: str) -> QueueClient:
    from core.storage.clients import DEVELOPMENT_STORAGE, azurite_connection_string, queue_options

    connection = os.environ.get(connection_setting or "AzureWebJobsStorage", "")
    if connection.strip().rstrip(";") == DEVELOPMENT_STORAGE:
        connection = azurite_connection_string()
    client = QueueClient.from_connection_string(connection, queue_name, **queue_options())
    with contextlib.suppress(ResourceExistsError):
        client.create_queue()
    return client


def trigger_runners(functions: list[Function], host_json: dict[str, Any]) -> list[QueueListener | TimerRunner]:
    """A runner for every queue- and timer-triggered function among ``functions``."""
    options = queue_options(host_json)
    runners: list[QueueListener | TimerRunner] = []
    for function in functions:
        trigger = function.get_trigger()
        name = function.get_function_name() or function.get_user_function().__name__
        if isinstance(trigger, QueueTrigger):
            client = _queue_client(trigger.connection, trigger.queue_name)
            poison = _queue_client(trigger.connection, trigger.queue_name + "-poison")
            runners.append(QueueListener(name, function.get_user_function(), trigger.name, client, poison, options))
        elif isinstance(trigger, TimerTrigger):
            runners.append(
                TimerRunner(
                    name,
                    function.get_user_function(),
                    trigger.name,
                    Schedule.parse(trigger.schedule),
                )
            )
    return runners


def start_runners(runners: list[QueueListener | TimerRunner], stop: threading.Event) -> list[threading.Thread]:
    threads = [threading.Thread(target=runner.run, args=(stop,), name=runner.name, daemon=True) for runner in runners]
    for thread in threads:
        thread.start()
    return threads
