"""Names of every table, blob container and queue the service uses."""

COLLECTIONS_TABLE = "facecollections"
MEMBERS_TABLE = "facemembers"
TRAINING_TABLE = "facetraining"
DETECTED_FACES_TABLE = "detectedfaces"
INDEX_CONTAINER = "trainedindexes"
TRAINING_QUEUE = "face-training"
TRAINING_POISON_QUEUE = TRAINING_QUEUE + "-poison"

TABLES = (COLLECTIONS_TABLE, MEMBERS_TABLE, TRAINING_TABLE, DETECTED_FACES_TABLE)
CONTAINERS = (INDEX_CONTAINER,)
QUEUES = (TRAINING_QUEUE, TRAINING_POISON_QUEUE)
