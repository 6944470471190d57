"""Azure Functions entry point (Python v2 model): registers every blueprint."""

import azure.functions as func

from functions import fallback

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)

for blueprint in (fallback.blueprint,):
    app.register_functions(blueprint)
