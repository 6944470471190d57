"""The PersonDirectory's background functions: the queue-triggered job runner, the sweep that re-queues
operations a crash left unqueued, the purge of old operations and the removal of segment blobs a crashed
compaction left."""

import azure.functions as func

from core.directory.indexer import DIRECTORY_QUEUE, remove_every_abandoned_segment, run_directory_job
from core.directory.operations import purge_expired_operations, requeue_stalled_operations

PURGE_SCHEDULE = "0 17 * * * *"
SEGMENT_CLEANUP_SCHEDULE = "0 47 * * * *"
SWEEP_PERIOD_SECONDS = 30
SWEEP_SCHEDULE = f"*/{SWEEP_PERIOD_SECONDS} * * * * *"
"""An unqueued operation is queued again at most DIRECTORY_STALE_SECONDS + SWEEP_PERIOD_SECONDS after its last
action."""

blueprint = func.Blueprint()


@blueprint.function_name(name="Directory_Job")
@blueprint.queue_trigger(arg_name="msg", queue_name=DIRECTORY_QUEUE, connection="AzureWebJobsStorage")
def directory_job(msg: func.QueueMessage) -> None:
    run_directory_job(msg.get_body(), msg.dequeue_count or 1)


@blueprint.function_name(name="Directory_PurgeExpiredOperations")
@blueprint.timer_trigger(arg_name="timer", schedule=PURGE_SCHEDULE, run_on_startup=False, use_monitor=False)
def purge_operations_on_timer(timer: func.TimerRequest) -> None:
    purge_expired_operations()


@blueprint.function_name(name="Directory_RequeueStalledOperations")
@blueprint.timer_trigger(arg_name="timer", schedule=SWEEP_SCHEDULE, run_on_startup=False, use_monitor=False)
def requeue_stalled_on_timer(timer: func.TimerRequest) -> None:
    requeue_stalled_operations()


@blueprint.function_name(name="Directory_RemoveAbandonedSegments")
@blueprint.timer_trigger(arg_name="timer", schedule=SEGMENT_CLEANUP_SCHEDULE, run_on_startup=False, use_monitor=False)
def remove_abandoned_segments_on_timer(timer: func.TimerRequest) -> None:
    remove_every_abandoned_segment()
