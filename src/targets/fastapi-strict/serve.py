"""Entry point: uvicorn with the lab's production settings (lab_contract.uvicorn_server), the same
as the `fastapi` target's.

Importing this module imports the whole application (what `pnpm lab doctor` checks)."""

from strict_api.presentation.app import create_app

from lab_contract.uvicorn_server import serve

if __name__ == "__main__":
    serve("fastapi-strict", create_app, data_layers=("sqlalchemy",))
