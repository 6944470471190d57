"""Azure Functions entry point (Python v2 model): registers every blueprint."""

import azure.functions as func

from functions import (
    console,
    directory_jobs,
    dynamic_person_groups,
    face,
    face_lists,
    fallback,
    large_face_lists,
    large_person_group_persons,
    large_person_groups,
    liveness,
    operations,
    person_directory,
    person_group_persons,
    person_groups,
    training,
)

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)

for blueprint in (
    fallback.blueprint,
    person_groups.blueprint,
    person_group_persons.blueprint,
    large_person_groups.blueprint,
    large_person_group_persons.blueprint,
    face_lists.blueprint,
    large_face_lists.blueprint,
    training.blueprint,
    face.blueprint,
    liveness.blueprint,
    operations.blueprint,
    person_directory.blueprint,
    dynamic_person_groups.blueprint,
    directory_jobs.blueprint,
    console.blueprint,
):
    app.register_functions(blueprint)
