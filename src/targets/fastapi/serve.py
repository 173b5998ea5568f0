"""Entry point: uvicorn with the lab's production settings (lab_contract.uvicorn_server).

Importing this module imports the whole application (what `pnpm lab doctor` checks)."""

from app.main import create_app

from lab_contract.uvicorn_server import serve

if __name__ == "__main__":
    serve("fastapi", create_app, data_layers=("sqlalchemy",))
