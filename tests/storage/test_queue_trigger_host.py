"""The dev host's queue semantics against a real Azurite: retries, then the poison queue."""

import logging

from azure.storage.queue import QueueClient

from devhost.trigger_host import QueueListener, QueueOptions
from tests.support.helpers import new_id


def test_a_message_that_always_fails_lands_in_the_poison_queue(azurite, caplog):
    name = new_id("jobs")
    client = QueueClient.from_connection_string(azurite.connection_string, name)
    poison = QueueClient.from_connection_string(azurite.connection_string, name + "-poison")
    client.create_queue()
    poison.create_queue()
    attempts = []

    def always_fails(msg):
        attempts.append((msg.dequeue_count, msg.get_body()))
        raise RuntimeError("job cannot be done")

    listener = QueueListener(
        "Always_Fails",
        always_fails,
        "msg",
        client,
        poison,
        QueueOptions(max_dequeue_count=3, visibility_timeout_seconds=0, batch_size=1),
    )
    client.send_message("eyJqb2IiOiAxfQ==")  # base64 of {"job": 1}, the host's message encoding
    with caplog.at_level(logging.ERROR):
        for _ in range(10):
            listener.poll_once()
    assert attempts == [(1, b'{"job": 1}'), (2, b'{"job": 1}'), (3, b'{"job": 1}')]
    assert list(client.peek_messages(max_messages=5)) == []
    poisoned = list(poison.peek_messages(max_messages=5))
    assert [message.content for message in poisoned] == ["eyJqb2IiOiAxfQ=="]
    assert "job cannot be done" in caplog.text and "moved to queue" in caplog.text


def test_a_message_that_succeeds_is_deleted(azurite):
    name = new_id("jobs")
    client = QueueClient.from_connection_string(azurite.connection_string, name)
    poison = QueueClient.from_connection_string(azurite.connection_string, name + "-poison")
    client.create_queue()
    seen = []
    listener = QueueListener(
        "Succeeds", lambda msg: seen.append(msg.get_body()), "msg", client, poison, QueueOptions(max_dequeue_count=3)
    )
    client.send_message("aGVsbG8=")
    assert listener.poll_once() == 1
    assert seen == [b"hello"]
    assert list(client.peek_messages()) == []
