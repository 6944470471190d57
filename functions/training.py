"""The queue-triggered training function: runs one job from ``face-training``."""

import azure.functions as func

from core.collections.training import TRAINING_QUEUE, run_training_job

blueprint = func.Blueprint()


@blueprint.function_name(name="Collection_TrainingJob")
@blueprint.queue_trigger(arg_name="msg", queue_name=TRAINING_QUEUE, connection="AzureWebJobsStorage")
def training_job(msg: func.QueueMessage) -> None:
    run_training_job(msg.get_body(), msg.dequeue_count or 1)
