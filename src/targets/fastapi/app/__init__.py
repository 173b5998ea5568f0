"""FastAPI target: routers, Pydantic v2 models, SQLAlchemy 2 async (asyncpg), uvicorn."""
